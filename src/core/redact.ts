/** Replaces every secret, in every form a server or the network could give it back, by this. */
export const REDACTED = "[redacted]";
/** How deep a redacted copy of the server's JSON goes; deeper values are replaced. */
export const MAX_KEPT_DEPTH = 32;
const TOO_DEEP = "[nested too deep]";

/** Scrubs secrets from whatever the server or the network hands back to us. */
export interface Redactor {
  text(text: string): string;
  /**
   * Text that was cut before it could be redacted (a body read up to its limit): redacted,
   * and with any trailing start of a secret removed, so no piece of one survives the cut.
   */
  cutText(text: string): string;
  /** A deep copy of a parsed JSON value with every string scrubbed, `__proto__` kept as data. */
  json(value: unknown): unknown;
  /** A copy of an error and its `cause` chain (and `errors`) with every string scrubbed. */
  error(error: unknown): unknown;
}

export function createRedactor(secrets: readonly string[]): Redactor {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    const component = encodeURIComponent(secret);
    // Raw; percent-encoded as a path or a whole URL gives it; form-encoded; JSON-escaped.
    for (const form of [secret, component, encodeURI(secret), component.replaceAll("%20", "+"), JSON.stringify(secret).slice(1, -1)]) forms.add(form);
  }
  // Longest first, so a secret is never half-replaced by a shorter form of another. Case-blind:
  // percent-encoding may come back in lower case, and a server may fold a path's case.
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(sorted.map(escapeRegExp).join("|"), "gi");
  const lowerForms = sorted.map((form) => form.toLowerCase());
  const text = (value: string) => (forms.size === 0 ? value : value.replace(pattern, REDACTED));

  const cutText = (value: string) => {
    let out = text(value);
    const lower = out.toLowerCase();
    for (const form of lowerForms) {
      for (let k = Math.min(form.length - 1, lower.length); k > 0; k--) {
        if (lower.endsWith(form.slice(0, k))) {
          out = out.slice(0, out.length - k);
          break;
        }
      }
    }
    return out;
  };

  const json = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") return text(value);
    if (typeof value !== "object" || value === null) return value;
    if (depth >= MAX_KEPT_DEPTH) return TOO_DEEP;
    if (Array.isArray(value)) return value.map((item) => json(item, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(copy, text(key), { value: json(item, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  };

  const error = (value: unknown, depth: number): unknown => {
    if (!(value instanceof Error)) return json(value, depth);
    const copy = new Error(text(String(value.message)));
    Object.defineProperty(copy, "name", { value: text(String(value.name)), enumerable: false, configurable: true, writable: true });
    if (value.stack === undefined) delete copy.stack;
    else copy.stack = text(String(value.stack));
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
        (copy as unknown as { errors: unknown[] }).errors = errors.slice(0, 20).map((item) => error(item, depth + 1));
      }
    }
    return copy;
  };

  return { text, cutText, json: (value) => json(value, 0), error: (value) => error(value, 0) };
}

/** Cuts redacted text to `max` characters, saying how much was left out. */
export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
