import type { Deadline } from "./deadline.js";

/** The most of an error answer's body that is read; the rest is cancelled, not downloaded. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** The most of an error body's text an error keeps, after redaction. */
export const MAX_ERROR_TEXT = 2_000;

/** A body as text, and whether it was cut at the limit. */
export interface Body {
  readonly text: string;
  readonly truncated: boolean;
}

type ReadResult = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;

const EMPTY: Body = { text: "", truncated: false };
// Stateless between calls without { stream: true }: one serves every body.
const decoder = new TextDecoder();
// The runtime's own getReader, taken at the first read: Node loads its web streams on the
// first use of ReadableStream, which an import of the client should not pay for.
let getReader: ((this: ReadableStream) => ReadableStreamDefaultReader) | null | undefined;

/**
 * Reads at most `limit` bytes of the body, as the stream gives them: after any
 * `Content-Encoding` was undone, whatever `Content-Length` says. The attempt's `deadline`
 * (its timeout or abort) ends the read, even against a stream (or a `fetch`) that ignores
 * the signal.
 *
 * A genuine ReadableStream (the runtime's getReader accepts it) is not raced: when the
 * deadline comes, its reader is cancelled, which settles a pending read at once whatever
 * its source does (the Streams standard's ReadableStreamCancel closes the stream before it
 * asks the source), and the read then throws the deadline's reason. Anything else that
 * calls itself a body is raced, read by read.
 */
export async function readBody(
  message: { readonly body: ReadableStream<Uint8Array> | null; readonly headers?: Headers; text?(): Promise<string> },
  limit: number,
  deadline: Deadline | undefined,
  trustLength = false,
): Promise<Body> {
  // The runtime's own fetch stops at Content-Length; without Content-Encoding that is the size.
  if (trustLength && message.headers && message.text && message.headers.get("Content-Encoding") === null) {
    const declared = message.headers.get("Content-Length");
    if (declared !== null && Number(declared) <= limit) return { text: await message.text(), truncated: false };
  }
  const stream = message.body;
  if (!stream) return EMPTY;
  const genuine = genuineReader(stream);
  const reader = genuine ?? stream.getReader();
  let stopped = false;
  let reason: unknown;
  let race: ((work: Promise<ReadResult>) => Promise<ReadResult>) | undefined;
  if (deadline && genuine) {
    const onEnd = (why: unknown) => {
      if (stopped) return;
      (stopped = true), (reason = why);
      reader.cancel(why).catch(ignore);
    };
    deadline.watch(onEnd);
  } else if (deadline) {
    race = (work) => deadline.race(work);
  }
  let done = false;
  try {
    // Most bodies come in one chunk: decoded as it is, without copying.
    let result = await (race ? race(reader.read()) : reader.read());
    if (stopped) throw reason;
    if (result.done) return ((done = true), EMPTY);
    let chunk = bytes(result.value);
    if (chunk.byteLength > limit) return { text: decoder.decode(chunk.subarray(0, limit)), truncated: true };
    let chunks: Uint8Array[] | undefined;
    let received = chunk.byteLength;
    for (;;) {
      result = await (race ? race(reader.read()) : reader.read());
      if (stopped) throw reason;
      if (result.done) {
        done = true;
        return { text: decoder.decode(chunks ? join(chunks, received) : chunk), truncated: false };
      }
      const value = bytes(result.value);
      (chunks ??= [chunk]).push(value);
      if (received + value.byteLength > limit) {
        chunks[chunks.length - 1] = value.subarray(0, limit - received);
        return { text: decoder.decode(join(chunks, limit)), truncated: true };
      }
      received += value.byteLength;
      chunk = value;
    }
  } finally {
    if (deadline && genuine) deadline.unwatch();
    // Not awaited: a hostile stream's cancel may never settle. Cancelling stops the download.
    if (!done && !stopped) reader.cancel().catch(ignore);
  }
}

function genuineReader(stream: ReadableStream<Uint8Array>): ReadableStreamDefaultReader<Uint8Array> | undefined {
  getReader ??= typeof ReadableStream === "function" ? ReadableStream.prototype.getReader : null;
  if (!getReader) return undefined;
  try {
    return getReader.call(stream) as ReadableStreamDefaultReader<Uint8Array>;
  } catch {
    return undefined;
  }
}

function ignore(): void {}

function bytes(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError("the response body gave a chunk that is not bytes");
  return value;
}

function join(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const whole = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}
