import type { Schema } from "./schema.js";

/** What the engine needs to call one operation; generated/operations.ts has one per operationId. */
export interface OperationDescriptor {
  readonly method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  /** The path after `/instances/{instanceId}/token/{token}`, with `{name}` for path parameters. */
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly string[];
  /** Whether the operation sends a JSON body: every input that is not a parameter goes there. */
  readonly hasBody: boolean;
  /** A GET, or an operation the spec marks `x-zapi-retry: { safe: true }`; not a GET it marks unsafe. */
  readonly retrySafe: boolean;
  /** `x-zapi-list`: the operation answers one page of a list, numbered and sized by these query parameters. */
  readonly list?: { readonly page: string; readonly pageSize: string; readonly firstPage: number };
  /** The flat input: parameters and body fields by name. */
  readonly input: Schema;
  /** The 200 answer. */
  readonly result: Schema;
}

/**
 * The generated descriptors, JSON text per operation, as an object whose every property
 * parses its text on first read and keeps the result: importing the client parses none,
 * and a client parses only those of the operations it calls.
 */
export function lazyDescriptors<Name extends string>(texts: { readonly [N in Name]: string }): { readonly [N in Name]: OperationDescriptor } {
  const descriptors = {} as { [N in Name]: OperationDescriptor };
  for (const name of Object.keys(texts) as Name[]) {
    let parsed: OperationDescriptor | undefined;
    Object.defineProperty(descriptors, name, { enumerable: true, get: () => (parsed ??= JSON.parse(texts[name]) as OperationDescriptor) });
  }
  return Object.freeze(descriptors);
}
