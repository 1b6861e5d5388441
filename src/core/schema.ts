/**
 * The run-time form of a spec schema: exactly the keywords scripts/generate.mjs lets
 * through (it refuses any other), so no rule of the spec can be silently skipped.
 */
export type JsonType = "object" | "array" | "string" | "boolean" | "number" | "integer" | "null";

export interface Schema {
  /** Kept by the generator only where a message shows it: a oneOf or anyOf form's, a 200 answer's. */
  readonly title?: string;
  readonly type?: JsonType | readonly JsonType[];
  readonly properties?: { readonly [name: string]: Schema };
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | Schema;
  readonly oneOf?: readonly Schema[];
  readonly anyOf?: readonly Schema[];
  readonly not?: Schema;
  readonly items?: Schema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  /** Only `uri`: an absolute URI, as RFC 3986 writes it. */
  readonly format?: "uri";
  readonly minimum?: number;
  readonly maximum?: number;
  /** The spec's first example of a `pattern` schema, shown when the pattern refuses a value. */
  readonly example?: unknown;
  /** `x-zapi-phone`: reduce `+55 (44) 99999-9999` to digits before checking. */
  readonly phone?: true;
  /** `x-zapi-dedupe`: drop repeated items, keeping the first, before sending. */
  readonly dedupe?: true;
}

/** One way a value breaks its schema. */
export interface Problem {
  /** JSON Pointer to the offending value, such as `/phones/2`; `""` is the whole input. */
  readonly path: string;
  readonly message: string;
  /** The offending value, when there is one (a missing property has none). */
  readonly value?: unknown;
}
