import { BodyCollector, INTERNAL_ERROR, Receiver, type Answer, type WebhookHandlerOptions } from "./receiver.js";
import { nodeEntries, nodeListener } from "./node.js";

export {
  DEFAULT_DEDUPE_MAX_BYTES,
  DEFAULT_DEDUPE_WINDOW_MS,
  DEFAULT_MAX_DELIVERY_BYTES,
  DEFAULT_READ_TIMEOUT_MS,
  type WebhookHandlerOptions,
  type WebhookRejection,
} from "./receiver.js";

/**
 * A standard `(request: Request) => Promise<Response>` that receives Z-API's
 * on-message-received deliveries: it checks the shared secret in constant time, reads a
 * bounded body within a deadline, checks it against the spec, drops repeats, and calls
 * `onEvent`. It never throws: every failure is an answer (400, 401, 405, 408, 413, 500,
 * 503). `toNodeListener` serves the same rules from node:http's own events, without making
 * a Request or a Response.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): (request: Request) => Promise<Response> {
  const receiver = new Receiver(options);

  async function handleWebhook(request: Request): Promise<Response> {
    try {
      const refused = receiver.admit(request.method, request.url, request.headers.get("content-length"));
      if (refused) return toResponse(refused);
      const body = await readBody(request.body, receiver);
      return toResponse(typeof body === "string" ? await receiver.receive(body) : body);
    } catch {
      return toResponse(INTERNAL_ERROR);
    }
  }
  nodeEntries.set(handleWebhook, nodeListener(receiver));
  return handleWebhook;
}

function toResponse({ status, text, headers }: Answer): Response {
  return new Response(status === 204 ? null : text, { status, headers });
}

const EXPIRED = Symbol("expired");

/** The body as text, or the refusal: over the limit, or not all there within the read deadline. */
async function readBody(stream: ReadableStream<Uint8Array> | null, receiver: Receiver): Promise<string | Answer> {
  const body = new BodyCollector(receiver.maxBodyBytes);
  if (!stream) return body.text();
  const reader = stream.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired =
    receiver.readTimeoutMs === Infinity ? undefined : new Promise<typeof EXPIRED>((resolve) => (timer = setTimeout(resolve, receiver.readTimeoutMs, EXPIRED)));
  let done = false;
  try {
    for (;;) {
      const result = await (expired ? Promise.race([reader.read(), expired]) : reader.read());
      if (result === EXPIRED) return receiver.refuse("read deadline");
      if (result.done) {
        done = true;
        return body.text();
      }
      if (!(result.value instanceof Uint8Array)) throw new TypeError("the request body gave a chunk that is not bytes");
      if (!body.add(result.value)) return receiver.refuse("too large");
    }
  } finally {
    clearTimeout(timer);
    // Not awaited: cancelling stops the upload; a source's cancel may never settle.
    if (!done) reader.cancel().catch(() => {});
  }
}
