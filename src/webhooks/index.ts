// `zapi-client/webhooks`: the receiver of Z-API's deliveries, apart from the client, so that
// code which only calls Z-API never loads it, nor the delivery schema.
export { parseWebhook, type WebhookEvent } from "./parse.js";
export {
  createWebhookHandler,
  DEFAULT_DEDUPE_MAX_BYTES,
  DEFAULT_DEDUPE_WINDOW_MS,
  DEFAULT_MAX_DELIVERY_BYTES,
  DEFAULT_READ_TIMEOUT_MS,
  type WebhookHandlerOptions,
  type WebhookRejection,
} from "./handler.js";
export { toNodeListener, type NodeRequest, type NodeResponse } from "./node.js";
export type { UnknownNotification } from "../types.js";
