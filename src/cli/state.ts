// The user's state folder, shared by the daily count (daily.ts) and the record of which
// journal holds each target's runs (registry.ts): where it is, one file per instance named
// after the instance id (never a token), a short lock around each change, files replaced
// whole so that a reader never sees half of one, and the lock of a target's runs.
import { closeSync, mkdirSync, openSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import type { LineWriter } from "./journal.js";
import { acquireLock, LockError, syncFolder, type Lock } from "./lock.js";

/** Where the state lives: ZAPI_STATE_DIR, else the platform's per-user state folder. */
export function stateDirectory(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env["ZAPI_STATE_DIR"]) return env["ZAPI_STATE_DIR"];
  if (platform === "win32") return join(env["LOCALAPPDATA"] || join(home, "AppData", "Local"), "zapi-client");
  if (platform === "darwin") return join(home, "Library", "Application Support", "zapi-client");
  // The XDG spec has a relative path ignored: it would put the state, and the record of
  // journals, somewhere else from each folder the command runs in.
  const xdg = env["XDG_STATE_HOME"];
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, ".local", "state"), "zapi-client");
}

/** The state file of `instance` that ends in `suffix`: "instance-3C4E.jsonl". An id that is not a plain name is encoded. */
export function instanceFile(directory: string, instance: string, suffix: string): string {
  const name = /^[A-Za-z0-9_-]{1,100}$/.test(instance) ? instance : Buffer.from(instance).toString("base64url").slice(0, 100);
  return join(directory, `instance-${name}${suffix}`);
}

/**
 * Runs `action` holding the lock of the state file `file`. Another run holds it for
 * milliseconds, so it is waited for, up to 10 s; `fail` makes the error thrown when the
 * folder cannot be made or the lock not taken.
 */
export function withStateLock<T>(file: string, what: string, action: () => T, fail: (message: string) => Error): T {
  makeStateFolder(dirname(file), fail);
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const lock = acquireLock(file, { what, touchMs: 60_000 });
      try {
        return action();
      } finally {
        lock.release();
      }
    } catch (error) {
      if (!(error instanceof LockError)) throw error;
      if (Date.now() > deadline) throw fail(error.message);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
}

/** Replaces `path` with `text`, whole: written to a temporary file, synced, then renamed over it. */
export function replaceFile(path: string, text: string, writer: LineWriter): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w", 0o600);
  try {
    try {
      writer.append(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncFolder(path);
}

function makeStateFolder(directory: string, fail: (message: string) => Error): void {
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw fail(`Cannot create the state folder ${directory}: ${(error as Error).message}`);
  }
}

/**
 * The lock of one command's runs on one target, for a whole run, whatever the instance:
 * another run could otherwise record and fill a journal this one did not choose to read.
 * Not waited for: a run holds it for minutes, and the second one stops (a LockError).
 */
export function lockTarget(directory: string, command: string, target: { readonly kind: string; readonly id: string }): Lock {
  makeStateFolder(directory, (message) => new LockError(message));
  const name = `${command}-${target.kind}-${target.id}`.replace(/[^A-Za-z0-9_-]/g, "_");
  return acquireLock(join(directory, `target-${name}`), { what: `${target.kind} ${target.id} (another run is sending to it)` });
}
