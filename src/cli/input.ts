// Reads the list: a CSV whose header names the phone column, or one phone per line.
import { readFileSync } from "node:fs";
import { CsvQuoteError, detectDelimiter, parseCsv } from "./csv.js";

/** A line of the input that holds a phone, as written. */
export interface InputRecord {
  /** The line it starts on, 1-based, counting the header. */
  readonly line: number;
  /** The phone cell, trimmed; may be empty when the row has none. */
  readonly raw: string;
}

export interface InputList {
  readonly records: InputRecord[];
  /** How the file was read, for the plan: "phone column \"Telefone\" (semicolon-separated)". */
  readonly description: string;
}

/** The input cannot be read as a list of phones: exit 2, nothing sent. */
export class InputError extends Error {}

// Header names taken as the phone column, compared lower-case without accents or punctuation.
const PHONE_HEADERS = new Set([
  "phone", "phones", "phone number", "phonenumber", "mobile", "mobile phone", "mobile number", "cell", "cellphone",
  "cell phone", "telephone", "tel", "whatsapp", "whats app", "whatsapp number", "msisdn", "e164", "number",
  "telefone", "telefones", "celular", "celulares", "fone", "numero", "numero de telefone", "telefone celular",
  "numero do whatsapp", "numero whatsapp", "telefono", "movil",
]);

const SEPARATOR_NAMES: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };

/** Reads and splits the file. `column` names the phone column of a CSV. */
export function readInput(path: string, column?: string): InputList {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new InputError(`Cannot read --file ${JSON.stringify(path)}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (error as Error).message}`);
  }
  const text = decodeUtf8(bytes, path);
  const firstLineEnd = text.search(/\r|\n/);
  const firstLine = firstLineEnd === -1 ? text : text.slice(0, firstLineEnd);
  const delimiter = detectDelimiter(firstLine);
  return delimiter === undefined ? readLines(text, column) : readCsv(text, delimiter, column, path);
}

// One phone per line; a first line without any digit is a header ("phone").
function readLines(text: string, column: string | undefined): InputList {
  const lines = text.split(/\r\n|\n|\r/);
  const first = lines.findIndex((line) => line.trim() !== "");
  if (first === -1) throw new InputError("The file is empty: it holds no phone");
  const header = lines[first]!.trim();
  const hasHeader = column !== undefined || !/\d/.test(header);
  if (column !== undefined && headerKey(header) !== headerKey(column)) {
    throw new InputError(`--column ${JSON.stringify(column)}: the file has one column, headed ${JSON.stringify(header)}`);
  }
  const records: InputRecord[] = [];
  for (let i = hasHeader ? first + 1 : first; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw !== "") records.push({ line: i + 1, raw: unquote(raw) });
  }
  return { records, description: hasHeader ? `one phone per line, under the header ${JSON.stringify(header)}` : "one phone per line, no header" };
}

function readCsv(text: string, delimiter: string, column: string | undefined, path: string): InputList {
  let rows;
  try {
    rows = parseCsv(text, delimiter);
  } catch (error) {
    if (error instanceof CsvQuoteError) throw new InputError(`${path}: ${error.message}`);
    throw error;
  }
  const headerRow = rows.find((row) => !isBlank(row.fields));
  if (!headerRow) throw new InputError("The file is empty: it holds no phone");
  const headers = headerRow.fields.map((name) => name.trim());
  const shown = headers.map((name) => JSON.stringify(name)).join(", ");
  let index: number;
  if (column !== undefined) {
    index = headers.findIndex((name) => headerKey(name) === headerKey(column));
    if (index === -1) throw new InputError(`--column ${JSON.stringify(column)} is not a column of the header on line ${headerRow.line}: ${shown}`);
  } else {
    const matches = headers.flatMap((name, i) => (PHONE_HEADERS.has(headerKey(name)) ? [i] : []));
    if (matches.length === 0) {
      throw new InputError(
        `Cannot tell which column holds the phones: the header on line ${headerRow.line} is ${shown}. ` +
          `Name it with --column NAME (the file needs a header line naming its columns).`,
      );
    }
    if (matches.length > 1) {
      throw new InputError(`More than one column looks like the phone column: ${matches.map((i) => JSON.stringify(headers[i])).join(" and ")}. Choose one with --column NAME.`);
    }
    index = matches[0]!;
  }
  const records: InputRecord[] = [];
  for (const row of rows) {
    if (row.line <= headerRow.line || isBlank(row.fields)) continue;
    records.push({ line: row.line, raw: (row.fields[index] ?? "").trim() });
  }
  return { records, description: `the column ${JSON.stringify(headers[index])} of a ${SEPARATOR_NAMES[delimiter]}-separated file` };
}

// UTF-8, with or without a byte order mark. Anything else is refused with the first bad line.
function decodeUtf8(bytes: Buffer, path: string): string {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    const lenient = body.toString("utf8");
    const bad = lenient.indexOf("\uFFFD");
    const line = bad === -1 ? 1 : lenient.slice(0, bad).split(/\r\n|\n|\r/).length;
    throw new InputError(`${path} is not UTF-8 (line ${line} is the first that is not). Save it as "CSV UTF-8" and run again.`);
  }
}

function headerKey(name: string): string {
  return name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
}

function isBlank(fields: string[]): boolean {
  return fields.every((field) => field.trim() === "");
}

function unquote(raw: string): string {
  return raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1).replaceAll('""', '"').trim() : raw;
}
