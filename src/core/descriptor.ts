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
  /** A GET, or an operation the spec marks `x-zapi-retry: { safe: true }`. */
  readonly retrySafe: boolean;
  /** The flat input: parameters and body fields by name. */
  readonly input: Schema;
  /** The 200 answer. */
  readonly result: Schema;
}
