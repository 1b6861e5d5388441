// The journal: what was sent to whom, one JSON object a line, appended and fsync'd at each
// step, so that a run that dies anywhere can be run again without sending anyone twice.
// Version 2 is keyed by target and phone: each batch line names its phones, so a rerun
// with a corrected, extended, shortened or reordered list sends only the phones never
// answered. It holds the instance id, never a token.
//
// For each batch, in this order, each line on the disk before the next step:
//   {"e":"batch","b":7,"autoInvite":true,"phones":[...],"at":...}   the batch is declared
//   {"e":"sending","b":7,"at":...}                                  the call is about to go
//   {"e":"answered","b":7,"answer":"true","at":...}                 Z-API answered
// then, after the members are read again:
//   {"e":"outcomes","outcomes":[["5544999999999","added"],...],"at":...}
// A batch declared but never marked sending was never sent. A sending line with no answer
// is unknown: the call may have reached Z-API. A torn last line (the process died or the
// disk filled mid-write) right after a batch line is that batch's sending line: unknown,
// never unsent.
import { closeSync, constants, fstatSync, fsyncSync, openSync, readSync, renameSync, truncateSync, writeSync } from "node:fs";
import { syncFolder } from "./lock.js";
import { formatCount, planIdV1, type Target } from "./plan.js";

export const JOURNAL_KIND = "zapi-client journal";
export const JOURNAL_VERSION = 2;
export const V1_KIND = "zapi-client add-participants journal";

export type Command = "add-participants" | "remove-participants";

/** How Z-API answered a batch. `empty`: a 2xx with no body. `error`: refused before acting. `unknown`: no answer. */
export type Answer = "true" | "false" | "empty" | "error" | "unknown";

/** What the members said of a phone after it was sent. */
export type Outcome = "added" | "invited" | "not-added" | "unconfirmed" | "removed" | "still-a-member";

export const OUTCOMES: readonly Outcome[] = ["added", "invited", "not-added", "unconfirmed", "removed", "still-a-member"];

/** One phone's history in the journal. */
export interface PhoneState {
  /** The last send: `sending` when its answer never came. */
  last: "sending" | Answer;
  /** autoInvite of the last send (absent for removals). */
  autoInvite?: boolean;
  /** Bit 1: answered when sent without autoInvite (or removed); bit 2: answered with it. */
  answered: number;
  /** How often it was sent, over all runs. */
  sends: number;
  /** The last answer's detail (an error's class and status). */
  detail?: string;
  outcome?: Outcome;
  outcomeDetail?: string;
}

/** The bit of {@link PhoneState.answered} for a send with `autoInvite`. */
export const answeredBit = (autoInvite: boolean | undefined): number => (autoInvite ? 2 : 1);

/** Whether a send came back with an answer from Z-API (true, false or an empty 2xx). */
export const isAnswer = (answer: Answer | "sending"): boolean => answer === "true" || answer === "false" || answer === "empty";

export interface JournalHeader {
  readonly journal: typeof JOURNAL_KIND;
  readonly version: number;
  readonly command: Command;
  readonly target: Target;
  /** The instance id; absent only in a journal converted from version 1 before it sends. */
  readonly instance?: string;
  readonly created: string;
}

/** The journal cannot be used with this run, or cannot be written: exit 2. */
export class JournalError extends Error {}

export interface LoadedJournal {
  readonly path: string;
  readonly header: JournalHeader;
  readonly phones: Map<string, PhoneState>;
  /** When a batch was last sent or answered (ms since the epoch), to keep the pause across runs. */
  readonly lastActivity: number | undefined;
  /** Bytes that hold whole lines; a torn last line is past it. */
  readonly validLength: number;
  /** The number the next batch gets. */
  readonly nextBatch: number;
  /** Read from a version 1 journal: written again as version 2 before anything is appended. */
  readonly fromV1?: boolean;
  /** The batch whose "sending" line is torn at the end: unknown. */
  readonly tornSending?: number;
}

export interface Expected {
  readonly command: Command;
  readonly target: Target;
  /** The instance of this run, when credentials are set. */
  readonly instance: string | undefined;
  /** For a version 1 journal: the list as version 1 read it (unique valid phones, in order). */
  readonly v1Phones?: () => readonly string[];
}

/** Reads the journal at `path`, if there is one, and checks it belongs to this run. */
export function loadJournal(path: string, expected: Expected): LoadedJournal | undefined {
  let fd: number;
  try {
    // Non-blocking: a FIFO at the journal's path would block a plain open forever.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return undefined;
    throw new JournalError(`Cannot read the journal ${path}: ${(error as Error).message}`);
  }
  const kind = fstatSync(fd);
  if (!kind.isFile()) {
    closeSync(fd);
    throw new JournalError(`Cannot read the journal ${path}: ${kind.isDirectory() ? "it is a directory" : "it is not a regular file"}`);
  }
  try {
    const lines = readLines(fd, path);
    const first = lines.next();
    // Nothing is sent before the header is on the disk: a journal without one recorded nothing.
    if (first.done) return undefined;
    const header = parse(first.value.text, path, 1) as Omit<Partial<JournalHeader>, "journal"> & { journal?: string };
    if (header.journal === V1_KIND && header.version === 1) return fromV1(path, header as unknown as V1Header, lines, expected);
    if (header.journal !== JOURNAL_KIND || header.version !== JOURNAL_VERSION) {
      throw new JournalError(`${path} is not a journal of this command (version ${JOURNAL_VERSION}). Move it away or pass --journal PATH.`);
    }
    checkBelongs(header as unknown as JournalHeader, expected, path);
    return readEvents(path, header as unknown as JournalHeader, lines, first.value.end);
  } finally {
    closeSync(fd);
  }
}

function readEvents(path: string, header: JournalHeader, lines: Generator<Line, number>, headerEnd: number): LoadedJournal {
  const phones = new Map<string, PhoneState>();
  const batches = new Map<number, { phones: string[]; autoInvite: boolean | undefined; sending: boolean }>();
  let lastActivity: number | undefined;
  let validLength = headerEnd;
  let lastBatch = 0;
  let lastWasDeclaration: number | undefined;
  let tornSending: number | undefined;
  let number = 1;
  for (;;) {
    const next = lines.next();
    if (next.done) {
      // A torn last line right after a batch line is that batch's "sending" line.
      if (next.value > validLength && lastWasDeclaration !== undefined) {
        markSending(batches.get(lastWasDeclaration)!, phones);
        tornSending = lastWasDeclaration;
      }
      break;
    }
    number++;
    const event = parse(next.value.text, path, number) as Record<string, unknown>;
    validLength = next.value.end;
    const b = event["b"];
    lastWasDeclaration = undefined;
    switch (event["e"]) {
      case "batch": {
        const list = event["phones"];
        if (typeof b !== "number" || !Array.isArray(list) || !list.every((p) => typeof p === "string")) throw damaged(path, number);
        batches.set(b, { phones: list as string[], autoInvite: typeof event["autoInvite"] === "boolean" ? event["autoInvite"] : undefined, sending: false });
        lastBatch = Math.max(lastBatch, b);
        lastWasDeclaration = b;
        break;
      }
      case "sending": {
        const batch = typeof b === "number" ? batches.get(b) : undefined;
        if (!batch) throw damaged(path, number);
        markSending(batch, phones);
        break;
      }
      case "answered": {
        const batch = typeof b === "number" ? batches.get(b) : undefined;
        const answer = event["answer"];
        if (!batch || !isAnswerName(answer)) throw damaged(path, number);
        for (const phone of batch.phones) {
          const state = phones.get(phone)!;
          state.last = answer;
          if (isAnswer(answer)) state.answered |= answeredBit(batch.autoInvite);
          if (typeof event["detail"] === "string") state.detail = event["detail"];
          else delete state.detail;
        }
        batches.delete(b as number);
        break;
      }
      case "outcomes": {
        const list = event["outcomes"];
        if (!Array.isArray(list)) throw damaged(path, number);
        for (const item of list) {
          if (!Array.isArray(item) || typeof item[0] !== "string" || !OUTCOMES.includes(item[1] as Outcome)) throw damaged(path, number);
          const state = phones.get(item[0]);
          if (!state) continue;
          state.outcome = item[1] as Outcome;
          if (typeof item[2] === "string") state.outcomeDetail = item[2];
          else delete state.outcomeDetail;
        }
        break;
      }
      default:
        throw damaged(path, number);
    }
    const at = Date.parse(typeof event["at"] === "string" ? event["at"] : "");
    if (Number.isFinite(at) && event["e"] !== "outcomes") lastActivity = at;
  }
  return { path, header, phones, lastActivity, validLength, nextBatch: lastBatch + 1, ...(tornSending === undefined ? {} : { tornSending }) };
}

function markSending(batch: { phones: string[]; autoInvite: boolean | undefined; sending: boolean }, phones: Map<string, PhoneState>): void {
  if (batch.sending) return;
  batch.sending = true;
  notePhonesSending(batch.phones, batch.autoInvite, phones);
}

/**
 * The phones of a batch whose "sending" line is on the disk: each may now have been reached
 * once more, and whatever outcome it had is no longer known. The same for a journal read
 * back and for a run that writes the line.
 */
export function notePhonesSending(batch: Iterable<string>, autoInvite: boolean | undefined, phones: Map<string, PhoneState>): void {
  for (const phone of batch) {
    const state = phones.get(phone);
    if (state) {
      state.last = "sending";
      state.sends++;
      delete state.detail;
      delete state.outcome;
      delete state.outcomeDetail;
      if (autoInvite === undefined) delete state.autoInvite;
      else state.autoInvite = autoInvite;
    } else phones.set(phone, { last: "sending", answered: 0, sends: 1, ...(autoInvite === undefined ? {} : { autoInvite }) });
  }
}

// Refuses a journal written by the other command, for another target or another instance.
function checkBelongs(header: JournalHeader, expected: Expected, path: string): void {
  const was = `The journal ${path} was written`;
  const fresh = "Pass --journal NEW-PATH to keep a separate journal";
  if (header.command !== expected.command) throw new JournalError(`${was} by ${header.command}, and this is ${expected.command}. ${fresh}.`);
  if (header.target?.kind !== expected.target.kind || header.target?.id !== expected.target.id) {
    throw new JournalError(`${was} for --${header.target?.kind} ${header.target?.id}, not --${expected.target.kind} ${expected.target.id}. ${fresh}.`);
  }
  if (header.instance !== undefined && expected.instance !== undefined && header.instance !== expected.instance) {
    throw new JournalError(
      `${was} for the Z-API instance ${header.instance}, and ZAPI_INSTANCE_ID is ${expected.instance}: the people it records were sent through another WhatsApp number. ${fresh}.`,
    );
  }
}

interface V1Header {
  readonly id: string;
  readonly target: Target;
  readonly autoInvite: boolean;
  readonly batchSize: number;
  readonly batches: number;
  readonly phones: number;
}

// A version 1 journal named batches, not phones: its batches are re-created from the list
// it was written for, which must be this one. Read into version 2's form; the caller writes
// it back as version 2 before appending.
function fromV1(path: string, header: V1Header, lines: Generator<Line, number>, expected: Expected): LoadedJournal {
  if (expected.command !== "add-participants") throw new JournalError(`The journal ${path} was written by add-participants, and this is ${expected.command}. Pass --journal NEW-PATH to keep a separate journal.`);
  if (header.target?.kind !== expected.target.kind || header.target?.id !== expected.target.id) {
    throw new JournalError(`The journal ${path} was written for --${header.target?.kind} ${header.target?.id}, not --${expected.target.kind} ${expected.target.id}. Pass --journal NEW-PATH to keep a separate journal.`);
  }
  const list = expected.v1Phones?.() ?? [];
  if (planIdV1(header.target, header.autoInvite, list) !== header.id) {
    throw new JournalError(
      `The journal ${path} was written by an earlier version of zapi-client, which recorded batches, not phones, for a list of ${formatCount(header.phones)} phones; ` +
        `this list (${formatCount(list.length)} phones) is not that one, so its batches cannot be matched to people. ` +
        `Run the command once with the list it was written for and --check: that converts the journal to per-person entries and sends nothing. Then run it with this list.`,
    );
  }
  const phones = new Map<string, PhoneState>();
  const names: Record<string, Answer> = { added: "true", failed: "false", error: "error", unknown: "unknown" };
  let lastActivity: number | undefined;
  let number = 1;
  for (;;) {
    const next = lines.next();
    if (next.done) break;
    number++;
    const event = parse(next.value.text, path, number) as { batch?: number; event?: string; outcome?: string; error?: string; at?: string };
    const batch = event.batch;
    if (typeof batch !== "number" || batch < 1 || batch > header.batches) throw damaged(path, number);
    const members = list.slice((batch - 1) * header.batchSize, batch * header.batchSize);
    if (event.event === "sending") markSending({ phones: members, autoInvite: header.autoInvite, sending: false }, phones);
    else if (event.event === "answered" && event.outcome !== undefined && names[event.outcome]) {
      for (const phone of members) {
        const state = phones.get(phone) ?? { last: "sending" as const, answered: 0, sends: 0, autoInvite: header.autoInvite };
        state.last = names[event.outcome]!;
        if (isAnswer(state.last)) state.answered |= answeredBit(header.autoInvite);
        if (event.error) state.detail = event.error;
        phones.set(phone, state);
      }
    } else throw damaged(path, number);
    const at = Date.parse(event.at ?? "");
    if (Number.isFinite(at)) lastActivity = at;
  }
  return {
    path,
    header: { journal: JOURNAL_KIND, version: JOURNAL_VERSION, command: "add-participants", target: header.target, created: new Date().toISOString() },
    phones,
    lastActivity,
    validLength: 0,
    nextBatch: 1,
    fromV1: true,
  };
}

function isAnswerName(value: unknown): value is Answer {
  return value === "true" || value === "false" || value === "empty" || value === "error" || value === "unknown";
}

function parse(line: string, path: string, number: number): unknown {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === "object" && value !== null) return value;
  } catch {}
  throw new JournalError(`${path} is damaged: line ${number} is not JSON`);
}

function damaged(path: string, number: number): JournalError {
  return new JournalError(`${path} is damaged: line ${number} is not a journal event this command wrote`);
}

interface Line {
  readonly text: string;
  /** The byte offset just past its "\n". */
  readonly end: number;
}

// Whole lines of the file, with their end offsets; returns the file's length (a torn last
// line, with no "\n", is not yielded).
function* readLines(fd: number, path: string): Generator<Line, number> {
  const buffer = Buffer.alloc(256 * 1024);
  let carry: Buffer[] = [];
  let carried = 0;
  let offset = 0;
  for (;;) {
    let read: number;
    try {
      read = readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new JournalError(`Cannot read the journal ${path}: ${code === "EISDIR" ? "it is a directory" : (error as Error).message}`);
    }
    if (read === 0) return offset + carried;
    let start = 0;
    for (let i = 0; i < read; i++) {
      if (buffer[i] !== 10) continue;
      const piece = buffer.subarray(start, i);
      const text = carried > 0 ? Buffer.concat([...carry, piece]).toString("utf8") : piece.toString("utf8");
      offset += carried + (i - start) + 1;
      carry = [];
      carried = 0;
      start = i + 1;
      yield { text, end: offset };
    }
    if (start < read) {
      carry.push(Buffer.from(buffer.subarray(start, read)));
      carried += read - start;
    }
  }
}

/** How lines reach the disk; tests put a full disk in its place. */
export interface LineWriter {
  /** Writes `text` whole at the file's end and syncs it, or throws. */
  append(fd: number, text: string): void;
}

export const diskWriter: LineWriter = {
  append(fd, text) {
    const bytes = Buffer.from(text);
    let done = 0;
    // A short write (a full disk) is continued; the next write then fails with ENOSPC.
    while (done < bytes.length) {
      const written = writeSync(fd, bytes, done);
      if (written <= 0) throw Object.assign(new Error("no space left on device (the disk took no more bytes)"), { code: "ENOSPC" });
      done += written;
    }
    fsyncSync(fd);
  },
};

/** Appends the journal's lines, each on the disk before the call returns. */
export interface JournalWriter {
  /** The number the next batch gets. */
  readonly nextBatch: number;
  batch(b: number, phones: readonly string[], autoInvite: boolean | undefined): void;
  sending(b: number): void;
  answered(b: number, answer: Answer, detail?: string): void;
  outcomes(list: readonly (readonly [string, Outcome, string?])[]): void;
  close(): void;
}

/**
 * Opens the journal for appending: continues `loaded`, or writes it anew with its header
 * (a version 1 journal is rewritten as version 2 first, whole, through a temporary file).
 * The caller holds the lock, and loaded the journal after taking it. A line that cannot be
 * written whole throws a {@link JournalError}: the caller then sends nothing more.
 */
export function openJournal(
  path: string,
  create: { command: Command; target: Target; instance: string },
  loaded: LoadedJournal | undefined,
  writer: LineWriter = diskWriter,
  now: () => Date = () => new Date(),
): JournalWriter {
  let fd: number;
  let nextBatch = loaded?.nextBatch ?? 1;
  const write = (record: object) => {
    try {
      writer.append(fd, `${JSON.stringify(record)}\n`);
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new JournalError(`Cannot write the journal ${path}: ${code === "ENOSPC" ? "the disk is full" : (error as Error).message}`);
    }
  };
  try {
    if (loaded && !loaded.fromV1) {
      // Drop a torn last line, so the next line starts on a line of its own.
      truncateSync(path, loaded.validLength);
      fd = openSync(path, "a");
      // The torn line was a batch's "sending" line: written again whole, so the batch stays unknown.
      if (loaded.tornSending !== undefined) write({ e: "sending", b: loaded.tornSending, torn: true, at: now().toISOString() });
    } else {
      const temporary = loaded?.fromV1 ? `${path}.v2.tmp` : path;
      fd = openSync(temporary, "w");
      const header: JournalHeader = { journal: JOURNAL_KIND, version: JOURNAL_VERSION, command: create.command, target: create.target, instance: create.instance, created: now().toISOString() };
      write(header);
      if (loaded?.fromV1) {
        nextBatch = writeConverted(loaded, write, now) + 1;
        closeSync(fd);
        renameSync(temporary, path);
        fd = openSync(path, "a");
      }
      syncFolder(path);
    }
  } catch (error) {
    if (error instanceof JournalError) throw error;
    throw new JournalError(`Cannot write the journal ${path}: ${(error as Error).message}`);
  }
  return {
    nextBatch,
    batch: (b, phones, autoInvite) => write({ e: "batch", b, ...(autoInvite === undefined ? {} : { autoInvite }), phones, at: now().toISOString() }),
    sending: (b) => write({ e: "sending", b, at: now().toISOString() }),
    answered: (b, answer, detail) => write({ e: "answered", b, answer, ...(detail ? { detail } : {}), at: now().toISOString() }),
    outcomes(list) {
      // A thousand phones a line, so no line grows without bound.
      for (let i = 0; i < list.length; i += 1000) write({ e: "outcomes", outcomes: list.slice(i, i + 1000).map((item) => (item[2] ? item : [item[0], item[1]])), at: now().toISOString() });
    },
    close: () => closeSync(fd),
  };
}

// A version 1 journal's batches, as version 2 writes them: one batch per group of phones
// that shared a send and an answer.
function writeConverted(loaded: LoadedJournal, write: (record: object) => void, now: () => Date): number {
  const groups = new Map<string, string[]>();
  for (const [phone, state] of loaded.phones) {
    const key = `${state.last}\u0000${state.autoInvite}\u0000${state.detail ?? ""}`;
    const group = groups.get(key);
    if (group) group.push(phone);
    else groups.set(key, [phone]);
  }
  let b = 0;
  const at = now().toISOString();
  for (const phones of groups.values()) {
    const state = loaded.phones.get(phones[0]!)!;
    b++;
    write({ e: "batch", b, ...(state.autoInvite === undefined ? {} : { autoInvite: state.autoInvite }), phones, converted: true, at });
    write({ e: "sending", b, at });
    if (state.last !== "sending") write({ e: "answered", b, answer: state.last, ...(state.detail ? { detail: state.detail } : {}), at });
  }
  return b;
}
