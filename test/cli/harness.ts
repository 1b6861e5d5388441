// Shared by the command's tests: a temp dir, phone lists, a Z-API stand-in that records
// every phone it receives, and the built command run as a child process.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ServerResponse } from "node:http";
import { onTestFinished } from "vitest";
import { projectRoot } from "../helpers/project.js";
import { CLIENT_TOKEN, TOKEN } from "../helpers/secrets.js";
import { json, startServer } from "../helpers/server.js";

export const CLI = `${projectRoot}dist/cli.js`;
export const COMMUNITY = "120363019502650977";

/** A fresh directory under test-output/, removed when the test passes (kept to look at when it fails). */
export function workDir(): string {
  mkdirSync(`${projectRoot}test-output`, { recursive: true });
  const dir = mkdtempSync(join(projectRoot, "test-output", "cli-"));
  onTestFinished(({ task }) => {
    if (task.result?.state === "pass") rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** `count` distinct valid Brazilian mobiles, written as people do: "+55 11 96000-0007". */
export function writtenPhones(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => {
    const digits = String(60_000_000 + from + i);
    return `+55 11 9${digits.slice(0, 4)}-${digits.slice(4)}`;
  });
}

/** What the command sends for {@link writtenPhones}: 55119 and the 8 digits. */
export function sentPhones(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => `55119${60_000_000 + from + i}`);
}

export interface Answer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Destroy the socket instead of answering. */
  drop?: boolean;
}

export interface ZApiStub {
  readonly url: string;
  /** Each request's phones, in arrival order. */
  readonly batches: string[][];
  /** How often each phone arrived. */
  readonly seen: Map<string, number>;
  /** Resolves when the request numbered `n` (1-based) has arrived and is being held. */
  held(n: number): Promise<void>;
  /** Lets held requests be answered. */
  release(): void;
}

/**
 * A Z-API stand-in on 127.0.0.1: records the phones of every add-participant call, checks
 * the credentials, and answers `{ value: true }` unless `answer` says otherwise. Requests
 * numbered in `hold` are held until {@link ZApiStub.release}.
 */
export async function zapiStub(options: { answer?: (n: number) => Answer | undefined; hold?: number[] } = {}): Promise<ZApiStub> {
  const batches: string[][] = [];
  const seen = new Map<string, number>();
  const arrived = new Map<number, () => void>();
  const waiting = new Map<number, Promise<void>>();
  const hold = new Set(options.hold ?? []);
  for (const n of hold) waiting.set(n, new Promise((resolve) => arrived.set(n, resolve)));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = await startServer(async (request, response: ServerResponse, n) => {
    const path = `/instances/cli-instance/token/${encodeURIComponent(TOKEN)}/add-participant`;
    if (request.url !== path || request.headers["client-token"] !== CLIENT_TOKEN) {
      json(response, 401, { error: "bad credentials" });
      return;
    }
    const body = JSON.parse(server.requests[n - 1]!.body) as { phones: string[] };
    batches.push(body.phones);
    for (const phone of body.phones) seen.set(phone, (seen.get(phone) ?? 0) + 1);
    if (hold.has(n)) {
      arrived.get(n)!();
      await released;
    }
    const answer = options.answer?.(n) ?? {};
    if (answer.drop) {
      response.destroy();
      return;
    }
    json(response, answer.status ?? 200, answer.body ?? { value: true }, answer.headers);
  });
  return {
    url: server.url,
    batches,
    seen,
    held: (n) => waiting.get(n) ?? Promise.reject(new Error(`request ${n} is not held`)),
    release,
  };
}

/** The environment the command reads its credentials from, pointing at `url`. */
export function cliEnv(url: string): NodeJS.ProcessEnv {
  return { ...process.env, ZAPI_BASE_URL: url, ZAPI_INSTANCE_ID: "cli-instance", ZAPI_TOKEN: TOKEN, ZAPI_CLIENT_TOKEN: CLIENT_TOKEN };
}

export interface Child {
  readonly pid: number;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
  /** Resolves once stdout contains `text`. */
  printed(text: string): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Runs `node dist/cli.js ...args` in `cwd`; it is killed when the test finishes, if still running. */
export function startCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Child {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const watchers: { text: string; resolve: () => void }[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const watcher of watchers.filter((w) => stdout.includes(w.text))) {
      watchers.splice(watchers.indexOf(watcher), 1);
      watcher.resolve();
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return {
    pid: child.pid!,
    stdout: () => stdout,
    stderr: () => stderr,
    kill: (signal) => child.kill(signal),
    printed: (text) =>
      stdout.includes(text)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            watchers.push({ text, resolve });
            void exited.then(() => reject(new Error(`the command ended without printing ${JSON.stringify(text)}:\n${stdout}\n${stderr}`)));
          }),
    exited,
  };
}

/** Runs the command to its end. */
export function runCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  return startCli(args, options).exited;
}

/** The --report CSV as rows keyed by its header (its fields here hold no comma). */
export function reportRows(path: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(path, "utf8").trimEnd().split("\n");
  const names = header!.split(",");
  return rows.map((row) => Object.fromEntries(row.split(",").map((value, i) => [names[i], value])));
}
