// Phones as people write them, to the E.164 digits Z-API takes, with libphonenumber-js;
// WhatsApp's Linked IDs (`NNN@lid`) are recognised and never read as phones. One module
// for the command and the client, so both read a number the same way.
//
// The "max" metadata: "min" checks only a number's length, so it passes numbers that
// cannot exist, such as (44) 09999-9999 in Brazil; "mobile" refuses landlines, where
// WhatsApp Business accounts live. "max" is ~15% slower than "min" here (100,000
// numbers in about 2.3 s against 2.0 s; "mobile" took 4.2 s): see the README. Any kind
// of valid number is accepted, landlines too: WhatsApp Business accounts sit on them.
import { isSupportedCountry, parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from "libphonenumber-js/max";

export type PhoneResult = { readonly ok: true; readonly phone: string } | { readonly ok: false; readonly reason: string };

const LENGTH_PROBLEMS: Record<string, string> = {
  NOT_A_NUMBER: "not a phone number",
  INVALID_COUNTRY: "unknown country calling code",
  TOO_SHORT: "too short",
  TOO_LONG: "too long",
  INVALID_LENGTH: "wrong number of digits",
};

/** WhatsApp's Linked ID: digits, then `@lid` (docs/tips/lid.md). There is no way to turn one into a phone. */
export const LINKED_ID = /^[0-9]+@lid$/;

export function isLinkedId(text: string): boolean {
  return LINKED_ID.test(text);
}

/** Whether E.164 digits are a mobile number (or one that may be mobile or fixed). */
export function isMobile(digits: string): boolean {
  const type = parsePhoneNumberFromString(`+${digits}`)?.getType();
  return type === "MOBILE" || type === "FIXED_LINE_OR_MOBILE";
}

export function isCountry(code: string): code is CountryCode {
  return isSupportedCountry(code);
}

/**
 * `(44) 99999-9999` with country BR → `5544999999999`. A number written with `+` (or
 * with its country's own prefix, as 5544…) keeps its country; others get `country`.
 */
export function normalizePhone(raw: string, country: CountryCode): PhoneResult {
  const text = raw.trim();
  if (text === "") return { ok: false, reason: "no phone on this line" };
  const parsed = parsePhoneNumberFromString(text, country);
  if (!parsed) {
    const problem = validatePhoneNumberLength(text, country);
    return { ok: false, reason: (problem && LENGTH_PROBLEMS[problem]) ?? "not a phone number" };
  }
  const where = parsed.country ?? country;
  if (!parsed.isValid()) {
    const problem = parsed.isPossible() ? undefined : validatePhoneNumberLength(text, country);
    const detail = problem && LENGTH_PROBLEMS[problem];
    return { ok: false, reason: detail ? `${detail} for a ${where} number` : `no such number in ${where}` };
  }
  // An extension means a switchboard: the number without it reaches someone else.
  if (parsed.ext) return { ok: false, reason: `has an extension (${parsed.ext}), which a WhatsApp number cannot have` };
  return { ok: true, phone: parsed.number.slice(1) };
}
