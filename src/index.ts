export { createZApiClient, type ZApiClient } from "./client.js";
export {
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  type RetryOptions,
  type ZApiClientOptions,
} from "./core/options.js";
export type { LogLevel, Logger } from "./core/log.js";
export { droppedFields, type DroppedField } from "./core/result.js";
export type { CallOptions, CredentialedPaths, EmptyAnswer, PagePromise, ZApiMethods } from "./types.js";
export type { ErrorReason } from "../generated/errors.js";
export type { Problem } from "./core/schema.js";
export type * from "../generated/operations.js";
export { ZApiError } from "./errors/zapi-error.js";
export { ZApiValidationError } from "./errors/validation-error.js";
export { ZApiHttpError } from "./errors/http-error.js";
export { ZApiResponseError } from "./errors/response-error.js";
export { ZApiTimeoutError } from "./errors/timeout-error.js";
export { ZApiNetworkError } from "./errors/network-error.js";
export { ZApiAbortError } from "./errors/abort-error.js";
// The webhook receiver, whose own entry point is `zapi-client/webhooks`, kept here too for
// compatibility: a bundler that imports only createZApiClient still carries none of it
// (test/build.test.ts).
export * from "./webhooks/index.js";
