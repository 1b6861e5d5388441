import type { OperationDescriptor } from "../../src/core/descriptor.js";
import type { Schema } from "../../src/core/schema.js";

/** One request as the client would send it, and the values it carries, before encoding. */
export interface Wire {
  readonly path: string;
  readonly body: string | undefined;
  readonly pathValues: Record<string, string>;
  readonly queryValues: Record<string, string>;
}

// What URLSearchParams and URLs do to a lone surrogate; encodeURIComponent throws on one.
const wellFormed = (text: string) => text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
function asText(value: unknown): string {
  try {
    return wellFormed(String(value));
  } catch {
    return "[object Object]";
  }
}

/**
 * What the client would send for `value` (its normalised snapshot), split as
 * src/core/request.ts splits it; a missing path parameter leaves its segment empty.
 */
export function wireFor(descriptor: OperationDescriptor, value: unknown): Wire {
  const fields = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const pathValues: Record<string, string> = {};
  const queryValues: Record<string, string> = {};
  let path = descriptor.path;
  for (const param of descriptor.pathParams) {
    pathValues[param] = fields[param] === undefined ? "" : asText(fields[param]);
    path = path.replace(`{${param}}`, encodeURIComponent(pathValues[param]));
  }
  const query = new URLSearchParams();
  for (const param of descriptor.queryParams) {
    if (fields[param] === undefined) continue;
    queryValues[param] = asText(fields[param]);
    query.append(param, queryValues[param]);
  }
  if (query.size > 0) path += `?${query}`;
  let body: string | undefined;
  if (descriptor.hasBody) {
    const params = [...descriptor.pathParams, ...descriptor.queryParams];
    const rest: Record<string, unknown> = {};
    for (const key of Object.keys(fields)) {
      if (!params.includes(key)) Object.defineProperty(rest, key, { value: fields[key], enumerable: true, writable: true, configurable: true });
    }
    body = JSON.stringify(params.length === 0 ? value : rest);
  }
  return { path, body, pathValues, queryValues };
}

/** A query value as Prism reads it for its schema: number-like text is a number (ajv's coercion), empty is absent. */
export function readQuery(text: string, schema: Schema | undefined): unknown {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  if ((type === "integer" || type === "number") && text !== "" && !Number.isNaN(Number(text))) return Number(text);
  if (type === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

/** The flat input a server reads back from the request: path segments, typed query, parsed body. */
export function readWire(descriptor: OperationDescriptor, wire: Wire): unknown {
  const body: unknown = wire.body === undefined ? undefined : JSON.parse(wire.body);
  if (descriptor.pathParams.length === 0 && descriptor.queryParams.length === 0) return body ?? {};
  const input: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(wire.pathValues)) if (text !== "") input[name] = text;
  for (const [name, text] of Object.entries(wire.queryValues)) if (text !== "") input[name] = readQuery(text, descriptor.input.properties?.[name]);
  if (typeof body === "object" && body !== null) {
    for (const [key, value] of Object.entries(body)) Object.defineProperty(input, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return input;
}
