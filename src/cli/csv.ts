// CSV as spreadsheets export it: comma, semicolon or tab separated, fields optionally
// quoted with "..." (a quote inside written as ""), quoted fields may span lines.

/** One record, with the line (1-based) it starts on, as an editor numbers lines. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/** A quoted field that is never closed: everything after it would be swallowed. */
export class CsvQuoteError extends Error {
  constructor(readonly line: number) {
    super(`line ${line}: a quoted field opens here and is never closed`);
  }
}

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

/** The separator of the first line, outside quotes: the most frequent of , ; and tab, or none. */
export function detectDelimiter(firstLine: string): "," | ";" | "\t" | undefined {
  const counts = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const char of firstLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char in counts) counts[char as keyof typeof counts]++;
  }
  const [best, count] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0]!;
  return count > 0 ? (best as "," | ";" | "\t") : undefined;
}

/** Every record of `text`, in order. Throws {@link CsvQuoteError} on an unclosed quote. */
export function parseCsv(text: string, delimiter: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const sep = delimiter.charCodeAt(0);
  const length = text.length;
  let line = 1;
  let i = 0;
  while (i < length) {
    const start = line;
    const fields: string[] = [];
    // One record: fields until an unquoted line end or the end of the text.
    for (;;) {
      let field = "";
      // Leading spaces before an opening quote are allowed, as some exports write them.
      let j = i;
      while (j < length && text.charCodeAt(j) === 32) j++;
      if (j < length && text.charCodeAt(j) === QUOTE) {
        const openedOn = line;
        i = j + 1;
        for (;;) {
          const close = text.indexOf('"', i);
          if (close === -1) throw new CsvQuoteError(openedOn);
          const chunk = text.slice(i, close);
          field += chunk;
          line += countLineEnds(chunk);
          if (text.charCodeAt(close + 1) === QUOTE) {
            field += '"';
            i = close + 2;
          } else {
            i = close + 1;
            break;
          }
        }
        // Anything between the closing quote and the separator is kept, as spreadsheets do.
        const end = nextBoundary(text, i, sep);
        field += text.slice(i, end);
        i = end;
      } else {
        const end = nextBoundary(text, i, sep);
        field = text.slice(i, end);
        i = end;
      }
      fields.push(field);
      const code = i < length ? text.charCodeAt(i) : -1;
      if (code === sep) {
        i++;
        continue;
      }
      // A line end (\n, \r\n or a lone \r) or the end of the text closes the record.
      if (code === CR) i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      else if (code === LF) i++;
      line++;
      break;
    }
    records.push({ line: start, fields });
  }
  return records;
}

function nextBoundary(text: string, from: number, sep: number): number {
  let i = from;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === sep || code === LF || code === CR) break;
  }
  return i;
}

function countLineEnds(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === LF) count++;
    else if (code === CR && text.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}

/**
 * One field for a CSV we write: quoted when it needs to be. A value a spreadsheet would
 * run as a formula (=, @, or + and - not followed by a phone-like rest) gets a leading
 * apostrophe: a sign-up sheet is written by strangers.
 */
export function csvField(value: string | number | undefined): string {
  let text = value === undefined ? "" : String(value);
  if (/^[=@\t\r]/.test(text) || (/^[+-]/.test(text) && !/^[+-][\d\s().-]*$/.test(text))) text = `'${text}`;
  return /[",\r\n;]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
