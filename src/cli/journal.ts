// The journal: one JSON object a line, appended and fsync'd before each batch is sent and
// again after its answer, so that a run that dies anywhere can be resumed without
// sending anyone a second invitation. It holds no secret and no phone: the batches are
// re-created from the input, and the header's hash proves they are the same.
import { closeSync, fsyncSync, openSync, readFileSync, readSync, truncateSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { formatCount, type Plan, type Target } from "./plan.js";

export const JOURNAL_KIND = "zapi-client add-participants journal";
const VERSION = 1;

/** How a batch ended. `error`: refused before Z-API acted, so it is sent again on resume. */
export type Outcome = "added" | "failed" | "error" | "unknown";

export interface BatchState {
  /** `sending` is a batch that was sent and never answered: its outcome is unknown. */
  readonly state: "sending" | Outcome;
  /** The error's class and status, for `error` and `unknown`. */
  readonly error?: string;
  /** How often it was sent, over all runs. */
  readonly sends: number;
}

interface Header {
  readonly journal: typeof JOURNAL_KIND;
  readonly version: number;
  readonly id: string;
  readonly target: Target;
  readonly autoInvite: boolean;
  readonly batchSize: number;
  readonly batches: number;
  readonly phones: number;
  readonly created: string;
}

interface Event {
  readonly batch: number;
  readonly event: "sending" | "answered";
  readonly outcome?: Outcome;
  readonly error?: string;
  readonly at: string;
}

/** The journal cannot be used with this run: exit 2, nothing sent. */
export class JournalError extends Error {}

export interface LoadedJournal {
  readonly path: string;
  readonly states: ReadonlyMap<number, BatchState>;
  /** When a batch was last sent or answered (ms since the epoch), to keep the pause across runs. */
  readonly lastActivity: number | undefined;
  /** Bytes that hold whole lines; a torn last line (the process died mid-write) is past it. */
  readonly validLength: number;
}

/** Reads the journal at `path`, if there is one, and checks it belongs to this plan. */
export function loadJournal(path: string, plan: Plan): LoadedJournal | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return undefined;
    throw new JournalError(`Cannot read the journal ${path}: ${(error as Error).message}`);
  }
  const end = text.lastIndexOf("\n") + 1;
  const lines = text.slice(0, end).split("\n").slice(0, -1);
  // Nothing is sent before the header is on the disk: a journal without one recorded nothing.
  if (lines.length === 0) return undefined;
  const header = parse(lines[0]!, path, 1) as Partial<Header>;
  if (header.journal !== JOURNAL_KIND || header.version !== VERSION) {
    throw new JournalError(`${path} is not a journal of this command (version ${VERSION}). Move it away or pass --journal PATH.`);
  }
  checkBelongs(header as Header, plan, path);
  const states = new Map<number, BatchState>();
  let lastActivity: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const event = parse(lines[i]!, path, i + 1) as Partial<Event>;
    const previous = states.get(event.batch ?? 0);
    if (typeof event.batch !== "number" || event.batch < 1 || event.batch > plan.batches.length) {
      throw new JournalError(`${path} is damaged: line ${i + 1} names no batch of this plan`);
    }
    if (event.event === "sending") states.set(event.batch, { state: "sending", sends: (previous?.sends ?? 0) + 1 });
    else if (event.event === "answered" && isOutcome(event.outcome)) {
      states.set(event.batch, { state: event.outcome, ...(event.error ? { error: event.error } : {}), sends: previous?.sends ?? 0 });
    } else throw new JournalError(`${path} is damaged: line ${i + 1} is not a journal event`);
    const at = Date.parse(event.at ?? "");
    if (Number.isFinite(at)) lastActivity = at;
  }
  return { path, states, lastActivity, validLength: Buffer.byteLength(text.slice(0, end)) };
}

// Refuses a journal written for another target, autoInvite, list or batch size.
function checkBelongs(header: Header, plan: Plan, path: string): void {
  const was = `The journal ${path} was written for`;
  const fresh = "Pass --journal NEW-PATH to start a separate journal";
  if (header.target?.kind !== plan.target.kind || header.target?.id !== plan.target.id) {
    throw new JournalError(`${was} --${header.target?.kind} ${header.target?.id}, not --${plan.target.kind} ${plan.target.id}. ${fresh}.`);
  }
  if (header.autoInvite !== plan.autoInvite) {
    throw new JournalError(`${was} ${header.autoInvite ? "--auto-invite" : "--no-auto-invite"}, and this run says ${plan.autoInvite ? "--auto-invite" : "--no-auto-invite"}. ${fresh}.`);
  }
  if (header.id !== plan.id) {
    throw new JournalError(
      `${was} a different list of phones (${formatCount(header.phones)} then, ${formatCount(plan.phones.length)} now, or the same number of different phones): ` +
        `its batches would not match this input, so some people could be sent a second invitation. ` +
        `Run it with the original file, or, to treat this as a new list, pass --journal NEW-PATH to start a separate journal.`,
    );
  }
  if (header.batchSize !== plan.batchSize) {
    throw new JournalError(`${was} batches of ${header.batchSize}; this run asks for --batch-size ${plan.batchSize}. Resume with --batch-size ${header.batchSize}.`);
  }
}

function parse(line: string, path: string, number: number): unknown {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === "object" && value !== null) return value;
  } catch {}
  throw new JournalError(`${path} is damaged: line ${number} is not JSON`);
}

function isOutcome(value: unknown): value is Outcome {
  return value === "added" || value === "failed" || value === "error" || value === "unknown";
}

/** Appends events, each on the disk (fsync) before the call returns. */
export interface JournalWriter {
  sending(batch: number): void;
  answered(batch: number, outcome: Outcome, error?: string): void;
  close(): void;
}

/**
 * Opens the journal for appending: continues `loaded`, or (re)writes it with its header.
 * The caller holds the lock, and loaded the journal after taking it.
 */
export function openJournal(path: string, plan: Plan, loaded: LoadedJournal | undefined, now: () => Date = () => new Date()): JournalWriter {
  let fd: number;
  if (loaded) {
    // Drop a torn last line, so the next event starts on a line of its own.
    truncateSync(path, loaded.validLength);
    fd = openSync(path, "a");
  } else {
    try {
      fd = openSync(path, "w");
    } catch (error) {
      throw new JournalError(`Cannot create the journal ${path}: ${(error as Error).message}`);
    }
    const header: Header = {
      journal: JOURNAL_KIND,
      version: VERSION,
      id: plan.id,
      target: plan.target,
      autoInvite: plan.autoInvite,
      batchSize: plan.batchSize,
      batches: plan.batches.length,
      phones: plan.phones.length,
      created: now().toISOString(),
    };
    append(fd, header);
    syncDirectory(path);
  }
  return {
    sending: (batch) => append(fd, { batch, event: "sending", at: now().toISOString() }),
    answered: (batch, outcome, error) => append(fd, { batch, event: "answered", outcome, ...(error ? { error } : {}), at: now().toISOString() }),
    close: () => closeSync(fd),
  };
}

function append(fd: number, record: object): void {
  writeSync(fd, `${JSON.stringify(record)}\n`);
  fsyncSync(fd);
}

// A new file's name is durable only once its directory is synced (where the OS allows it).
function syncDirectory(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dirname(path), "r");
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a directory; the file itself was synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Takes `<journal>.lock`, so two runs on one journal cannot both send a batch. A lock
 * left by a run that died (its process is gone) is taken over. Returns the release.
 */
export function lockJournal(path: string): () => void {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lock);
        } catch {}
      };
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw new JournalError(`Cannot create the lock ${lock}: ${(error as Error).message}`);
    }
    const pid = readPid(lock);
    if (pid !== undefined && isAlive(pid)) {
      throw new JournalError(`Another run (process ${pid}) is using the journal ${path}. Wait for it to end; if there is no such run, delete ${lock}.`);
    }
    try {
      unlinkSync(lock);
    } catch {}
  }
  throw new JournalError(`Cannot take the lock ${lock}: another run keeps taking it`);
}

function readPid(lock: string): number | undefined {
  try {
    const fd = openSync(lock, "r");
    const buffer = Buffer.alloc(32);
    const read = readSync(fd, buffer);
    closeSync(fd);
    const pid = Number.parseInt(buffer.subarray(0, read).toString(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
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
