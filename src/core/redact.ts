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
  /** A body as read: redacted, through {@link cutText} when the read was cut at its limit. */
  read(body: { readonly text: string; readonly truncated: boolean }): string;
  /** A deep copy of a parsed JSON value with every string scrubbed, `__proto__` kept as data. */
  json(value: unknown): unknown;
  /** A copy of an error and its `cause` chain (and `errors`) with every string scrubbed. */
  error(error: unknown): unknown;
}

export function createRedactor(secrets: readonly string[]): Redactor {
  // Encoders differ on which characters they escape (encodeURIComponent leaves ! ' ( ) * ~,
  // a form encoder does not; Python's json escapes every non-ASCII character, PHP's every /),
  // so no list of whole forms covers them: each character of a secret is matched in each of
  // its forms, in any mix. Case-blind: hex comes back in either case, and a server may fold
  // a path's case. Longest first, so a secret is never half-replaced as a shorter one.
  const kept = secrets.filter(Boolean).sort((a, b) => b.length - a.length);
  const chars = kept.map((secret) => [...secret].map(charForms));
  // Base64 does not encode a character at a time, so it is matched whole: a server may
  // quote a Basic credential ("instance:token") or a state parameter it encoded.
  // Case matters there (base64 upper-cased decodes to something else), and a pattern of its
  // own keeps the case-blind one fast.
  const encoded = [...new Set(kept.flatMap(base64Cores))];
  const pattern = chars.length > 0 ? new RegExp(chars.map((secret) => secret.map(anyOf).join("")).join("|"), "gi") : undefined;
  const encodedPattern = encoded.length > 0 ? new RegExp(encoded.map(escapeRegExp).join("|"), "g") : undefined;
  const text = (value: string) => {
    const out = pattern ? value.replace(pattern, REDACTED) : value;
    return encodedPattern ? out.replace(encodedPattern, REDACTED) : out;
  };

  // The start of a secret at the very end of a cut text, down to part of one character's
  // form ("%C", "\\u00"), and any U+FFFD a cut through a UTF-8 sequence left after it.
  // Built on first use: most clients never cut a body.
  let tail: { pattern: RegExp; reach: number } | undefined;
  const cutText = (value: string) => {
    const out = text(value);
    if (chars.length === 0) return out;
    tail ??= {
      pattern: new RegExp(`(?:${[...chars.map(startOf), ...encoded.map(startOfText)].join("|")})\uFFFD*$`, "i"),
      reach: Math.max(...chars.map((secret) => secret.reduce((sum, forms) => sum + Math.max(...forms.map((form) => form.length)), 0)), ...encoded.map((core) => core.length)) + 8,
    };
    // Only the end can hold a cut secret: no need to search further back than one reaches.
    const from = Math.max(0, out.length - tail.reach);
    const match = tail.pattern.exec(out.slice(from));
    return match ? out.slice(0, from + match.index) : out;
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

  const read = (body: { readonly text: string; readonly truncated: boolean }) => (body.truncated ? cutText(body.text) : text(body.text));
  return { text, cutText, read, json: (value) => json(value, 0), error: (value) => error(value, 0) };
}

/**
 * A redactor over credentials as the client sends them: trimmed, as it trims them. A value
 * shorter than `minLength` would blank out ordinary words and hides nothing, and half a
 * surrogate pair cannot be encoded, so cannot come back: both are left out.
 */
export function credentialRedactor(values: readonly unknown[], minLength: number): Redactor {
  return createRedactor(values.flatMap((value) => (typeof value === "string" && value.trim().length >= minLength && !/\p{Cs}/u.test(value) ? [value.trim()] : [])));
}

/** Cuts redacted text to `max` characters, saying how much was left out. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  // A copy, not a slice: V8 keeps the whole string a slice was taken from alive, so an error
  // holding 2,000 characters of an 8 MiB body held the 8 MiB as long as it lived.
  return JSON.parse(JSON.stringify(`${text.slice(0, max)}… (${text.length - max} more characters)`)) as string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// Escapes that stand for one character: JSON's short ones, JSON Pointer's (problem paths
// escape a property name so), HTML's (an error page escapes the URL it quotes).
const ESCAPES: Readonly<Record<string, readonly string[]>> = {
  '"': ['\\"', "&quot;", "&#34;"],
  "\\": ["\\\\"],
  "/": ["\\/", "~1"],
  "~": ["~0"],
  "&": ["&amp;"],
  "<": ["&lt;"],
  ">": ["&gt;"],
  "'": ["&apos;"],
  " ": ["+"],
};

/** Every form one character of a secret may come back in. */
function charForms(char: string): string[] {
  // Its escapes in either case too: a server may fold a path's case, then encode it
  // ("ö" as "\u00D6" or "%C3%96"). A case that is not one character ("ß" is "SS") is left out.
  const cases = [char, char.toLowerCase(), char.toUpperCase()].filter((one) => [...one].length === 1);
  return [...new Set(cases.flatMap(oneCaseForms))];
}

function oneCaseForms(char: string): string[] {
  const hex = (code: number, width: number) => code.toString(16).toUpperCase().padStart(width, "0");
  const code = char.charCodeAt(0);
  // Percent-encoded, every UTF-8 byte; JSON-escaped as \uXXXX, each UTF-16 unit.
  const percent = code < 0x80 ? `%${hex(code, 2)}` : encodeURIComponent(char);
  // Encoded twice, as an error page does that quotes an encoded URL.
  const twice = percent.replaceAll("%", "%25");
  const unicode = `\\u${hex(code, 4)}${char.length > 1 ? `\\u${hex(char.charCodeAt(1), 4)}` : ""}`;
  return [...new Set([char, percent, twice, unicode, ...(ESCAPES[char] ?? []), ...entities(char)])];
}

// HTML's numeric references for the characters HTML escapers replace, as they write them:
// decimal, zero-padded decimal (PHP's htmlspecialchars writes ' as &#039;), or hex (&#x2F;).
function entities(char: string): string[] {
  if (!"&<>\"'`=/".includes(char)) return [];
  const point = char.charCodeAt(0);
  return [`&#${point};`, `&#${String(point).padStart(3, "0")};`, `&#x${point.toString(16)};`];
}

/** The fewest characters of a base64 form worth matching: shorter runs occur by chance. */
const MIN_BASE64_RUN = 8;

/**
 * What stays the same of a secret's base64 wherever it sits in the encoded bytes: the
 * characters made of its bits alone, at each of the three byte offsets, in both alphabets.
 * The one or two characters at each end that share bits with its neighbours differ from
 * text to text; the few bits they hold are no use to anyone.
 */
function base64Cores(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    let binary = "\0".repeat(offset);
    for (const byte of bytes) binary += String.fromCharCode(byte);
    const core = btoa(binary).slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    if (core.length >= MIN_BASE64_RUN) cores.push(core, core.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return cores;
}

// A proper, non-empty start of `text`: its first character, then perhaps the next, and so on.
function startOfText(text: string): string {
  let rest = "";
  for (let i = text.length - 2; i >= 0; i--) rest = escapeRegExp(text[i]!) + (rest ? `(?:${rest})?` : "");
  return rest;
}

function anyOf(forms: readonly string[]): string {
  return `(?:${forms.map(escapeRegExp).join("|")})`;
}

// A non-empty start of a secret: whole characters, each in any of its forms, then perhaps
// a proper start of one form of the next character. Never the whole secret: that is redacted.
function startOf(secret: readonly string[][]): string {
  let rest = "";
  for (let i = secret.length - 1; i >= 0; i--) {
    const forms = secret[i] as string[];
    const partial = [...new Set(forms.flatMap((form) => Array.from({ length: form.length - 1 }, (_, k) => form.slice(0, k + 1))))];
    const choices = [...(i < secret.length - 1 ? [`${anyOf(forms)}(?:${rest})?`] : []), ...partial.map(escapeRegExp)];
    rest = choices.length > 0 ? choices.join("|") : "(?!)";
  }
  return rest;
}
