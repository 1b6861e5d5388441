// CSV as spreadsheets export it: comma, semicolon or tab separated, fields optionally
// quoted with "..." (a quote inside written as ""), quoted fields may span lines. Read in
// chunks, so a list of millions of lines never sits in memory whole.

/** One record, with the line (1-based) it starts on, as an editor numbers lines. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

export type Delimiter = "," | ";" | "\t";

/** A quoted field that is never closed: everything after it would be swallowed. */
export class CsvQuoteError extends Error {
  constructor(readonly line: number) {
    super(`line ${line}: a quoted field opens here and is never closed`);
  }
}

/** A record longer than any list's: the file is not a list, or a quote is never closed. */
export class CsvRecordTooLongError extends Error {
  constructor(
    readonly line: number,
    readonly limit: number,
  ) {
    super(`line ${line} holds more than ${Math.round(limit / 1024)} KiB before its end: this is not a list of phones, or a quoted field opens there and is never closed`);
  }
}

const QUOTE = 34; // "
const LF = 10;
const CR = 13;
const SPACE = 32;

/** The longest record read: a sign-up row is a few hundred characters. */
export const MAX_RECORD_CHARS = 1024 * 1024;

/** The separator of the first line, outside quotes: the most frequent of , ; and tab, or none. */
export function detectDelimiter(firstLine: string): Delimiter | undefined {
  const counts = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const char of firstLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char in counts) counts[char as keyof typeof counts]++;
  }
  const [best, count] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0]!;
  return count > 0 ? (best as Delimiter) : undefined;
}

/**
 * Splits text fed in pieces into records. `push` returns the records the text so far
 * completes; `end` the last one. With no delimiter, each line is one field, as written.
 */
export class CsvSplitter {
  private pending = "";
  private line = 1;
  private readonly sep: number;

  constructor(
    delimiter: Delimiter | undefined,
    private readonly maxRecord = MAX_RECORD_CHARS,
  ) {
    this.sep = delimiter === undefined ? -1 : delimiter.charCodeAt(0);
  }

  push(text: string): CsvRecord[] {
    this.pending += text;
    return this.drain(false);
  }

  end(): CsvRecord[] {
    return this.drain(true);
  }

  private drain(final: boolean): CsvRecord[] {
    const records: CsvRecord[] = [];
    const text = this.pending;
    let i = 0;
    while (i < text.length) {
      const parsed = this.sep === -1 ? readLine(text, i, final) : readRecord(text, i, this.sep, final, this.line);
      if (parsed === undefined) break;
      records.push({ line: this.line, fields: parsed.fields });
      this.line += parsed.lines;
      i = parsed.end;
    }
    this.pending = text.slice(i);
    if (this.pending.length > this.maxRecord) throw new CsvRecordTooLongError(this.line, this.maxRecord);
    return records;
  }
}

interface Parsed {
  readonly fields: string[];
  /** Where the next record starts. */
  readonly end: number;
  /** Line ends consumed, the record's own included. */
  readonly lines: number;
}

// One line, as a single field; undefined when its end is not in `text` yet.
function readLine(text: string, from: number, final: boolean): Parsed | undefined {
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === LF || code === CR) break;
    i++;
  }
  if (i === text.length) return final ? { fields: [text.slice(from)], end: i, lines: 1 } : undefined;
  const field = text.slice(from, i);
  if (text.charCodeAt(i) === CR) {
    if (i + 1 === text.length && !final) return undefined; // a \r\n cut between two pieces
    return { fields: [field], end: text.charCodeAt(i + 1) === LF ? i + 2 : i + 1, lines: 1 };
  }
  return { fields: [field], end: i + 1, lines: 1 };
}

// One record: fields until an unquoted line end or the end of the text; undefined when
// the record may go on in text not read yet.
function readRecord(text: string, from: number, sep: number, final: boolean, startLine: number): Parsed | undefined {
  const length = text.length;
  const fields: string[] = [];
  let lines = 0;
  let i = from;
  for (;;) {
    let field = "";
    // Leading spaces before an opening quote are allowed, as some exports write them.
    let j = i;
    while (j < length && text.charCodeAt(j) === SPACE) j++;
    if (j < length && text.charCodeAt(j) === QUOTE) {
      i = j + 1;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close === -1 || (close + 1 === length && !final)) {
          if (final) throw new CsvQuoteError(startLine + lines);
          return undefined;
        }
        const chunk = text.slice(i, close);
        field += chunk;
        lines += countLineEnds(chunk);
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
    if (i === length) {
      if (!final) return undefined;
      return { fields, end: i, lines: lines + 1 };
    }
    const code = text.charCodeAt(i);
    if (code === sep) {
      i++;
      continue;
    }
    // A line end (\n, \r\n or a lone \r) closes the record.
    if (code === CR) {
      if (i + 1 === length && !final) return undefined;
      i += text.charCodeAt(i + 1) === LF ? 2 : 1;
    } else i++;
    return { fields, end: i, lines: lines + 1 };
  }
}

/** Every record of `text`, in order. Throws {@link CsvQuoteError} on an unclosed quote. */
export function parseCsv(text: string, delimiter: Delimiter): CsvRecord[] {
  const splitter = new CsvSplitter(delimiter, Infinity);
  return [...splitter.push(text), ...splitter.end()];
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
  return /[",\r\n;\t]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
