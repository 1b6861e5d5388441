/** The parts of node:http's IncomingMessage used here (typed locally: the package needs no @types/node). */
export interface NodeRequest extends AsyncIterable<Uint8Array | string> {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Record<string, string | string[] | undefined>;
  destroy(): void;
}

/** The parts of node:http's ServerResponse used here. */
export interface NodeResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: string | Uint8Array): unknown;
  readonly headersSent: boolean;
}

/**
 * Adapts a `(request: Request) => Promise<Response>` handler to node:http, so that
 * `http.createServer(toNodeListener(createWebhookHandler({ … })))` serves it. The body
 * streams through: the handler's own limit stops reading it.
 */
export function toNodeListener(handler: (request: Request) => Promise<Response>): (request: NodeRequest, response: NodeResponse) => void {
  return (request, response) => void serve(handler, request, response);
}

async function serve(handler: (request: Request) => Promise<Response>, incoming: NodeRequest, outgoing: NodeResponse): Promise<void> {
  try {
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) {
      for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
    }
    const method = incoming.method ?? "GET";
    const iterator = incoming[Symbol.asyncIterator]();
    const body =
      method === "GET" || method === "HEAD"
        ? null
        : new ReadableStream<Uint8Array>({
            async pull(controller) {
              const { done, value } = await iterator.next();
              if (done) controller.close();
              else controller.enqueue(typeof value === "string" ? new TextEncoder().encode(value) : value);
            },
            async cancel() {
              await iterator.return?.();
            },
          });
    // Only the path and query matter; the Host header is the client's to choose, so it is not used.
    const request = new Request(new URL(incoming.url ?? "/", "http://localhost"), { method, headers, body, duplex: "half" } as RequestInit);
    const response = await handler(request);
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => (out[name] = value));
    // The body was not read to its end: close the connection rather than read the rest.
    if (response.status === 413) out["connection"] = "close";
    outgoing.writeHead(response.status, out);
    outgoing.end(new Uint8Array(await response.arrayBuffer()));
  } catch {
    if (!outgoing.headersSent) outgoing.writeHead(400, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
    outgoing.end("Bad Request");
    incoming.destroy();
  }
}
