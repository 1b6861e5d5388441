import { ZApiError } from "../errors/zapi-error.js";
import type { Schema } from "./schema.js";

/** How a phone of the input is read: the digits to send, or why it cannot be sent. */
export type ReadPhone = (written: string) => string | { readonly problem: string };

type PhonesModule = typeof import("../phones.js");

// libphonenumber-js and its metadata are loaded by the first call that names a phone, not
// by importing the client: most of the package's weight, and many calls never need it.
let loading: Promise<PhonesModule> | undefined;

/** The phone reader for `defaultCountry`, once the phone module is loaded. */
export async function phoneReader(defaultCountry: string | undefined): Promise<ReadPhone> {
  const phones = await (loading ??= import("../phones.js"));
  if (defaultCountry !== undefined && !phones.isCountry(defaultCountry)) {
    throw new ZApiError(`\`defaultCountry\` ${JSON.stringify(defaultCountry)} is not a country libphonenumber-js knows: use an ISO 3166 code such as "BR", "PT" or "US"`);
  }
  const country = defaultCountry as Parameters<PhonesModule["normalizePhone"]>[1] | undefined;
  return (written) => {
    // A Linked ID is never read as a phone: it goes out exactly as written.
    if (phones.isLinkedId(written)) return written;
    const text = written.trim();
    let international = text;
    if (country === undefined) {
      // Digits alone are Z-API's own format: an international number without its "+".
      if (/^[0-9]+$/.test(text)) international = `+${text}`;
      else if (!text.startsWith("+")) {
        return {
          problem:
            "is written without its country code, and no defaultCountry says which country it is in: write it as +55 44 99999-9999 or 5544999999999, " +
            'or pass defaultCountry (or set ZAPI_DEFAULT_COUNTRY), such as "BR", to read national numbers',
        };
      }
    }
    // With "+", the country the number names wins; the second argument only words messages.
    const read = phones.normalizePhone(international, country ?? "US");
    if (read.ok) return read.phone;
    // Without a default country, the reason names none but the number's own.
    const reason = country === undefined ? read.reason.replace(/ (for a US number|in US)$/, "") : read.reason;
    return { problem: `is not a phone that can exist: ${reason}${read.hint ? `; ${read.hint}` : ""}` };
  };
}

const hasPhones = new WeakMap<Schema, boolean>();

/** Whether a schema names a phone anywhere (`x-zapi-phone`), so its calls need the reader. */
export function namesPhones(schema: Schema): boolean {
  let found = hasPhones.get(schema);
  if (found === undefined) {
    const subs = [...Object.values(schema.properties ?? {}), ...(schema.oneOf ?? []), ...(schema.anyOf ?? []), schema.items, typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined];
    found = schema.phone === true || subs.some((sub) => sub !== undefined && namesPhones(sub));
    hasPhones.set(schema, found);
  }
  return found;
}
