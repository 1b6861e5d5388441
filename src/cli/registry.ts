// Which journal holds the earlier runs of each target on an instance. The journal's
// default place is next to the list, so a corrected list saved under another name
// ("contacts (1).csv", the usual re-export) would start an empty journal and send again
// the people already sent. The state folder keeps, per instance, the real path of the
// journal each command and target was first written to, and a run that has no journal
// next to its list uses that one. One file per instance, next to the daily count, with no
// secret in it:
//   {"kind":"zapi-client journals","version":1,"journals":{"add-participants community 120363019502650977":"/home/ana/contacts.csv.zapi-journal.jsonl"}}
// It is replaced whole under the state lock. A record that cannot be read is refused, not
// ignored: without it a rerun could start an empty journal and send people twice.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { JOURNAL_KIND, JournalError, type Command, type LineWriter } from "./journal.js";
import { realPathAhead } from "./lock.js";
import type { Target } from "./plan.js";
import { instanceFile, replaceFile, withStateLock } from "./state.js";

const KIND = "zapi-client journals";
const VERSION = 1;

type Journals = Record<string, string>;

export class JournalRegistry {
  readonly file: string;

  constructor(
    directory: string,
    readonly instance: string,
    private readonly writer: LineWriter,
  ) {
    this.file = instanceFile(directory, instance, ".journals.json");
  }

  /** The journal recorded for `command` and `target` (a real path, which may no longer exist). */
  lookup(command: Command, target: Target): string | undefined {
    return this.read()[key(command, target)];
  }

  /**
   * Records `journal` (a real path) for `command` and `target`, before the run sends
   * anything. A journal already recorded that still exists is kept: the first journal
   * of a target stays its journal. Returns the journal recorded afterwards.
   */
  claim(command: Command, target: Target, journal: string): string {
    return withStateLock(
      this.file,
      `the journals of instance ${this.instance}`,
      () => {
        const journals = this.read();
        const name = key(command, target);
        const recorded = journals[name];
        if (recorded !== undefined && (recorded === journal || stillThere(recorded))) return recorded;
        journals[name] = journal;
        try {
          replaceFile(this.file, `${JSON.stringify({ kind: KIND, version: VERSION, journals })}\n`, this.writer);
        } catch (error) {
          const code = (error as { code?: string }).code;
          throw new JournalError(`Cannot write ${this.file}, which records the journal of each target: ${code === "ENOSPC" ? "the disk is full" : (error as Error).message}`);
        }
        return journal;
      },
      (message) => new JournalError(message),
    );
  }

  private read(): Journals {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return {};
      throw this.unusable((error as Error).message);
    }
    let record: { kind?: unknown; version?: unknown; journals?: unknown };
    try {
      record = JSON.parse(text) as typeof record;
    } catch {
      throw this.unusable("it is not JSON");
    }
    const journals = record?.journals;
    if (record?.kind !== KIND || record.version !== VERSION || typeof journals !== "object" || journals === null || !Object.values(journals).every((path) => typeof path === "string")) {
      throw this.unusable("it is not a record this command wrote");
    }
    return { ...(journals as Journals) };
  }

  private unusable(why: string): JournalError {
    return new JournalError(
      `Cannot read ${this.file} (${why}). It records which journal holds the earlier runs of each target on instance ${this.instance}, ` +
        `so that a list saved under another name sends nobody twice; nothing was sent. Repair it, or move it away and pass --journal PATH with the journal of the earlier runs.`,
    );
  }
}

function key(command: Command, target: Target): string {
  return `${command} ${target.kind} ${target.id}`;
}

/** The journal a run uses, and what the plan says of it. */
export interface JournalChoice {
  readonly path: string;
  /** Why this journal, or what could not be looked up, for the plan's journal line. */
  readonly tag: string | undefined;
  /** What the plan says beside the journal: another one read too, or a recorded one that is gone. */
  readonly notes: readonly string[];
  /**
   * The journal recorded for the target when this run uses another one (given by --journal,
   * or found next to its list): read too, and locked, so nobody it records is sent again.
   */
  readonly also: string | undefined;
  /**
   * Records the journal as the target's once this run writes it, before anything is sent.
   * Throws a {@link JournalError} if another run recorded another journal for the target
   * since this one looked: the two lists would not see each other's people.
   */
  readonly register: (() => void) | undefined;
}

/**
 * The journal of a run: --journal when given; else the one next to the list when it
 * exists (as before); else the one the state folder records for this instance, command
 * and target, when it still exists; else the one next to the list, new. When the run uses
 * another than the recorded one, the recorded one is read too (never written).
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
    return { path: options.journal ?? beside, tag, notes: [], also: undefined, register: undefined };
  }
  const registry = new JournalRegistry(stateDirectory, instance, writer);
  const recorded = registry.lookup(options.command, options.target);
  const live = recorded !== undefined && stillThere(recorded) ? recorded : undefined;
  const fromRecord = options.journal === undefined && live !== undefined && !existsSync(beside);
  // Nothing recorded (journals from before the record existed): one beside the list that
  // holds this target's runs on this instance is as good as the record.
  const unrecorded = options.journal === undefined && recorded === undefined && !existsSync(beside);
  const besideList = unrecorded ? journalsBeside(options) : [];
  const found = besideList.filter((journal) => journal.instance === instance).map((journal) => journal.path);
  if (found.length > 1) {
    throw new JournalError(
      `Several journals beside ${options.file} hold earlier runs for ${target} on this instance: ${found.join(", ")}. Nothing was sent. Pass --journal PATH with the one to go on with.`,
    );
  }
  // Nothing on this instance, but the same target reached through another one (another
  // WhatsApp number): its people would be invited again from this number. As with such a
  // journal next to the list, the run stops until a journal is chosen.
  if (unrecorded && found.length === 0) {
    const elsewhere = [
      ...besideList.filter((journal) => journal.instance !== undefined && journal.instance !== instance).map((journal) => journal.path),
      ...recordedOnOtherInstances(options, instance, stateDirectory),
    ];
    if (elsewhere.length > 0) {
      throw new JournalError(
        `Earlier runs for ${target} went through another Z-API instance (another WhatsApp number), in ${[...new Set(elsewhere)].join(", ")}. Nothing was sent: the people there would be invited again from this number. Pass --journal NEW-PATH to keep a separate journal for this instance.`,
      );
    }
  }
  const path = options.journal ?? (fromRecord ? live! : (found[0] ?? beside));
  const notes: string[] = [];
  const also = live !== undefined && realPathAhead(path) !== live ? live : undefined;
  if (also !== undefined) {
    notes.push(`earlier runs for ${target} on this instance are also in ${also}, which this run reads too: nobody answered there is sent again`);
  } else if (recorded !== undefined && live === undefined) {
    notes.push(`the journal recorded for ${target} on this instance, ${recorded}, no longer exists`);
  }
  return {
    path,
    also,
    tag: fromRecord ? `earlier runs for ${target} on this instance` : found[0] !== undefined ? `earlier runs for ${target} on this instance, found beside the list` : undefined,
    notes,
    register() {
      const journal = realPathAhead(path);
      const now = registry.claim(options.command, options.target, journal);
      if (now !== journal && now !== live) {
        throw new JournalError(`While this run started, another run began the journal ${now} for ${target} on this instance. Nothing was sent. Run the same command again: it will use that journal.`);
      }
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
    const header = firstLine(join(folder, name));
    if (header === undefined) continue;
    try {
      const parsed = JSON.parse(header) as { journal?: unknown; command?: unknown; target?: { kind?: unknown; id?: unknown }; instance?: unknown };
      if (parsed.journal !== JOURNAL_KIND || parsed.command !== options.command) continue;
      if (parsed.target?.kind !== options.target.kind || parsed.target?.id !== options.target.id) continue;
      found.set(realPathAhead(join(folder, name)), typeof parsed.instance === "string" ? parsed.instance : undefined);
    } catch {
      // Not a journal of this command: not ours to judge here.
    }
  }
  return [...found].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, instance]) => ({ path, instance }));
}

/** Journals that the state folder records for this command and target on other instances, and that still exist. */
function recordedOnOtherInstances(options: { readonly command: Command; readonly target: Target }, instance: string, directory: string): string[] {
  const ours = basename(instanceFile(directory, instance, ".journals.json"));
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => name.startsWith("instance-") && name.endsWith(".journals.json") && name !== ours);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const name of names) {
    try {
      const record = JSON.parse(readFileSync(join(directory, name), "utf8")) as { kind?: unknown; journals?: Record<string, unknown> };
      const path = record.kind === KIND ? record.journals?.[key(options.command, options.target)] : undefined;
      if (typeof path === "string" && existsSync(path)) found.push(path);
    } catch {
      // Another instance's record that cannot be read: that instance's runs will say so.
    }
  }
  return found.sort();
}

// A header is a few hundred bytes: 64 KiB holds it, or the file is not a journal.
function firstLine(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
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
