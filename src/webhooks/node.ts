import { BodyCollector, INTERNAL_ERROR, type Answer, type Receiver } from "./receiver.js";

/** The parts of node:http's IncomingMessage used here (typed locally: the package needs no @types/node). */
export interface NodeRequest extends AsyncIterable<Uint8Array | string> {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Record<string, string | string[] | undefined>;
  /** Whether the whole body has been received. */
  readonly complete?: boolean | undefined;
  on(event: string, listener: (...args: any[]) => void): unknown;
  destroy(): void;
}

/** The parts of node:http's ServerResponse used here. */
export interface NodeResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: string | Uint8Array): unknown;
  readonly headersSent: boolean;
}

type NodeListener = (request: NodeRequest, response: NodeResponse) => void;

/** Each handler made by createWebhookHandler, to the same rules served from node:http's own events. */
export const nodeEntries = /* @__PURE__ */ new WeakMap<(request: Request) => Promise<Response>, NodeListener>();

/**
 * Makes node:http serve a `(request: Request) => Promise<Response>` handler, so that
 * `http.createServer(toNodeListener(createWebhookHandler({ … })))` receives deliveries.
 * A handler made by createWebhookHandler is served directly from node's request and
 * response, with the same rules and answers; any other handler gets a Request whose body
 * streams through, and its Response is written back.
 */
export function toNodeListener(handler: (request: Request) => Promise<Response>): NodeListener {
  return nodeEntries.get(handler) ?? ((request, response) => void serve(handler, request, response));
}

/**
 * Serves a receiver from node:http: per delivery, the rules before the body, then the body
 * from the socket's chunks, up to the limit and within the read deadline, then the rules
 * after it.
 */
export function nodeListener(receiver: Receiver): NodeListener {
  const deadlines = receiver.readTimeoutMs === Infinity ? undefined : new ReadDeadlines(receiver.readTimeoutMs);
  return (request, response) => {
    const length = request.headers["content-length"];
    const refused = receiver.admit(request.method, request.url ?? "/", Array.isArray(length) ? length[0] : length);
    if (refused) return send(request, response, refused);
    const body = new BodyCollector(receiver.maxBodyBytes);
    // Once the answer is decided, later events of the request change nothing.
    let decided = false;
    const deadline = deadlines?.add(() => {
      if (decided) return;
      decided = true;
      send(request, response, receiver.refuse("read deadline"));
    });
    request.on("data", (chunk: Uint8Array | string) => {
      if (decided || body.add(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk)) return;
      decided = true;
      deadline?.done();
      send(request, response, receiver.refuse("too large"));
    });
    request.on("end", () => {
      if (decided) return;
      decided = true;
      deadline?.done();
      let answer: Answer | Promise<Answer>;
      try {
        answer = receiver.receive(body.text());
      } catch {
        answer = INTERNAL_ERROR;
      }
      if (!(answer instanceof Promise)) return send(request, response, answer);
      answer.then(
        (decided) => send(request, response, decided),
        () => send(request, response, INTERNAL_ERROR),
      );
    });
    // The sender went away mid-body: there is no one to answer. Listening also keeps a
    // request's error from being an uncaught one.
    request.on("error", () => {
      decided = true;
      deadline?.done();
    });
  };
}

/**
 * The read deadlines of one receiver. They all have the same length, so they end in the
 * order they start: they queue, and one timer is armed for the oldest. A setTimeout and a
 * clearTimeout a delivery cost more than the rest of this. The timer is unreferenced: a
 * read in progress keeps the process alive through its socket, not through this.
 */
class ReadDeadlines {
  private queue: ReadDeadline[] = [];
  private head = 0;
  private armed = false;

  constructor(private readonly ms: number) {}

  add(onExpire: () => void): ReadDeadline {
    // The reads that ended, at the front, go now: most end in the order they start.
    while (this.head < this.queue.length && this.queue[this.head]!.ended) this.head++;
    this.compact();
    const deadline = new ReadDeadline(performance.now() + this.ms, onExpire);
    this.queue.push(deadline);
    if (!this.armed) this.arm(this.ms);
    return deadline;
  }

  private arm(ms: number): void {
    this.armed = true;
    const timer = setTimeout(() => this.expire(), Math.max(1, Math.ceil(ms))) as { unref?: () => void };
    timer.unref?.();
  }

  private expire(): void {
    this.armed = false;
    const now = performance.now();
    while (this.head < this.queue.length) {
      const next = this.queue[this.head]!;
      if (!next.ended && next.at > now) return this.arm(next.at - now);
      this.head++;
      next.expire();
    }
    this.compact();
  }

  private compact(): void {
    if (this.head === this.queue.length) (this.queue = []), (this.head = 0);
    else if (this.head >= 1024 && this.head * 2 >= this.queue.length) (this.queue = this.queue.slice(this.head)), (this.head = 0);
  }
}

class ReadDeadline {
  ended = false;
  constructor(
    readonly at: number,
    private onExpire: (() => void) | undefined,
  ) {}

  /** The read ended before its deadline; what it would have done is let go. */
  done(): void {
    this.ended = true;
    this.onExpire = undefined;
  }

  expire(): void {
    const onExpire = this.onExpire;
    this.done();
    onExpire?.();
  }
}

function send(request: NodeRequest, response: NodeResponse, { status, text, headers }: Answer): void {
  if (response.headersSent) return;
  // A body not read to its end is not read further: the connection closes after the answer,
  // rather than wait for the rest.
  response.writeHead(status, request.complete === true ? headers : { ...headers, Connection: "close" });
  if (text === "") response.end();
  else response.end(text);
}

/** Any other handler: a Request made from node's request, its Response written back. */
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
    if (response.status === 413 || response.status === 408) out["connection"] = "close";
    outgoing.writeHead(response.status, out);
    outgoing.end(new Uint8Array(await response.arrayBuffer()));
  } catch {
    if (!outgoing.headersSent) outgoing.writeHead(400, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
    outgoing.end("Bad Request");
    incoming.destroy();
  }
}
