import { onMessageReceivedSchema, type OnMessageReceivedDelivery } from "../../generated/webhooks.js";
import { MAX_INPUT_DEPTH, snapshot } from "../core/input.js";
import { pick } from "../core/result.js";
import type { Problem, Schema } from "../core/schema.js";
import { matches, validate } from "../core/validate.js";
import { ZApiValidationError } from "../errors/validation-error.js";
import type { WebhookEventOf } from "../types.js";

/**
 * One on-message-received delivery, typed from the spec: a union discriminated by
 * `notification`. Membership kinds have their own fields; any other delivery is passed
 * through with its `notification` typed as {@link UnknownNotification}.
 */
export type WebhookEvent = WebhookEventOf<OnMessageReceivedDelivery>;

const MAX_PROBLEMS = 20;

/** A delivery checked: the clean event, or what is wrong with it. */
export type CheckedDelivery =
  | { readonly event: WebhookEvent; readonly problems?: undefined; readonly total?: undefined }
  | { readonly event?: undefined; readonly problems: readonly Problem[]; readonly total: number };

/** The check {@link parseWebhook} makes, without throwing: the webhook handler's too. */
export function checkDelivery(value: unknown): CheckedDelivery {
  // A copy first: a caller's object may be cyclic, deep or hostile, like any input.
  const snap = snapshot(undefined, value);
  const { problems, total } = snap.problemCount > 0 ? { problems: snap.problems.slice(0, MAX_PROBLEMS), total: snap.problemCount } : validate(onMessageReceivedSchema, snap.value, { keep: MAX_PROBLEMS });
  if (total > 0) return { problems, total };
  return { event: pick(onMessageReceivedSchema, snap.value) as WebhookEvent };
}

/**
 * {@link checkDelivery} for a value JSON.parse has just made, which no one else holds: it
 * has no getter, Proxy or cycle, so the copy that guards against a caller's object is
 * skipped, and so are the problems unless there are some. The answer is the same: a value
 * that might meet the copy's limits (its depth, its count of values) takes the long way.
 */
export function checkParsedDelivery(value: unknown): CheckedDelivery {
  if (withinLimits(value) && matches(onMessageReceivedSchema, value)) return { event: pick(onMessageReceivedSchema, value) as WebhookEvent };
  return checkDelivery(value);
}

/** Well within what {@link snapshot} copies without a problem: a few thousand values, not nested near its limit. */
const FAST_VALUES = 5_000;

function withinLimits(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return true;
  const stack: unknown[] = [value];
  const depths: number[] = [0];
  let values = 0;
  while (stack.length > 0) {
    const next = stack.pop() as object;
    const depth = depths.pop()!;
    if (depth >= MAX_INPUT_DEPTH - 1) return false;
    const items: unknown[] = Array.isArray(next) ? next : Object.values(next);
    values += items.length;
    if (values > FAST_VALUES) return false;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (typeof item === "object" && item !== null) {
        stack.push(item);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}

/**
 * Checks a delivery (the parsed JSON body Z-API posted) against the spec's webhook schema
 * and returns a clean copy, typed. Throws {@link ZApiValidationError} naming what is wrong.
 */
export function parseWebhook(value: unknown): WebhookEvent {
  const checked = checkDelivery(value);
  if (checked.problems) throw new ZApiValidationError("on-message-received delivery", checked.problems, checked.total, false);
  return checked.event;
}

/** The most of a refusal's reason kept: a oneOf's reason lists every form's problems. */
const MAX_REASON = 600;

/**
 * Why a delivery was refused, for `onRejected` and the log: the field and the rule that
 * {@link parseWebhook} names, as `/requestMethod must be one of "invite_link", …`, and never
 * a value of the delivery. Messages say what the schema wants, not what was sent; a path
 * keeps only the names the spec declares and array positions (a name the delivery made up
 * becomes `*`).
 */
export function refusalReason(problems: readonly Problem[], total: number): string {
  const [first] = problems;
  if (!first) return "invalid delivery";
  const more = total > 1 ? ` (and ${total - 1} more)` : "";
  const reason = `${safePath(first.path) || "the delivery"} ${first.message}`;
  return `${reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 3)}...` : reason}${more}`;
}

let declared: Set<string> | undefined;

function safePath(path: string): string {
  declared ??= declaredNames(onMessageReceivedSchema);
  const names = declared;
  return path
    .split("/")
    .map((segment, i) => (i === 0 || /^\d+$/.test(segment) || names.has(segment) ? segment : "*"))
    .join("/");
}

function declaredNames(schema: Schema, into = new Set<string>()): Set<string> {
  for (const [name, sub] of Object.entries(schema.properties ?? {})) {
    into.add(name);
    declaredNames(sub, into);
  }
  for (const sub of [...(schema.oneOf ?? []), ...(schema.items ? [schema.items] : []), ...(schema.not ? [schema.not] : [])]) declaredNames(sub, into);
  if (typeof schema.additionalProperties === "object") declaredNames(schema.additionalProperties, into);
  return into;
}
