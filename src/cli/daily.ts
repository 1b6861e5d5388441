// The daily limit: how many phones one instance (one WhatsApp number) was sent in the last
// 24 hours, across every run and every list that used this machine's state. Kept in the
// user's state folder, one file per instance, named after the instance id (never a token),
// one line per batch: `{"at":"2026-12-07T10:00:00.000Z","kind":"add","n":10}`. A batch is
// counted before it is sent, so a run killed mid-call still counts it; one Z-API refused
// before acting is given back. Adds and removals are counted apart.
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { diskWriter, type LineWriter } from "./journal.js";
import { instanceFile, replaceFile, withStateLock } from "./state.js";

/** Phones sent per instance in any 24 hours, unless --max-per-day says otherwise. See the README for why. */
export const DEFAULT_MAX_PER_DAY = 200;
export const DAY_MS = 24 * 3600_000;

export type Kind = "add" | "remove";

/** The state cannot be read or written: nothing is sent. */
export class DailyError extends Error {}

export interface Usage {
  /** Phones counted in the last 24 hours. */
  readonly used: number;
  readonly limit: number;
  /** When the last batch of either kind went out on this instance. */
  readonly lastCall: number | undefined;
  /** When `needed` more phones fit, if they do not now. */
  nextAt(needed: number): number;
}

interface Entry {
  readonly at: number;
  readonly kind: Kind;
  readonly n: number;
}

const COMPACT_AFTER_LINES = 2_000;

export class DailyLimit {
  readonly file: string;
  private readonly now: () => number;

  constructor(
    readonly directory: string,
    readonly instance: string,
    readonly kind: Kind,
    readonly limit: number,
    private readonly writer: LineWriter = diskWriter,
    now?: () => number,
  ) {
    this.now = now ?? Date.now;
    this.file = instanceFile(directory, instance, ".jsonl");
  }

  /** What the last 24 hours used, read without the lock (for the plan). */
  usage(): Usage {
    return this.summarize(this.read().entries);
  }

  /**
   * Counts up to `wanted` phones against the limit, on the disk before it returns: the
   * number granted, 0 when the limit is reached.
   */
  reserve(wanted: number): number {
    return this.locked(() => {
      const { entries, lines } = this.read();
      const left = Math.max(0, this.limit - this.summarize(entries).used);
      const granted = Math.min(wanted, left);
      if (granted > 0) this.append({ at: this.now(), kind: this.kind, n: granted }, lines);
      return granted;
    });
  }

  /** Gives back phones of a batch Z-API refused before acting on it. */
  refund(n: number): void {
    this.locked(() => this.append({ at: this.now(), kind: this.kind, n: -n }, 0));
  }

  private summarize(entries: readonly Entry[]): Usage {
    const now = this.now();
    const window = entries.filter((e) => e.kind === this.kind && e.at > now - DAY_MS).sort((a, b) => a.at - b.at);
    const used = window.reduce((sum, e) => sum + e.n, 0);
    const last = entries.reduce<number | undefined>((max, e) => (e.n > 0 && (max === undefined || e.at > max) ? e.at : max), undefined);
    const limit = this.limit;
    return {
      used,
      limit,
      lastCall: last,
      nextAt(needed) {
        if (used + needed <= limit) return now;
        let expired = 0;
        for (const entry of window) {
          expired += entry.n;
          if (used - expired + needed <= limit) return entry.at + DAY_MS;
        }
        return now + DAY_MS;
      },
    };
  }

  private read(): { entries: Entry[]; lines: number } {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return { entries: [], lines: 0 };
      throw new DailyError(`Cannot read the daily count ${this.file}: ${(error as Error).message}`);
    }
    const entries: Entry[] = [];
    const lines = text.split("\n");
    // Whole lines only: a torn last line (a run killed mid-write) counted nothing.
    for (const line of lines.slice(0, -1)) {
      try {
        const entry = JSON.parse(line) as { at?: unknown; kind?: unknown; n?: unknown };
        const at = typeof entry.at === "string" ? Date.parse(entry.at) : NaN;
        if (Number.isFinite(at) && (entry.kind === "add" || entry.kind === "remove") && typeof entry.n === "number") entries.push({ at, kind: entry.kind, n: entry.n });
      } catch {}
    }
    return { entries, lines: lines.length - 1 };
  }

  private append(entry: Entry, lines: number): void {
    const line = `${JSON.stringify({ at: new Date(entry.at).toISOString(), kind: entry.kind, n: entry.n })}\n`;
    try {
      mkdirSync(this.directory, { recursive: true, mode: 0o700 });
      if (lines > COMPACT_AFTER_LINES) this.compact(line);
      else {
        const fd = openSync(this.file, "a", 0o600);
        try {
          this.writer.append(fd, line);
        } finally {
          closeSync(fd);
        }
      }
    } catch (error) {
      if (error instanceof DailyError) throw error;
      const code = (error as { code?: string }).code;
      throw new DailyError(`Cannot write the daily count ${this.file}: ${code === "ENOSPC" ? "the disk is full" : (error as Error).message}`);
    }
  }

  // Keeps the last 24 hours only, written whole.
  private compact(line: string): void {
    const now = this.now();
    const kept = this.read().entries.filter((e) => e.at > now - DAY_MS);
    replaceFile(this.file, kept.map((e) => `${JSON.stringify({ at: new Date(e.at).toISOString(), kind: e.kind, n: e.n })}\n`).join("") + line, this.writer);
  }

  // Reading and changing the count is one step: two runs must not both be granted the last phones.
  private locked<T>(action: () => T): T {
    return withStateLock(this.file, `the daily count of instance ${this.instance}`, action, (message) => new DailyError(message));
  }
}
