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
export { parseWebhook, type WebhookEvent } from "./webhooks/parse.js";
export {
  createWebhookHandler,
  DEFAULT_DEDUPE_WINDOW_MS,
  DEFAULT_MAX_DELIVERY_BYTES,
  type WebhookHandlerOptions,
} from "./webhooks/handler.js";
export { toNodeListener, type NodeRequest, type NodeResponse } from "./webhooks/node.js";
export type { UnknownNotification } from "./types.js";
