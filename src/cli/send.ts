// Sends the phones the plan chose, in batches, one call at a time, paced. Each batch is
// counted against the daily limit and declared in the journal before its call, and its
// answer is journaled after. Stops at the first batch that is refused or goes unanswered,
// at the daily limit, on Ctrl-C, or when the journal or the daily count cannot be written
// (then the batch is not sent).
import { ZApiAbortError, ZApiHttpError, ZApiNetworkError, ZApiValidationError, type ZApiClient } from "../index.js";
import type { DailyLimit } from "./daily.js";
import { notePhonesSending, type Answer, type Command, type JournalWriter, type PhoneState } from "./journal.js";
import type { Lock } from "./lock.js";
import { jitteredPause, wait } from "./pacing.js";
import type { Target } from "./plan.js";
import type { Progress } from "./progress.js";

export interface SendSettings {
  readonly command: Command;
  readonly target: Target;
  /** For adds: the --auto-invite choice. */
  readonly autoInvite: boolean | undefined;
  /** The phones to send, in order. */
  readonly phones: { readonly length: number; at(index: number): string };
  /** The phone to put in the call for a phone of the list (a removal sends the member as the group lists it). */
  readonly wire?: (phone: string) => string;
  readonly batchSize: number;
  /** Each phone's journal state; updated as batches are sent. */
  readonly states: Map<string, PhoneState>;
  readonly journal: JournalWriter;
  readonly daily: DailyLimit | undefined;
  readonly lock: Lock | undefined;
  readonly client: Pick<ZApiClient, "addParticipant" | "removeParticipant">;
  readonly pauseMs: number;
  /** When the last call went out (this journal or this instance), so the pause holds across runs. */
  readonly lastActivity: number | undefined;
  /** Aborted: stop after the batch in flight (the first Ctrl-C). */
  readonly stop: AbortSignal;
  /** Aborted: abandon the batch in flight (a second Ctrl-C); it becomes unknown. */
  readonly abort: AbortSignal;
  readonly progress: Progress;
  readonly now?: () => number;
  readonly random?: () => number;
}

type Ending =
  | { readonly ended: "done" }
  | { readonly ended: "stopped" }
  | { readonly ended: "limit" }
  | { readonly ended: "error"; readonly message: string; readonly answer: "error" | "unknown" }
  | { readonly ended: "write"; readonly message: string };

/** How the sending ended, with the phones and batches sent (answered or not). */
export type SendResult = Ending & { readonly sent: number; readonly batches: number };

export async function sendBatches(settings: SendSettings): Promise<SendResult> {
  const { phones, states, journal, daily, client, progress, stop } = settings;
  const now = settings.now ?? Date.now;
  let lastCall = settings.lastActivity;
  let b = journal.nextBatch;
  let sent = 0;
  let batches = 0;
  const ended = (result: Ending): SendResult => ({ ...result, sent, batches });
  for (let i = 0; i < phones.length; ) {
    if (stop.aborted) return ended({ ended: "stopped" });
    if (lastCall !== undefined) {
      await wait(lastCall + jitteredPause(settings.pauseMs, settings.random) - now(), stop);
      if (stop.aborted) return ended({ ended: "stopped" });
    }
    if (settings.lock && !settings.lock.held()) {
      return ended({ ended: "write", message: `the lock ${settings.lock.path} was taken over by another run while this one paused: stopped, so that no one is sent twice` });
    }
    const wanted = Math.min(settings.batchSize, phones.length - i);
    let size = wanted;
    try {
      if (daily) size = daily.reserve(wanted);
    } catch (error) {
      return ended({ ended: "write", message: (error as Error).message });
    }
    if (size === 0) return ended({ ended: "limit" });
    const batch = Array.from({ length: size }, (_, j) => phones.at(i + j));
    const index = b++;
    try {
      journal.batch(index, batch, settings.autoInvite);
      journal.sending(index);
    } catch (error) {
      // Not sent: give the count back.
      try {
        daily?.refund(size);
      } catch {}
      return ended({ ended: "write", message: (error as Error).message });
    }
    notePhonesSending(batch, settings.autoInvite, states);
    let answer: Answer;
    let detail: string | undefined;
    let failure: unknown;
    try {
      const body = batch.map(settings.wire ?? ((phone) => phone));
      const result: unknown =
        settings.command === "add-participants"
          ? await client.addParticipant(settings.target.kind === "community" ? { autoInvite: settings.autoInvite === true, communityId: settings.target.id, phones: body } : { autoInvite: settings.autoInvite === true, groupId: settings.target.id, phones: body }, { signal: settings.abort })
          : await client.removeParticipant(settings.target.kind === "community" ? { communityId: settings.target.id, phones: body } : { groupId: settings.target.id, phones: body }, { signal: settings.abort });
      answer = interpret(result);
    } catch (error) {
      failure = error;
      ({ answer, detail } = classify(error));
    }
    lastCall = now();
    sent += batch.length;
    batches++;
    i += batch.length;
    for (const phone of batch) {
      const state = states.get(phone)!;
      state.last = answer;
      if (answer === "true" || answer === "false" || answer === "empty") state.answered |= settings.autoInvite ? 2 : 1;
      if (detail) state.detail = detail;
    }
    try {
      journal.answered(index, answer, detail);
      if (answer === "error") daily?.refund(size);
    } catch (error) {
      progress.batch(index, batch.length, answer, detail);
      return ended({ ended: "write", message: (error as Error).message });
    }
    progress.batch(index, batch.length, answer, detail);
    settings.lock?.touch();
    if (failure !== undefined) {
      const message = failure instanceof Error ? failure.message : String(failure);
      return ended({ ended: "error", message, answer: answer === "error" ? "error" : "unknown" });
    }
  }
  return ended({ ended: "done" });
}

/** Z-API's answer to a batch: `{ value }`, or an empty 2xx, `{ emptyAnswer: true, status }` (Z-API acted and said nothing more). */
export function interpret(result: unknown): Answer {
  if (typeof result === "object" && result !== null) {
    if ("emptyAnswer" in result) return "empty";
    if ("value" in result) return (result as { value: unknown }).value === true ? "true" : "false";
  }
  return "unknown";
}

// Errors that refused the call before Z-API could act on it.
const NOTHING_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * `error` when Z-API cannot have acted on the call, so a later run may send it again;
 * `unknown` when it may have (a timeout, a dropped connection, a 5xx, a 2xx with a
 * strange body, an error Z-API's table does not know): sending it again could invite
 * someone twice. An HTTP error whose `reason` is one of Z-API's known refusals (a missing
 * Client-Token, an expired instance...) was refused before Z-API acted, whatever its status.
 */
export function classify(error: unknown): { answer: "error" | "unknown"; detail: string } {
  const name = error instanceof Error ? error.name : typeof error;
  if (error instanceof ZApiValidationError) return { answer: "error", detail: name };
  if (error instanceof ZApiHttpError) {
    const { status } = error;
    const { reason } = error;
    const detail = `${name} ${status}${reason !== "unknown" ? ` ${reason}` : ""}`;
    if (reason !== "unknown") return { answer: "error", detail };
    const refused = (status >= 400 && status < 500 && status !== 408 && status !== 429) || ((status === 429 || status === 503) && error.retryAfterMs !== undefined);
    return { answer: refused ? "error" : "unknown", detail };
  }
  if (error instanceof ZApiNetworkError) {
    return { answer: error.code && NOTHING_SENT.has(error.code) ? "error" : "unknown", detail: error.code ? `${name} ${error.code}` : name };
  }
  if (error instanceof ZApiAbortError) return { answer: "unknown", detail: `${name} (abandoned by a second Ctrl-C)` };
  return { answer: "unknown", detail: name };
}
