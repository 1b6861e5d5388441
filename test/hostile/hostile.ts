import v8 from "node:v8";
import vm from "node:vm";
import { expect } from "vitest";
import { createZApiClient, type ZApiClientOptions } from "../../src/index.js";
import { everyRendering } from "../helpers/secrets.js";

// Secrets for the hostile tests. Their first six characters are distinctive, so "no prefix
// of six or more characters survives" can be checked by a plain search of every rendering.
/** Like a real token: letters and digits. */
export const TOKEN = "Vq8Xz3tok9f8e7d6c5b4a3";
/** Like a real Client-Token: letters and digits. */
export const CLIENT_TOKEN = "Wk4Jy7cli1a2b3c4d5e6f7";
/** A token with everything a path token may hold that encoders disagree on (no space: a token holding one is refused, as a pasted "Bearer x" would be). */
export const ODD_TOKEN = "Yh2Nm5ö/+%\"\\&=?#!~'(*)é-odd";
/** A Client-Token with every printable ASCII character encoders disagree on (no space: it is a header). */
export const ODD_CLIENT_TOKEN = "Rb6Tc1\"\\/+%&=?#!~'(*)<>;-odd";
export const ALL_SECRETS = [TOKEN, CLIENT_TOKEN, ODD_TOKEN, ODD_CLIENT_TOKEN];
/** How long a piece of a secret may show: 5 characters, so 6 or more never survive. */
const PREFIX = 6;

export const seed = { autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999"] };

export type Options = NonNullable<Parameters<typeof createZApiClient>[0]>;
export function clientFor(baseUrl: string, extra: Partial<ZApiClientOptions> = {}) {
  return createZApiClient({ instanceId: "inst", token: TOKEN, clientToken: CLIENT_TOKEN, baseUrl, retry: false, timeoutMs: 2_000, ...extra });
}

const hex = (byte: number) => byte.toString(16).toUpperCase().padStart(2, "0");
const unit = (char: string) => [...Array(char.length).keys()].map((i) => `\\u${char.charCodeAt(i).toString(16).toUpperCase().padStart(4, "0")}`).join("");

/** Every way a server, a proxy or a framework could hand `secret` back. */
export function echoForms(secret: string): Record<string, string> {
  const component = encodeURIComponent(secret);
  const json = JSON.stringify(secret).slice(1, -1);
  return {
    raw: secret,
    "percent-encoded": component,
    "percent-encoded, lower-case hex": component.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    "percent-encoded as a URL": encodeURI(secret),
    "percent-encoded, every byte": [...new TextEncoder().encode(secret)].map((b) => `%${hex(b)}`).join(""),
    "form-encoded": new URLSearchParams({ a: secret }).toString().slice(2),
    "JSON-escaped": json,
    "JSON-escaped, ASCII only": json.replace(/[^\x20-\x7e]/g, unit),
    "JSON-escaped, slashes too": json.replaceAll("/", "\\/"),
    "\\u-escaped, every character": [...secret].map(unit).join(""),
    "\\u-escaped, lower-case hex": [...secret].map(unit).join("").toLowerCase(),
    "HTML-escaped": secret.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c),
    "HTML-escaped as PHP does (&#039;) and XML (&apos;)": secret.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;" })[c] ?? c).replace("&#039;", "&apos;"),
    "HTML numeric references, as escapers write the characters they escape": [...secret].map((c) => ("&<>\"'`=/".includes(c) ? `&#x${c.charCodeAt(0).toString(16).toUpperCase()};` : c)).join(""),
    "percent-encoded twice": [...new TextEncoder().encode(secret)].map((b) => `%25${hex(b)}`).join(""),
    base64: Buffer.from(secret).toString("base64"),
    base64url: Buffer.from(secret).toString("base64url"),
    "base64, inside a Basic credential": Buffer.from(`inst:${secret}`).toString("base64"),
    "base64, one byte in": Buffer.from(`x${secret}`).toString("base64"),
    "upper-cased": secret.toUpperCase(),
  };
}

// What a reader could turn a rendering back into: JSON and JS string escapes undone (twice:
// util.inspect escapes backslashes again), percent-encoding undone, "+" read as a space.
function decodings(text: string): string[] {
  const out = [text];
  let unescaped = text;
  for (let i = 0; i < 3 && unescaped.includes("\\"); i++) {
    unescaped = unescaped.replace(/\\u([0-9a-fA-F]{4})/g, (_, code: string) => String.fromCharCode(parseInt(code, 16))).replace(/\\(["\\/'])/g, "$1");
    out.push(unescaped);
  }
  for (const base of new Set([text, unescaped])) {
    if (/[%+]/.test(base)) out.push(percentDecode(base), percentDecode(base.replaceAll("+", " ")), percentDecode(percentDecode(base)));
    if (base.includes("&")) out.push(htmlDecode(base));
  }
  out.push(base64Decodings(text).join("\n"));
  return out;
}

function htmlDecode(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&#([0-9]+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&(quot|apos|amp|lt|gt);/g, (_, name: string) => ({ quot: '"', apos: "'", amp: "&", lt: "<", gt: ">" })[name]!);
}

// Every run of base64 characters decoded from each of its four character offsets, one of
// which is where the encoder's groups began.
// Runs of one repeated character (the tests' filler) are left out first: they cannot hide
// a secret, and decoding them four times over made every check slow.
function base64Decodings(text: string): string[] {
  const out: string[] = [];
  for (const [run] of text.replace(/(.)\1{7,}/g, " ").matchAll(/[A-Za-z0-9+/_-]{8,}/g)) {
    for (let offset = 0; offset < 4; offset++) out.push(Buffer.from(run.slice(offset), "base64").toString("utf8"));
  }
  return out;
}

function percentDecode(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/**
 * Fails if any secret, or any piece of one six characters long or more from its start,
 * shows in any rendering of `value` (message, stack, cause chain, body, inspect, JSON),
 * raw or in any form a reader could decode, in any case.
 */
export function expectNoTrace(value: unknown, secrets: readonly string[] = ALL_SECRETS): void {
  const texts = decodings(everyRendering(value)).map((text) => text.toLowerCase());
  for (const secret of secrets) {
    const piece = secret.slice(0, PREFIX).toLowerCase();
    for (const text of texts) {
      const at = text.indexOf(piece);
      // expect() only on a find: thousands of passing calls to it cost more than the search.
      if (at >= 0) expect(at, `a piece of a secret leaked: …${JSON.stringify(text.slice(Math.max(0, at - 60), at + 60))}…`).toBe(-1);
    }
  }
}

/** A body as a stream of chunks, the way a socket delivers it. */
export function streamOf(chunks: readonly (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[i++];
      if (chunk === undefined) return controller.close();
      controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
    },
  });
}

/** A fetch that answers every call with `answer` and records what it was given; it never looks at the signal. */
export function fakeFetch(answer: (url: string, init: RequestInit | undefined) => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    calls.push({ url, init });
    return answer(url, init);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

export { rejection } from "../helpers/secrets.js";

/** The exception `run` throws, which it must. */
export function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an exception, but none was thrown");
}

/**
 * A compressed body that expands to `mib` MiB of zeros, as stacked codings (the
 * `Content-Encoding` to send with it is returned too). One deflate layer cannot expand more
 * than about 1,030 times, so under 2 kB for 1 GiB takes layers, as an attacker would stack them.
 */
export async function bomb(coding: "gzip" | "deflate" | "br", mib: number): Promise<{ body: Buffer; contentEncoding: string }> {
  const zlib = await import("node:zlib");
  const zeros = Buffer.alloc(1024 * 1024);
  if (coding === "gzip") {
    // Gzip members may follow one another; a reader inflates them all, one after the other.
    const inner = Buffer.concat(Array<Buffer>(mib).fill(zlib.gzipSync(zeros, { level: 9 })));
    return { body: zlib.gzipSync(zlib.gzipSync(inner, { level: 9 }), { level: 9 }), contentEncoding: "gzip, gzip, gzip" };
  }
  if (coding === "deflate") {
    // Full-flushed raw deflate blocks of 1 MiB, repeated, between a zlib header and trailer.
    const blocks: Buffer[] = [];
    const deflate = zlib.createDeflateRaw({ level: 9 });
    deflate.on("data", (chunk: Buffer) => blocks.push(chunk));
    deflate.write(zeros);
    await new Promise<void>((resolve) => deflate.flush(zlib.constants.Z_FULL_FLUSH, () => resolve()));
    deflate.close();
    const block = Buffer.concat(blocks);
    const adler = Buffer.alloc(4);
    adler.writeUInt32BE(((((mib * 1024 * 1024) % 65521) * 65536) + 1) >>> 0);
    const inner = Buffer.concat([Buffer.from([0x78, 0xda]), ...Array<Buffer>(mib).fill(block), Buffer.from([0x03, 0x00]), adler]);
    return { body: zlib.deflateSync(zlib.deflateSync(inner, { level: 9 }), { level: 9 }), contentEncoding: "deflate, deflate, deflate" };
  }
  const brotli = zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_LGWIN]: 24 } });
  const parts: Buffer[] = [];
  brotli.on("data", (chunk: Buffer) => parts.push(chunk));
  const ended = new Promise((resolve) => brotli.on("end", resolve));
  for (let i = 0; i < mib; i++) if (!brotli.write(zeros)) await new Promise((resolve) => brotli.once("drain", resolve));
  brotli.end();
  await ended;
  return { body: zlib.brotliCompressSync(Buffer.concat(parts)), contentEncoding: "br, br" };
}

/** What `body` expands to, read back through every layer of `contentEncoding` (for small bombs only). */
export async function expand(body: Buffer, contentEncoding: string): Promise<number> {
  const zlib = await import("node:zlib");
  let data = body;
  for (const coding of contentEncoding.split(",").map((c) => c.trim()).reverse()) {
    data = coding === "gzip" ? zlib.gunzipSync(data) : coding === "deflate" ? zlib.inflateSync(data) : zlib.brotliDecompressSync(data);
  }
  return data.byteLength;
}

// A collector to call before measuring: the global one under --expose-gc, else one the flag
// turns on for a fresh context (V8 reads it when a context is made).
const collect: (() => void) | undefined = (() => {
  const global = (globalThis as { gc?: () => void }).gc;
  if (global) return global;
  try {
    v8.setFlagsFromString("--expose-gc");
    return vm.runInNewContext("gc") as () => void;
  } catch {
    return undefined;
  }
})();
export const canCollect = collect !== undefined;

/** Memory in MiB, after a full collection when the runtime allows one. */
export function memory(): { rss: number; heap: number } {
  collect?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss: Math.round(rss / 2 ** 20), heap: Math.round(heapUsed / 2 ** 20) };
}
