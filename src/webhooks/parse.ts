import { onMessageReceivedSchema, type OnMessageReceivedDelivery } from "../../generated/webhooks.js";
import { snapshot } from "../core/input.js";
import { pick } from "../core/result.js";
import { validate } from "../core/validate.js";
import { ZApiValidationError } from "../errors/validation-error.js";
import type { WebhookEventOf } from "../types.js";

/**
 * One on-message-received delivery, typed from the spec: a union discriminated by
 * `notification`. Membership kinds have their own fields; any other delivery is passed
 * through with its `notification` typed as {@link UnknownNotification}.
 */
export type WebhookEvent = WebhookEventOf<OnMessageReceivedDelivery>;

const MAX_PROBLEMS = 20;

/**
 * Checks a delivery (the parsed JSON body Z-API posted) against the spec's webhook schema
 * and returns a clean copy, typed. Throws {@link ZApiValidationError} naming what is wrong.
 */
export function parseWebhook(value: unknown): WebhookEvent {
  // A copy first: a caller's object may be cyclic, deep or hostile, like any input.
  const snap = snapshot(undefined, value);
  const { problems, total } = snap.problemCount > 0 ? { problems: snap.problems.slice(0, MAX_PROBLEMS), total: snap.problemCount } : validate(onMessageReceivedSchema, snap.value, { keep: MAX_PROBLEMS });
  if (total > 0) throw new ZApiValidationError("on-message-received delivery", problems, total, false);
  return pick(onMessageReceivedSchema, snap.value) as WebhookEvent;
}
