// @ts-check
// `npm start`: the seed's add-participant call through createZApiClient, against a Prism
// mock of the spec (no account, no credentials). `npm start -- --live` sends it to Z-API.
import { parseArgs } from "node:util";
import { createZApiClient, DEFAULT_BASE_URL, ZApiError } from "zapi-client";
import { startPrism } from "./prism.mjs";

const { values } = parseArgs({ options: { live: { type: "boolean", default: false } } });
// The documentation's example, but its second phone, 5544888888888, cannot exist (a
// Brazilian mobile starts with 9) and the client refuses it: written 5544988888888 here.
const seedBody = { autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999", "5544988888888"] };

/** Prints each request as sent, secrets replaced. */
function printingFetch(/** @type {string[]} */ secrets) {
  const redact = (/** @type {string} */ text) =>
    secrets.reduce((out, secret) => out.replaceAll(secret, "[redacted]").replaceAll(encodeURIComponent(secret), "[redacted]"), text);
  return /** @type {typeof fetch} */ (
    async (input, init = {}) => {
      const headers = Object.entries(/** @type {Record<string, string>} */ (init.headers ?? {})).map(([k, v]) => `  ${k}: ${redact(v)}`);
      console.log(`\nRequest sent:\n  ${init.method} ${redact(String(input))}\n${headers.join("\n")}\n  ${init.body}`);
      return fetch(input, init);
    }
  );
}

async function main() {
  if (values.live) {
    const { ZAPI_INSTANCE_ID, ZAPI_TOKEN, ZAPI_CLIENT_TOKEN } = process.env;
    if (!ZAPI_INSTANCE_ID || !ZAPI_TOKEN) {
      console.error(
        "--live sends a real add-participant call to Z-API, so it needs your credentials.\n" +
          "Set ZAPI_INSTANCE_ID and ZAPI_TOKEN (and ZAPI_CLIENT_TOKEN if your account has it active), then run again:\n" +
          "  ZAPI_INSTANCE_ID=... ZAPI_TOKEN=... npm start -- --live",
      );
      return 2;
    }
    console.log(`Live mode: sending the call to ${process.env["ZAPI_BASE_URL"] || DEFAULT_BASE_URL}.`);
    const fetch = printingFetch([ZAPI_TOKEN, ZAPI_CLIENT_TOKEN ?? ""].filter(Boolean));
    return call(createZApiClient({ fetch, retry: false }));
  }

  const prism = await startPrism({ onWait: (message) => console.log(message) });
  try {
    console.log(`Prism is ready. Calling addParticipant with the documentation's example (its second phone corrected).`);
    const token = "demo-token-not-a-secret";
    // Only the mock's address and demo credentials; the ZAPI_* variables are not read here.
    const client = createZApiClient({ instanceId: "demo-instance", token, baseUrl: prism.url, fetch: printingFetch([token]) });
    return await call(client);
  } finally {
    await prism.stop();
    console.log("Prism stopped.");
  }
}

async function call(/** @type {ReturnType<typeof createZApiClient>} */ client) {
  try {
    const result = await client.addParticipant(seedBody);
    console.log(`\nTyped result (AddParticipantResult):\n  ${JSON.stringify(result)}`);
    return 0;
  } catch (error) {
    if (!(error instanceof ZApiError)) throw error;
    console.error(`\n${error.name}: ${error.message}`);
    return 1;
  }
}

process.exitCode = await main();
