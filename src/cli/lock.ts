// One run at a time per journal (and per daily-limit file): a lock file, created
// atomically with its content, named after the journal's real path, recording who holds it.
//
// Created atomically: the owner is written to a temporary file, which is then hard-linked
// to the lock's name; link() fails if the name exists, so no one ever sees an empty or
// half-written lock, and of two runs starting together exactly one wins.
//
// Named after the real path (symlinks resolved), so a second path to the same journal,
// through a symlink or another mount path that resolves to it, finds the same lock, also
// before the journal is written.
//
// Taken over only from a run known to be dead:
// - on the same machine (the kernel's boot id) and in the same PID namespace: its process
//   is gone, or another process now has its PID (the start time, field 22 of
//   /proc/PID/stat, differs). A run that was PID 1 in a container that was restarted is
//   no longer in our namespace: see the next case;
// - on the same machine, in another PID namespace (another container, or this container
//   restarted): a live holder touches the lock every 30 s, so a lock left untouched for
//   5 minutes belongs to a dead run. A live run in another container is never taken over;
// - the same host name with another boot id: the machine restarted, the holder is dead;
// - another machine: never. The message says whose lock it is and how to remove it.
// Where there is no /proc (macOS, Windows), the host name and the PID decide.
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, readlinkSync, realpathSync, statSync, unlinkSync, utimesSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join, resolve } from "node:path";

/** Who holds a lock. */
export interface Owner {
  readonly host: string;
  /** The kernel's boot id: the machine, across containers; absent where there is no /proc. */
  readonly boot?: string;
  readonly pid: number;
  /** The PID namespace, as /proc/self/ns/pid reads: "pid:[4026531836]". */
  readonly pidns?: string;
  /** The process's start time, in clock ticks since boot (field 22 of /proc/PID/stat). */
  readonly start?: string;
  readonly since: string;
}

/** The lock is held by another run, or cannot be made: exit 2, nothing sent. */
export class LockError extends Error {}

export interface Lock {
  readonly path: string;
  /** Whether the lock still holds this run's owner record (nobody took it over). */
  held(): boolean;
  /** Marks the lock as alive now; done every 30 s on its own. */
  touch(): void;
  release(): void;
}

export interface LockOptions {
  /** What the lock is for, in messages: "the journal x.jsonl". */
  readonly what: string;
  /** This process, as the lock records it; tests pretend to be another. */
  readonly self?: Owner;
  readonly now?: () => number;
  /** How long a holder in another PID namespace may stay silent before it is taken for dead. */
  readonly staleMs?: number;
  readonly touchMs?: number;
}

export const STALE_MS = 5 * 60_000;
const TOUCH_MS = 30_000;

/** This process, as a lock records it. */
export function currentOwner(now = Date.now()): Owner {
  const boot = readText("/proc/sys/kernel/random/boot_id")?.trim();
  let pidns: string | undefined;
  try {
    pidns = readlinkSync("/proc/self/ns/pid");
  } catch {}
  const start = startTime("self");
  return { host: hostname(), ...(boot ? { boot } : {}), pid: process.pid, ...(pidns ? { pidns } : {}), ...(start ? { start } : {}), since: new Date(now).toISOString() };
}

/** The lock's name for `path`: its real path, symlinks resolved, and ".lock". */
export function lockPathFor(path: string): string {
  return `${realPathAhead(path)}.lock`;
}

// Linux gives up on a path after 40 links (MAXSYMLINKS); so do we.
const MAX_LINK_HOPS = 40;

/**
 * The real path of `path`, or the one it will have once written. realpath() alone fails
 * on a link to a file not created yet (a fresh run's journal), and naming that file after
 * the link would give it two locks; so the links are followed one by one, each relative
 * to its own folder's real path, up to a file that exists or will be created.
 */
export function realPathAhead(path: string): string {
  let current = resolve(path);
  for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
    let folder: string;
    try {
      folder = realpathSync(dirname(current));
    } catch {
      return current; // no such folder: the journal cannot be created there either
    }
    const here = join(folder, basename(current));
    let target: string;
    try {
      target = readlinkSync(here);
    } catch {
      return here; // not a link: the file itself, written or not
    }
    current = resolve(folder, target);
  }
  return current; // a loop of links: any name will do, opening it fails anyway
}

/** Takes the lock for `path` (a journal, a state file), or throws {@link LockError} saying who holds it. */
export function acquireLock(path: string, options: LockOptions): Lock {
  const lockPath = lockPathFor(path);
  const now = options.now ?? Date.now;
  const self = options.self ?? currentOwner(now());
  const content = `${JSON.stringify(self)}\n`;
  const temporary = `${lockPath}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const fd = openSync(temporary, "wx", 0o600);
    try {
      writeAll(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    removeQuietly(temporary);
    throw new LockError(`Cannot create the lock ${lockPath} for ${options.what}: ${(error as Error).message}`);
  }
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(temporary, lockPath);
        return holding(lockPath, content, options);
      } catch (error) {
        if ((error as { code?: string }).code !== "EEXIST") throw new LockError(`Cannot create the lock ${lockPath} for ${options.what}: ${(error as Error).message}`);
      }
      const found = readText(lockPath);
      if (found === undefined) continue; // released meanwhile: try again
      const verdict = judge(found, lockPath, self, now(), options.staleMs ?? STALE_MS);
      if (verdict.alive) throw new LockError(`${verdict.why} is using ${options.what}. ${verdict.advice}`);
      if (takeOver(lockPath, found, temporary)) return holding(lockPath, content, options);
    }
    throw new LockError(`Cannot take the lock ${lockPath} for ${options.what}: other runs keep taking it`);
  } finally {
    removeQuietly(temporary);
  }
}

function holding(lockPath: string, content: string, options: LockOptions): Lock {
  syncFolder(lockPath);
  const held = () => readText(lockPath) === content;
  const touch = () => {
    try {
      const at = new Date((options.now ?? Date.now)());
      if (held()) utimesSync(lockPath, at, at);
    } catch {}
  };
  const timer = setInterval(touch, options.touchMs ?? TOUCH_MS);
  timer.unref();
  return {
    path: lockPath,
    held,
    touch,
    release() {
      clearInterval(timer);
      // Only our own: a lock taken over meanwhile belongs to someone else now.
      if (held()) removeQuietly(lockPath);
    },
  };
}

type Verdict = { readonly alive: false } | { readonly alive: true; readonly why: string; readonly advice: string };

function judge(found: string, lockPath: string, self: Owner, now: number, staleMs: number): Verdict {
  const remove = `If you are sure no such run is going on, delete ${lockPath}.`;
  // Version 1 of the command wrote only a PID; it ran on this machine.
  if (/^[0-9]+\n?$/.test(found)) {
    const pid = Number(found);
    return isAlive(pid) ? { alive: true, why: `Another run (process ${pid})`, advice: `Wait for it to end. ${remove}` } : { alive: false };
  }
  // Version 1 created its lock empty, then wrote the PID: one that died in between left it empty.
  if (found.trim() === "") {
    const silent = now - mtime(lockPath);
    return silent >= staleMs ? { alive: false } : { alive: true, why: `A run that has not yet written its lock (${lockPath})`, advice: remove };
  }
  let owner: Owner;
  try {
    owner = JSON.parse(found) as Owner;
    if (typeof owner.pid !== "number" || typeof owner.host !== "string") throw new Error("no owner");
  } catch {
    return { alive: true, why: `A lock that this command did not write (${lockPath})`, advice: remove };
  }
  const who = `Another run (process ${owner.pid} on ${owner.host}, since ${owner.since})`;
  if (owner.boot !== undefined && self.boot !== undefined) {
    if (owner.boot !== self.boot) {
      // Same name, another boot: this machine restarted since, and the run with it.
      if (owner.host === self.host) return { alive: false };
      return { alive: true, why: who, advice: `A lock held on another machine is never taken over. ${remove}` };
    }
    if (owner.pidns !== self.pidns) {
      const silent = now - mtime(lockPath);
      if (silent >= staleMs) return { alive: false };
      return {
        alive: true,
        why: `${who}, in another container or PID namespace on this machine`,
        advice: `A live run touches its lock every 30 s; this one was touched ${Math.max(0, Math.round(silent / 1000))} s ago. If it stays untouched for ${Math.round(staleMs / 60_000)} minutes, the next run takes it over.`,
      };
    }
    const start = startTime(String(owner.pid));
    const alive = isAlive(owner.pid) && (owner.start === undefined || start === undefined || start === owner.start);
    return alive ? { alive: true, why: who, advice: `Wait for it to end. ${remove}` } : { alive: false };
  }
  if (owner.host !== self.host) return { alive: true, why: who, advice: `A lock held on another machine is never taken over. ${remove}` };
  return isAlive(owner.pid) ? { alive: true, why: who, advice: `Wait for it to end. ${remove}` } : { alive: false };
}

// Replaces a dead run's lock with ours, unless someone changed it meanwhile. A short-lived
// guard, itself taken by link(), makes two runs that both found it dead take turns.
function takeOver(lockPath: string, found: string, temporary: string): boolean {
  const guard = `${lockPath}.takeover`;
  try {
    linkSync(temporary, guard);
  } catch (error) {
    if ((error as { code?: string }).code !== "EEXIST") throw new LockError(`Cannot take over the lock ${lockPath}: ${(error as Error).message}`);
    // A guard is held for microseconds: one older than 10 s was left by a run that died there.
    if (Date.now() - mtime(guard) > 10_000) removeQuietly(guard);
    return false;
  }
  try {
    if (readText(lockPath) !== found) return false;
    unlinkSync(lockPath);
    linkSync(temporary, lockPath);
    return true;
  } finally {
    removeQuietly(guard);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

// Field 22 of /proc/PID/stat; the command name (field 2) may hold spaces and parentheses.
function startTime(pid: string): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[19];
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let done = 0;
  while (done < bytes.length) {
    const written = writeSync(fd, bytes, done);
    if (written <= 0) throw new Error("the disk took no more bytes");
    done += written;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {}
}

// A new file's name is durable only once its folder is synced (where the OS allows it).
export function syncFolder(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dirname(path), "r");
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a folder.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
