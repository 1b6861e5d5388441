// What the command echoes of a file on a terminal: cut to a sane length, with every
// character that could move the cursor, rewrite the line or reorder it shown as an escape.
// A sign-up sheet is written by strangers: a cell holding "\x1b[2J" or U+202E (right-to-left
// override) must not clear the screen or make "+55 11 9…" read backwards.

/** The most characters of one cell shown; the rest is cut, and the cut says so. */
export const SHOWN_CHARACTERS = 80;

// C0 and DEL, C1, the bidi controls (embeddings and overrides U+202A-E, isolates
// U+2066-9, the marks U+200E/F and U+061C), the line and paragraph separators, zero-width
// characters and the byte order mark.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** `text` as a quoted, one-line, visible string: "Ana \u202Egnp.exe", cut after 80 characters. */
export function showCell(text: string, max = SHOWN_CHARACTERS): string {
  const characters = Array.from(text);
  const cut = characters.length > max;
  const kept = cut ? characters.slice(0, max).join("") : text;
  const visible = kept.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replace(INVISIBLE, (char) => `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);
  return `"${visible}"${cut ? `… (${characters.length.toLocaleString("en-US")} characters)` : ""}`;
}

// The same, minus the line feed: messages keep their lines.
const INVISIBLE_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** A message for the terminal with every invisible character but the line feed shown as an escape (a server's text may hold any). */
export function visibleLines(text: string): string {
  return text.replace(INVISIBLE_BUT_LF, (char) => `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);
}
