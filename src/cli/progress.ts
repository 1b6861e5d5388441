// Progress while sending: a redrawn bar with count, rate and ETA on a terminal; plain
// lines, one a batch, anywhere else (a log, CI, a pipe).
import type { Answer } from "./journal.js";
import { ASSUMED_CALL_MS, formatCount, formatDuration, plural } from "./plan.js";

export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface Progress {
  /** Prints a line, above the bar on a terminal. */
  line(text: string): void;
  /** The batch numbered `index`, of `phones` phones, came back with `answer`. */
  batch(index: number, phones: number, answer: Answer, detail?: string): void;
  /** Clears the bar for good. */
  end(): void;
}

export interface ProgressSettings {
  /** Phones and batches this run is to send. */
  readonly phones: number;
  readonly batches: number;
  readonly pauseMs: number;
  readonly now?: () => number;
}

export function createProgress(out: Output, settings: ProgressSettings): Progress {
  const now = settings.now ?? Date.now;
  const started = now();
  let phonesDone = 0;
  let batchesDone = 0;

  const rate = () => {
    const minutes = (now() - started) / 60_000;
    return minutes > 0 && phonesDone > 0 ? `${formatRate(phonesDone / minutes)}/min` : "-/min";
  };
  const eta = () => {
    const left = settings.batches - batchesDone;
    if (left <= 0) return "done";
    const perBatch = batchesDone > 0 ? (now() - started) / batchesDone : ASSUMED_CALL_MS + settings.pauseMs;
    return `ETA ${formatDuration(left * perBatch)}`;
  };
  const counts = () => `${formatCount(phonesDone)}/${formatCount(settings.phones)} phones · ${rate()} · ${eta()}`;

  if (!out.isTTY) {
    return {
      line: (text) => out.write(`${text}\n`),
      batch(index, phones, answer, detail) {
        phonesDone += phones;
        batchesDone++;
        out.write(`batch ${index}: ${plural(phones, "phone")}, ${ANSWERS[answer]}${detail ? ` (${detail})` : ""} · ${counts()}\n`);
      },
      end() {},
    };
  }

  const draw = () => {
    const width = Math.max(10, Math.min(30, (out.columns ?? 80) - 60));
    const share = settings.phones === 0 ? 1 : phonesDone / settings.phones;
    const filled = Math.round(share * width);
    out.write(`\r\x1b[2K[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${counts()}`);
  };
  // Redrawn every second too, so the rate and ETA move during a pause.
  const timer = setInterval(draw, 1000);
  timer.unref();
  draw();
  return {
    line(text) {
      out.write(`\r\x1b[2K${text}\n`);
      draw();
    },
    batch(index, phones, answer, detail) {
      phonesDone += phones;
      batchesDone++;
      if (answer !== "true") out.write(`\r\x1b[2Kbatch ${index}: ${plural(phones, "phone")}, ${ANSWERS[answer]}${detail ? ` (${detail})` : ""}\n`);
      draw();
    },
    end() {
      clearInterval(timer);
      draw();
      out.write("\n");
    },
  };
}

const ANSWERS: Record<Answer, string> = {
  true: "answered true",
  false: "answered false",
  empty: "answered with no body",
  error: "refused before Z-API acted",
  unknown: "no answer",
};

function formatRate(perMinute: number): string {
  return perMinute >= 100 ? formatCount(Math.round(perMinute)) : perMinute.toFixed(1);
}
