// Reads the list: a CSV whose header names the phone column, or one phone per line. The
// file is read in chunks, twice at most (once to plan, once to write the report), so a
// list of millions of lines never sits in memory whole.
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { CsvQuoteError, CsvRecordTooLongError, CsvSplitter, detectDelimiter, type CsvRecord, type Delimiter } from "./csv.js";
import { showCell } from "./terminal.js";

/** A line of the input that holds a phone (or should), with every field of its row. */
export interface InputRow {
  /** The line it starts on, 1-based, counting the header. */
  readonly line: number;
  /** The phone cell, trimmed; may be empty when the row has none. */
  readonly raw: string;
  /** The row's fields as written; for a one-phone-per-line file, the line. */
  readonly fields: readonly string[];
}

export interface InputShape {
  readonly path: string;
  readonly delimiter: Delimiter | undefined;
  /** The file starts with a UTF-8 byte order mark. */
  readonly bom: boolean;
  /** The header's fields as written; empty for a one-phone-per-line file without one. */
  readonly headers: readonly string[];
  /** The header's line, when there is one. */
  readonly headerLine: number | undefined;
  /** How the file was read, for the plan: "the column "Telefone" of a semicolon-separated file". */
  readonly description: string;
}

export interface InputList {
  readonly shape: InputShape;
  /** Reads the file again from the start; every data row, in order. */
  rows(): Generator<InputRow>;
}

/** The input cannot be read as a list of phones: exit 2, nothing sent. */
export class InputError extends Error {}

/** The largest file read: a list of 2,000,000 sign-ups with a dozen columns is ~300 MB. */
export const MAX_INPUT_BYTES = 1024 ** 3;
const CHUNK_BYTES = 16 * 1024;

// Header names taken as the phone column, compared lower-case without accents or punctuation.
const PHONE_HEADERS = new Set([
  "phone", "phones", "phone number", "phonenumber", "mobile", "mobile phone", "mobile number", "cell", "cellphone",
  "cell phone", "telephone", "tel", "whatsapp", "whats app", "whatsapp number", "msisdn", "e164", "number",
  "telefone", "telefones", "celular", "celulares", "fone", "numero", "numero de telefone", "telefone celular",
  "numero do whatsapp", "numero whatsapp", "telefono", "movil",
]);

const SEPARATOR_NAMES: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };

/** Opens the file and reads as much of it as it takes to find the header and the phone column. */
export function readInput(path: string, column?: string, maxBytes = MAX_INPUT_BYTES): InputList {
  const first = firstLine(path, maxBytes);
  const delimiter = first.text === undefined ? undefined : detectDelimiter(first.text);
  const splitter = () => new CsvSplitter(delimiter);
  // The header: the first record that is not blank.
  let header: CsvRecord | undefined;
  for (const record of records(path, maxBytes, splitter)) {
    if (!isBlank(record.fields)) {
      header = record;
      break;
    }
  }
  if (header === undefined) throw new InputError("The file is empty: it holds no phone");
  return delimiter === undefined ? lineList(path, maxBytes, first.bom, header, column, splitter) : csvList(path, maxBytes, first.bom, delimiter, header, column, splitter);
}

// One phone per line; a first line without any digit is a header ("phone").
function lineList(path: string, maxBytes: number, bom: boolean, first: CsvRecord, column: string | undefined, splitter: () => CsvSplitter): InputList {
  const header = first.fields[0]!.trim();
  const hasHeader = column !== undefined || !/\d/.test(header);
  if (column !== undefined && headerKey(header) !== headerKey(column)) {
    throw new InputError(`--column ${showCell(column)}: the file has one column, headed ${showCell(header)}`);
  }
  const headerLine = hasHeader ? first.line : undefined;
  return {
    shape: {
      path,
      delimiter: undefined,
      bom,
      headers: hasHeader ? [header] : [],
      headerLine,
      description: hasHeader ? `one phone per line, under the header ${showCell(header)}` : "one phone per line, no header",
    },
    *rows() {
      for (const record of records(path, maxBytes, splitter)) {
        if (headerLine !== undefined && record.line <= headerLine) continue;
        const raw = record.fields[0]!.trim();
        if (raw !== "") yield { line: record.line, raw: unquote(raw), fields: [raw] };
      }
    },
  };
}

function csvList(path: string, maxBytes: number, bom: boolean, delimiter: Delimiter, header: CsvRecord, column: string | undefined, splitter: () => CsvSplitter): InputList {
  const headers = header.fields.map((name) => name.trim());
  const shown = headers.map((name) => showCell(name)).join(", ");
  let index: number;
  if (column !== undefined) {
    index = headers.findIndex((name) => headerKey(name) === headerKey(column));
    if (index === -1) throw new InputError(`--column ${showCell(column)} is not a column of the header on line ${header.line}: ${shown}`);
  } else {
    const matches = headers.flatMap((name, i) => (PHONE_HEADERS.has(headerKey(name)) ? [i] : []));
    if (matches.length === 0) {
      throw new InputError(
        `Cannot tell which column holds the phones: the header on line ${header.line} is ${shown}. ` + `Name it with --column NAME (the file needs a header line naming its columns).`,
      );
    }
    if (matches.length > 1) {
      throw new InputError(`More than one column looks like the phone column: ${matches.map((i) => showCell(headers[i]!)).join(" and ")}. Choose one with --column NAME.`);
    }
    index = matches[0]!;
  }
  return {
    shape: {
      path,
      delimiter,
      bom,
      headers: header.fields,
      headerLine: header.line,
      description: `the column ${showCell(headers[index]!)} of a ${SEPARATOR_NAMES[delimiter]}-separated file`,
    },
    *rows() {
      for (const record of records(path, maxBytes, splitter)) {
        if (record.line <= header.line || isBlank(record.fields)) continue;
        yield { line: record.line, raw: (record.fields[index] ?? "").trim(), fields: record.fields };
      }
    },
  };
}

// The records of the file, read in chunks; errors become InputErrors naming the line.
function* records(path: string, maxBytes: number, splitter: () => CsvSplitter): Generator<CsvRecord> {
  const split = splitter();
  try {
    for (const text of decoded(path, maxBytes)) yield* split.push(text);
    yield* split.end();
  } catch (error) {
    if (error instanceof CsvQuoteError || error instanceof CsvRecordTooLongError) throw new InputError(`${path}: ${error.message}`);
    throw error;
  }
}

// The first line, to choose the separator; undefined when the file is empty.
function firstLine(path: string, maxBytes: number): { text: string | undefined; bom: boolean } {
  let text = "";
  let bom = false;
  for (const chunk of decoded(path, maxBytes, (b) => (bom = b))) {
    text += chunk;
    const end = text.search(/\r|\n/);
    if (end !== -1) return { text: text.slice(0, end), bom };
    if (text.length > 1024 * 1024) break;
  }
  return { text: text === "" ? undefined : text, bom };
}

// UTF-8 text, chunk by chunk, with or without a byte order mark (which is dropped).
// Anything else is refused with the first line that is not UTF-8.
function* decoded(path: string, maxBytes: number, onBom?: (bom: boolean) => void): Generator<string> {
  const fd = open(path, maxBytes);
  try {
    const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let first = true;
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      let bytes = buffer.subarray(0, read);
      if (first) {
        const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
        onBom?.(bom);
        if (bom) bytes = bytes.subarray(3);
        first = false;
      }
      let text: string;
      try {
        text = decoder.decode(bytes, { stream: read > 0 });
      } catch {
        throw new InputError(`${path} is not UTF-8 (line ${firstBadLine(path)} is the first that is not). Save it as "CSV UTF-8" and run again.`);
      }
      if (text !== "") yield text;
      if (read === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}

function open(path: string, maxBytes: number): number {
  let fd: number;
  try {
    // Non-blocking: a FIFO nobody writes to would block a plain open, and the run with it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new InputError(`Cannot read --file ${showCell(path)}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (error as Error).message}`);
  }
  const stat = fstatSync(fd);
  if (stat.isDirectory() || !stat.isFile()) {
    closeSync(fd);
    throw new InputError(`Cannot read --file ${showCell(path)}: ${stat.isDirectory() ? "it is a directory" : "it is not a regular file (the list is read twice: once to plan, once for the report)"}`);
  }
  if (stat.size > maxBytes) {
    closeSync(fd);
    throw new InputError(`--file ${showCell(path)} is too large to read: ${formatBytes(stat.size)}, and the command reads lists up to ${formatBytes(maxBytes)}. Split it into smaller lists.`);
  }
  return fd;
}

// The line of the first byte that is not UTF-8, read again leniently: only on the error path.
function firstBadLine(path: string): number {
  const fd = openSync(path, "r");
  try {
    const decoder = new TextDecoder("utf-8");
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let line = 1;
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      const text = decoder.decode(buffer.subarray(0, read), { stream: read > 0 });
      const bad = text.indexOf("\uFFFD");
      line += (bad === -1 ? text : text.slice(0, bad)).split(/\r\n|\n|\r/).length - 1;
      if (bad !== -1 || read === 0) return line;
    }
  } finally {
    closeSync(fd);
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${Math.ceil(bytes / 1024 ** 2)} MiB`;
}

function headerKey(name: string): string {
  return name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
}

function isBlank(fields: readonly string[]): boolean {
  return fields.every((field) => field.trim() === "");
}

function unquote(raw: string): string {
  return raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1).replaceAll('""', '"').trim() : raw;
}
