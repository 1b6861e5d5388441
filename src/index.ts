export { createZApiClient, type ZApiClient } from "./client.js";
export {
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  type RetryOptions,
  type ZApiClientOptions,
} from "./core/options.js";
export { normalizePhone } from "./core/input.js";
export type { CallOptions, CredentialedPaths, ZApiMethods } from "./types.js";
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
