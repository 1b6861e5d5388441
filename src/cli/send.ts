// Sends the batches the journal does not show as answered, one at a time, paced, each
// journaled before it is sent and after its answer. Stops at the first error.
import {
  ZApiAbortError,
  ZApiHttpError,
  ZApiNetworkError,
  ZApiValidationError,
  type AddParticipantInput,
  type ZApiClient,
} from "../index.js";
import type { BatchState, JournalWriter, Outcome } from "./journal.js";
import { jitteredPause, wait } from "./pacing.js";
import type { Batch, Plan } from "./plan.js";
import type { Progress } from "./progress.js";

export interface SendSettings {
  readonly plan: Plan;
  /** Each batch's state, from the journal; updated as batches are sent. */
  readonly states: Map<number, BatchState>;
  readonly journal: JournalWriter;
  readonly client: Pick<ZApiClient, "addParticipant">;
  readonly pauseMs: number;
  readonly resendUnknown: boolean;
  /** When the journal last saw a batch, so the pause holds across runs too. */
  readonly lastActivity: number | undefined;
  /** Aborted: stop after the batch in flight (the first Ctrl-C). */
  readonly stop: AbortSignal;
  /** Aborted: abandon the batch in flight (a second Ctrl-C); it becomes unknown. */
  readonly abort: AbortSignal;
  readonly progress: Progress;
  readonly now?: () => number;
  readonly random?: () => number;
}

export type SendResult =
  | { readonly ended: "done" }
  | { readonly ended: "stopped" }
  | { readonly ended: "error"; readonly batch: number; readonly message: string; readonly outcome: Outcome };

/** Whether this run sends `state`'s batch. */
export function shouldSend(state: BatchState | undefined, resendUnknown: boolean): boolean {
  if (state === undefined || state.state === "error") return true;
  return resendUnknown && (state.state === "sending" || state.state === "unknown");
}

export async function sendBatches(settings: SendSettings): Promise<SendResult> {
  const { plan, states, journal, client, progress, stop } = settings;
  const now = settings.now ?? Date.now;
  let lastCall = settings.lastActivity;
  for (const batch of plan.batches) {
    const state = states.get(batch.index);
    if (!shouldSend(state, settings.resendUnknown)) continue;
    if (stop.aborted) return { ended: "stopped" };
    if (lastCall !== undefined) {
      await wait(lastCall + jitteredPause(settings.pauseMs, settings.random) - now(), stop);
      if (stop.aborted) return { ended: "stopped" };
    }
    journal.sending(batch.index);
    const sends = (state?.sends ?? 0) + 1;
    states.set(batch.index, { state: "sending", sends });
    let outcome: Outcome;
    let detail: string | undefined;
    let failure: unknown;
    try {
      const answer = await client.addParticipant(body(plan, batch), { signal: settings.abort });
      // A bare 2xx: Z-API acted and said nothing more; never failed, never sent again.
      if ("emptyAnswer" in answer) (outcome = "added"), (detail = `an empty HTTP ${answer.status}`);
      else outcome = answer.value ? "added" : "failed";
    } catch (error) {
      failure = error;
      ({ outcome, detail } = classify(error));
    }
    journal.answered(batch.index, outcome, detail);
    states.set(batch.index, { state: outcome, ...(detail ? { error: detail } : {}), sends });
    lastCall = now();
    progress.batch(batch.index, batch.phones.length, outcome, detail);
    if (failure !== undefined) {
      const message = failure instanceof Error ? failure.message : String(failure);
      return { ended: "error", batch: batch.index, message, outcome };
    }
  }
  return { ended: "done" };
}

function body(plan: Plan, batch: Batch): AddParticipantInput {
  const phones = [...batch.phones];
  const { autoInvite, target } = plan;
  return target.kind === "community" ? { autoInvite, communityId: target.id, phones } : { autoInvite, groupId: target.id, phones };
}

// Errors that refused the call before Z-API could act on it.
const NOTHING_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * `error` when Z-API cannot have acted on the call, so a later run may send it again;
 * `unknown` when it may have (a timeout, a dropped connection, a 5xx, a 2xx with a
 * strange body): sending it again could invite someone twice. Mirrors the client's
 * retry policy, which retries exactly the first kind.
 */
export function classify(error: unknown): { outcome: "error" | "unknown"; detail: string } {
  const name = error instanceof Error ? error.name : typeof error;
  if (error instanceof ZApiValidationError) return { outcome: "error", detail: name };
  if (error instanceof ZApiHttpError) {
    const { status } = error;
    // A known reason (an inactive instance, a missing Client-Token…) is a refusal whatever the status.
    const refused =
      error.reason !== "unknown" || (status >= 400 && status < 500 && status !== 408 && status !== 429) || ((status === 429 || status === 503) && error.retryAfterMs !== undefined);
    return { outcome: refused ? "error" : "unknown", detail: `${name} ${status}` };
  }
  if (error instanceof ZApiNetworkError) {
    return { outcome: error.code && NOTHING_SENT.has(error.code) ? "error" : "unknown", detail: error.code ? `${name} ${error.code}` : name };
  }
  if (error instanceof ZApiAbortError) return { outcome: "unknown", detail: `${name} (abandoned by a second Ctrl-C)` };
  return { outcome: "unknown", detail: name };
}
