// @ts-check
// The servers of the bench's receiver rounds (scripts/bench-runtime.mjs starts this in a
// process of its own, so they have a core of their own and the load a core of its own):
//   bare   a node:http endpoint that reads the body and JSON.parses it, then answers 204;
//   empty  toNodeListener(createWebhookHandler(…)) with the secret check, the delivery check
//          and deduplication on; made anew at each "reset" line on stdin, so its dedupe
//          store starts each round empty;
//   full   the same, its dedupe store filled with 10,000 ids first, so every delivery also
//          makes it drop the oldest.
// Prints {"bare":port,"empty":port,"full":port} once listening; answers "ok" to each
// "reset", and to each "cpu" the CPU time this process has used, in µs.
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { createWebhookHandler, toNodeListener } from "zapi-client/webhooks";

const [secret = "", delivery = "{}"] = process.argv.slice(2);

/** @type {import("node:http").RequestListener} */
const bare = (request, response) => {
  /** @type {Buffer[]} */
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    JSON.parse(Buffer.concat(chunks).toString());
    response.writeHead(204);
    response.end();
  });
};

const receiver = () => createWebhookHandler({ secret, onEvent: () => {} });
let empty = toNodeListener(receiver());
const filled = receiver();
for (let i = 0; i < 10_000; i++) {
  const body = delivery.replace(/"messageId":"[^"]*"/, `"messageId":"FILL-${String(i).padStart(11, "0")}"`);
  const answer = await filled(new Request(`http://127.0.0.1/?secret=${secret}`, { method: "POST", body }));
  if (answer.status !== 204) throw new Error(`filling the dedupe store: ${answer.status}`);
}
const full = toNodeListener(filled);

/** @param {import("node:http").RequestListener} listener */
const listen = (listener) =>
  new Promise((resolve) => {
    const server = createServer(listener);
    server.keepAliveTimeout = 60_000;
    server.listen(0, "127.0.0.1", () => resolve(/** @type {import("node:net").AddressInfo} */ (server.address()).port));
  });
const ports = { bare: await listen(bare), empty: await listen((request, response) => empty(request, response)), full: await listen(full) };
process.stdout.write(`${JSON.stringify(ports)}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "cpu") {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${user + system}\n`);
    continue;
  }
  if (line === "reset") empty = toNodeListener(receiver());
  process.stdout.write("ok\n");
}
process.exit(0);
