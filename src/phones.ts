// Phones as people write them, to the E.164 digits Z-API takes, with libphonenumber-js;
// WhatsApp's Linked IDs (`NNN@lid`) are recognised and never read as phones. One module
// for the command and the client, so both read a number the same way.
//
// The "max" metadata: "min" checks only a number's length, so it passes numbers that
// cannot exist, such as (44) 09999-9999 in Brazil; "mobile" refuses landlines, where
// WhatsApp Business accounts live. "max" costs about 20 kB gzipped more than "min", in a
// chunk loaded by the first call that names a phone; the figures behind the choice are in
// docs/PERFORMANCE.md ("The phone metadata set"). Any kind of valid number is accepted,
// landlines too.
//
// Brazil writes numbers in ways libphonenumber does not read by itself, taken care of here:
// the carrier-code placeholder of long-distance dialling, `(0xx47) 97206-0080`, where `xx`
// stands for the carrier the caller picks; an area code that does not exist, named as such
// rather than blamed on the country code; a mobile written without its ninth digit; and
// the scientific notation a spreadsheet shows for a long number (`5,54499E+12`), whose last
// digits are gone.
import { isSupportedCountry, parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from "libphonenumber-js/max";

/** A phone, or why the text is not one; `hint`, when there is one, says how to fix it. */
export type PhoneResult = { readonly ok: true; readonly phone: string } | { readonly ok: false; readonly reason: string; readonly hint?: string };

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

/**
 * One key per person: a Brazilian mobile loses its ninth digit when the rest starts with 6
 * to 9, so 5544999999999 and 554499999999 (as WhatsApp lists an account from before the
 * ninth digit) share the key 554499999999; any other phone is its own key.
 */
export function personKey(phone: string): string {
  return /^55[1-9][0-9]9[6-9][0-9]{7}$/.test(phone) ? phone.slice(0, 4) + phone.slice(5) : phone;
}

export function isCountry(code: string): code is CountryCode {
  return isSupportedCountry(code);
}

// What a spreadsheet shows for a number too long for its column: 5,54499E+12 (pt-BR) or 5.54499E+12.
const SCIENTIFIC = /^[+-]?[0-9]+(?:[.,][0-9]+)?[eE][+]?[0-9]+$/;
// Long-distance dialling in Brazil: 0, the carrier's two digits (written xx when any will
// do), then the area code: "(0xx47) 97206-0080", "0xx 47 97206 0080", "0-XX-47 ...".
const CARRIER_PLACEHOLDER = /^(\(?)\s*0\s*[-.]?\s*[xX]\s*[xX]\s*[-.]?\s*/;
// Brazil's area codes (DDD), as Anatel lists them: 67 of 11 to 99.
const BR_AREA_CODES = new Set(
  "11 12 13 14 15 16 17 18 19 21 22 24 27 28 31 32 33 34 35 37 38 41 42 43 44 45 46 47 48 49 51 53 54 55 61 62 63 64 65 66 67 68 69 71 73 74 75 77 79 81 82 83 84 85 86 87 88 89 91 92 93 94 95 96 97 98 99".split(" "),
);

/**
 * `(44) 99999-9999` with country BR → `5544999999999`. A number written with `+` (or
 * with its country's own prefix, as 5544…) keeps its country; others get `country`.
 */
export function normalizePhone(raw: string, country: CountryCode): PhoneResult {
  let text = raw.trim();
  if (text === "") return { ok: false, reason: "no phone on this line" };
  if (isLinkedId(text)) return { ok: false, reason: "a WhatsApp Linked ID (@lid), not a phone: no phone can be read from it" };
  if (SCIENTIFIC.test(text)) {
    return {
      ok: false,
      reason: "a number in scientific notation, whose last digits the spreadsheet has already dropped",
      hint: "format the phone column as Text in the spreadsheet, type the numbers again, and export it again",
    };
  }
  if (country === "BR") text = text.replace(CARRIER_PLACEHOLDER, "$1");
  const parsed = parsePhoneNumberFromString(text, country);
  if (!parsed) {
    const area = brazilianForms(text, country);
    if (area) return area;
    const problem = validatePhoneNumberLength(text, country);
    return { ok: false, reason: (problem && LENGTH_PROBLEMS[problem]) ?? "not a phone number" };
  }
  const where = parsed.country ?? country;
  if (!parsed.isValid()) {
    const area = brazilianForms(text, country);
    if (area) return area;
    const problem = parsed.isPossible() ? undefined : validatePhoneNumberLength(text, country);
    const detail = problem && LENGTH_PROBLEMS[problem];
    return { ok: false, reason: detail ? `${detail} for a ${where} number` : `no such number in ${where}` };
  }
  // An extension means a switchboard: the number without it reaches someone else.
  if (parsed.ext) return { ok: false, reason: `has an extension (${parsed.ext}), which a WhatsApp number cannot have` };
  return { ok: true, phone: parsed.number.slice(1) };
}

// For a Brazilian number that did not validate: an area code that does not exist, or a
// mobile written with 8 digits, the form from before the ninth digit (2012 to 2016), which
// is read with it. Z-API takes numbers "with or without the ninth digit" and knows which
// one WhatsApp registered (docs/contacts/get-iswhatsapp-batch.md, whose examples have 12
// digits), and group metadata lists old accounts without it; one form for both keeps a
// person written both ways from being sent twice.
function brazilianForms(text: string, country: CountryCode): PhoneResult | undefined {
  if (!/^\+?[0-9\s().-]+$/.test(text)) return undefined;
  const digits = text.replace(/[^0-9]/g, "");
  let national: string | undefined;
  if (text.startsWith("+")) national = digits.startsWith("55") ? digits.slice(2) : undefined;
  else if (country !== "BR") national = undefined;
  else if ((digits.length === 12 || digits.length === 13) && digits.startsWith("55")) national = digits.slice(2);
  else if (digits.length === 10 || digits.length === 11) national = digits;
  else if ((digits.length === 11 || digits.length === 12) && digits.startsWith("0")) national = digits.slice(1);
  if (national === undefined || (national.length !== 10 && national.length !== 11)) return undefined;
  const area = national.slice(0, 2);
  if (!BR_AREA_CODES.has(area)) return { ok: false, reason: `area code ${area} does not exist in Brazil` };
  if (national.length === 10 && /^[6-9]/.test(national.slice(2))) {
    const today = parsePhoneNumberFromString(`+55${area}9${national.slice(2)}`);
    if (today?.isValid() && today.getType() === "MOBILE") return { ok: true, phone: today.number.slice(1) };
  }
  return undefined;
}
