// Which journals hold the earlier runs of each target. The journal's default place is next
// to the list, so a corrected list saved under another name ("contacts (1).csv", the usual
// re-export) would start an empty journal and send again the people already sent. The
// state folder keeps, per instance, the real paths of every journal written for each
// command and target; a run writes one journal (the one next to its list, or the first
// recorded) and reads all the others, on every instance, so that nobody answered in any of
// them is sent again. One file per instance, next to the daily count, with no secret in it:
//   {"kind":"zapi-client journals","version":2,"journals":{"add-participants community 120363019502650977":["/home/ana/contacts.csv.zapi-journal.jsonl"]}}
// It is replaced whole under the state lock. A record that cannot be read is refused, not
// ignored: without it a rerun could start an empty journal and send people twice.
import { closeSync, constants, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { JOURNAL_KIND, JournalError, V1_KIND, type Command, type LineWriter } from "./journal.js";
import { realPathAhead } from "./lock.js";
import type { Target } from "./plan.js";
import { instanceFile, replaceFile, withStateLock } from "./state.js";

const KIND = "zapi-client journals";
const VERSION = 2;
const SUFFIX = ".journals.json";

type Journals = Record<string, string[]>;

export class JournalRegistry {
  readonly file: string;

  constructor(
    directory: string,
    readonly instance: string,
    private readonly writer: LineWriter,
  ) {
    this.file = instanceFile(directory, instance, SUFFIX);
  }

  /** The journals recorded for `command` and `target`, first written first (real paths, which may no longer exist). */
  lookup(command: Command, target: Target): readonly string[] {
    return readRecord(this.file, this.instance)[key(command, target)] ?? [];
  }

  /**
   * Records `journal` (a real path) for `command` and `target`, before the run sends
   * anything. One that is not there now stays recorded: a share not mounted looks the
   * same as a deleted file, and its people are read again once it is back. Returns the
   * journals recorded afterwards.
   */
  claim(command: Command, target: Target, journal: string, seen?: { readonly journals: readonly string[]; readonly what: string }): readonly string[] {
    return withStateLock(
      this.file,
      `the journals of instance ${this.instance}`,
      () => {
        const journals = readRecord(this.file, this.instance);
        const name = key(command, target);
        const before = journals[name] ?? [];
        // A journal recorded since the run looked, that it would not read: nothing recorded, nothing sent.
        const unseen = seen ? before.filter((path) => stillThere(path) && realPathAhead(path) !== journal && !seen.journals.includes(realPathAhead(path))) : [];
        if (unseen.length > 0) {
          throw new JournalError(`While this run started, another run began the journal ${unseen.join(", ")} for ${seen!.what} on this instance. Nothing was sent. Run the same command again: it will read that journal too.`);
        }
        // By real path: a journal moved, with a link left where it was, is one journal.
        const kept = [...new Set(before.map((path) => (path !== journal && stillThere(path) ? realPathAhead(path) : path)))];
        const after = kept.includes(journal) ? kept : [...kept, journal];
        if (after.length === before.length && after.every((path, i) => path === before[i])) return after;
        journals[name] = after;
        try {
          replaceFile(this.file, `${JSON.stringify({ kind: KIND, version: VERSION, journals })}\n`, this.writer);
        } catch (error) {
          const code = (error as { code?: string }).code;
          throw new JournalError(`Cannot write ${this.file}, which records the journals of each target: ${code === "ENOSPC" ? "the disk is full" : (error as Error).message}`);
        }
        return after;
      },
      (message) => new JournalError(message),
    );
  }
}

/** An instance's record; version 1 held one journal per target. */
function readRecord(file: string, instance: string): Journals {
  let text: string;
  try {
    // Only a regular file is read: a FIFO of that name would block the run.
    if (!statSync(file).isFile()) throw new Error("it is not a regular file");
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return {};
    throw unusable(file, instance, (error as Error).message);
  }
  let record: { kind?: unknown; version?: unknown; journals?: unknown };
  try {
    record = JSON.parse(text) as typeof record;
  } catch {
    throw unusable(file, instance, "it is not JSON");
  }
  const journals = record?.journals;
  const shape = record?.version === 1 ? (path: unknown) => typeof path === "string" : (paths: unknown) => Array.isArray(paths) && paths.every((path) => typeof path === "string");
  if (record?.kind !== KIND || (record.version !== 1 && record.version !== VERSION) || typeof journals !== "object" || journals === null || !Object.values(journals).every(shape)) {
    throw unusable(file, instance, "it is not a record this command wrote");
  }
  return Object.fromEntries(Object.entries(journals as Record<string, string | string[]>).map(([name, paths]) => [name, typeof paths === "string" ? [paths] : [...paths]]));
}

function unusable(file: string, instance: string, why: string): JournalError {
  return new JournalError(
    `Cannot read ${file} (${why}). It records which journals hold the earlier runs of each target on instance ${instance}, ` +
      `so that a list saved under another name sends nobody twice; nothing was sent. Repair it, or move it away and pass --journal PATH with the journal of the earlier runs.`,
  );
}

function key(command: Command, target: Target): string {
  return `${command} ${target.kind} ${target.id}`;
}

/** The journal a run uses, and what the plan says of it. */
export interface JournalChoice {
  readonly path: string;
  /** Why this journal, or what could not be looked up, for the plan's journal line. */
  readonly tag: string | undefined;
  /** What the plan says beside the journal: the others read too, or a recorded one that is gone. */
  readonly notes: readonly string[];
  /**
   * The target's other journals (recorded on any instance, or beside the list): read too,
   * and locked, so nobody answered in any of them is sent again. Never written.
   */
  readonly also: readonly string[];
  /**
   * Records the journal as the target's, before it is created and before anything is sent.
   * Throws a {@link JournalError} if another run recorded a journal for the target since
   * this one looked: the two would not see each other's people.
   */
  readonly register: (() => void) | undefined;
}

/**
 * The journal of a run: --journal when given; else the one next to the list when it
 * exists; else the first the state folder records for this instance, command and target;
 * else one beside the list whose header names them; else the one next to the list, new.
 * Every other journal of the target that is known, on any instance, is read too.
 */
export function chooseJournal(
  options: { readonly command: Command; readonly target: Target; readonly file: string; readonly journal: string | undefined },
  instance: string | undefined,
  stateDirectory: string,
  writer: LineWriter,
): JournalChoice {
  const beside = `${options.file}.${options.command === "add-participants" ? "zapi-journal" : "zapi-remove-journal"}.jsonl`;
  const target = `this ${options.target.kind}`;
  if (instance === undefined) {
    const tag = `without ZAPI_INSTANCE_ID, a journal of earlier runs for ${target} kept under another file name is not looked up`;
    return { path: options.journal ?? beside, tag, notes: [], also: [], register: undefined };
  }
  const registry = new JournalRegistry(stateDirectory, instance, writer);
  const recorded = registry.lookup(options.command, options.target);
  const notes: string[] = [];
  // A recorded path whose file now holds another target's or command's runs (replaced):
  // not this target's, so neither written nor read; said so, rather than refused on every run.
  const foreign: string[] = [];
  const ours = (journal: string) => {
    const holds = heldBy(journal, options);
    if (holds === undefined || holds === "ours") return true;
    notes.push(`${journal}, recorded for ${target}, now holds ${holds}: not read`);
    foreign.push(journal);
    return false;
  };
  const present = recorded.filter(stillThere);
  // Real paths: a recorded journal later replaced by a link to where it moved is one file.
  const here = present.map(realPathAhead).filter(ours);
  const elsewhere = recordedOnOtherInstances(options, instance, stateDirectory).filter(ours);
  const besideList = journalsBeside(options);
  const besideHere = besideList.filter((journal) => journal.instance === instance).map((journal) => journal.path);
  const besideExists = existsSync(beside);
  const chosen = options.journal ?? (besideExists ? beside : (here[0] ?? besideHere[0] ?? beside));
  const path = realPathAhead(chosen);
  const known = [...new Set([...here, ...elsewhere, ...besideList.map((journal) => journal.path)])];
  const also = known.filter((journal) => journal !== path).sort();
  if (also.length > 0) notes.push(`earlier runs for ${target} are also in ${also.join(", ")}, which this run reads too: nobody answered there is sent again`);
  for (const gone of recorded.filter((journal) => !present.includes(journal))) {
    notes.push(`the journal recorded for ${target} on this instance, ${gone}, is not there (deleted, or on a share not mounted): people answered only there could be sent again`);
  }
  const fromRecord = options.journal === undefined && !besideExists && chosen === here[0];
  const fromBeside = options.journal === undefined && !besideExists && !fromRecord && chosen === besideHere[0];
  return {
    path: chosen,
    also,
    tag: fromRecord ? `earlier runs for ${target} on this instance` : fromBeside ? `earlier runs for ${target} on this instance, found beside the list` : undefined,
    notes,
    register() {
      registry.claim(options.command, options.target, path, { journals: [...also, ...foreign], what: target });
    },
  };
}

/**
 * The journals in the list's folder whose header says they hold this command's runs for
 * this target, with their instance (real paths). Only each file's first line is read.
 */
function journalsBeside(options: { readonly command: Command; readonly target: Target; readonly file: string }): { path: string; instance: string | undefined }[] {
  const folder = dirname(resolve(options.file));
  const suffix = options.command === "add-participants" ? ".zapi-journal.jsonl" : ".zapi-remove-journal.jsonl";
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => name.endsWith(suffix));
  } catch {
    return [];
  }
  const found = new Map<string, string | undefined>();
  for (const name of names) {
    const held = headerOf(join(folder, name));
    if (held?.command === options.command && sameTarget(held, options.target)) found.set(realPathAhead(join(folder, name)), held.instance);
  }
  return [...found].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, instance]) => ({ path, instance }));
}

/** Journals that the state folder records for this command and target on other instances (another WhatsApp number reached the same people), and that still exist. */
function recordedOnOtherInstances(options: { readonly command: Command; readonly target: Target }, instance: string, directory: string): string[] {
  const ours = basename(instanceFile(directory, instance, SUFFIX));
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => name.startsWith("instance-") && name.endsWith(SUFFIX) && name !== ours);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const name of names) {
    // One that cannot be read stops the run as this instance's own would: the people it
    // records were reached through another number, and could be invited again.
    const paths = readRecord(join(directory, name), name.slice("instance-".length, -SUFFIX.length))[key(options.command, options.target)] ?? [];
    for (const path of paths) if (stillThere(path)) found.push(realPathAhead(path));
  }
  return found;
}

// A header is a few hundred bytes: 64 KiB holds it, or the file is not a journal. Only a
// regular file is opened: a FIFO of that name would block the open forever.
function firstLine(path: string): string | undefined {
  let fd: number | undefined;
  try {
    if (!statSync(path).isFile()) return undefined;
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const buffer = Buffer.alloc(64 * 1024);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, length).toString("utf8");
    const end = text.indexOf("\n");
    return end < 0 ? undefined : text.slice(0, end);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

// Whether the recorded journal exists. Only "no such file" says it does not: a journal that
// cannot be reached now (permissions, an unmounted share) still holds its people.
function stillThere(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return false;
    throw new JournalError(
      `Cannot reach ${path}, the journal of the earlier runs for this target (${(error as Error).message}). Nothing was sent: without it, people it records could be sent again.`,
    );
  }
}

/** What a journal's first line says it holds; undefined when it has no header this command wrote. */
function headerOf(path: string): { command: unknown; target: { kind?: unknown; id?: unknown } | undefined; instance: string | undefined } | undefined {
  const line = firstLine(path);
  if (line === undefined) return undefined;
  let parsed: { journal?: unknown; version?: unknown; command?: unknown; target?: { kind?: unknown; id?: unknown }; instance?: unknown } | null;
  try {
    parsed = JSON.parse(line) as typeof parsed;
  } catch {
    return undefined; // Not JSON: loading it says what is wrong.
  }
  // The first version kept add-participants' journals only, and named no instance.
  if (parsed?.journal === V1_KIND && parsed.version === 1) return { command: "add-participants", target: parsed.target, instance: undefined };
  if (parsed?.journal === JOURNAL_KIND) return { command: parsed.command, target: parsed.target, instance: typeof parsed.instance === "string" ? parsed.instance : undefined };
  return undefined;
}

function sameTarget(held: { target: { kind?: unknown; id?: unknown } | undefined }, target: Target): boolean {
  return held.target?.kind === target.kind && held.target?.id === target.id;
}

/**
 * What a journal's first line says it holds, against this command and target: "ours",
 * another target's or command's runs (for the plan), or undefined when it has no header yet.
 */
function heldBy(path: string, options: { readonly command: Command; readonly target: Target }): "ours" | string | undefined {
  const held = headerOf(path);
  if (held === undefined) return undefined;
  if (held.command !== options.command) return `${String(held.command)}'s runs`;
  if (!sameTarget(held, options.target)) return `the runs for --${String(held.target?.kind)} ${String(held.target?.id)}`;
  return "ours";
}
