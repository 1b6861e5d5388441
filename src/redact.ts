/** Replaces every secret, raw or percent-encoded as it appears in a URL, by this. */
export const REDACTED = "[redacted]";

/** Scrubs secrets from whatever the server or the network hands back to us. */
export interface Redactor {
  text(text: string): string;
  /** A deep copy of a parsed JSON value with every string scrubbed. */
  json(value: unknown): unknown;
  /** A copy of an error and its `cause` chain (and `errors`) with every string scrubbed. */
  error(error: unknown): unknown;
}

export function createRedactor(secrets: readonly string[]): Redactor {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(encodeURI(secret));
  }
  // Longest first, so a secret is never half-replaced by a shorter form of another.
  const pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"), "g");
  const text = (value: string) => (forms.size === 0 ? value : value.replace(pattern, REDACTED));

  const json = (value: unknown): unknown => {
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return value.map(json);
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [text(key), json(item)]));
    }
    return value;
  };

  const error = (value: unknown, depth = 0): unknown => {
    if (!(value instanceof Error)) return depth > 8 ? undefined : json(value);
    const copy = new Error(text(value.message));
    Object.defineProperty(copy, "name", { value: text(value.name), enumerable: false, configurable: true, writable: true });
    copy.stack = value.stack === undefined ? undefined : text(value.stack);
    for (const [key, item] of Object.entries(value)) {
      if (key === "errors" || key === "cause") continue;
      // Primitive details only (code, errno, syscall, port): objects may hold sockets or requests.
      if (item === null || typeof item !== "object") {
        (copy as unknown as Record<string, unknown>)[key] = typeof item === "string" ? text(item) : item;
      }
    }
    if (depth < 8) {
      if (value.cause !== undefined) copy.cause = error(value.cause, depth + 1);
      const errors = (value as { errors?: unknown }).errors;
      if (Array.isArray(errors)) {
        (copy as unknown as { errors: unknown[] }).errors = errors.map((item) => error(item, depth + 1));
      }
    }
    return copy;
  };

  return { text, json, error: (value) => error(value) };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
