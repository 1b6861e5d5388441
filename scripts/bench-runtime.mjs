// @ts-check
// One runtime's half of `npm run bench` (scripts/bench.mjs runs it on each Node): what
// zapi-client costs over a plain fetch. Prints ratios measured in this run, never asserted
// against a clock. Rounds interleave A B C A B C after a warm-up, so machine noise hits
// every variant alike; the median of the rounds is reported.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import os from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import createClient from "openapi-fetch";
import { createZApiClient } from "zapi-client";

// Many short blocks rather than a few long ones: neighbours in time share the machine's
// load, so the per-round ratios below cancel most of what other tenants do to it.
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 40);
const WARMUP_ROUNDS = 4;
const PATH = "/instances/{instanceId}/token/{token}/add-participant";
const body = { autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999", "5544988888888"] };
const answer = '{"value":true}';
const GROUP_ID = "120363019502650977-group";
// A group-metadata answer of the size Z-API's example has.
const group = JSON.stringify({
  phone: GROUP_ID, description: "Grupo Z-API", owner: "5511999999999", subject: "Meu grupo no Z-API", creation: 1588721491000,
  invitationLink: null, invitationLinkError: null, communityId: null, adminOnlyMessage: false, adminOnlySettings: false,
  requireAdminApproval: false, isGroupAnnouncement: false,
  participants: [{ phone: "5511888888888", isAdmin: false, isSuperAdmin: false }, { phone: "5511777777777", isAdmin: true, isSuperAdmin: false }],
});

/**
 * The same call made each way, against one base URL and fetch. (a+) is (a) with the
 * per-attempt timeout (c) has: it shows what any timeout costs fetch on this runtime.
 */
function variants(/** @type {string} */ baseUrl, /** @type {typeof fetch} */ fetchImpl) {
  const url = `${baseUrl}/instances/i/token/t/add-participant`;
  const init = { method: "POST", headers: { "Content-Type": "application/json" } };
  /** @type {any} */
  const bare = createClient({ baseUrl, fetch: fetchImpl });
  const zapi = createZApiClient({ instanceId: "i", token: "t", baseUrl, fetch: fetchImpl });
  return {
    "(a) raw fetch + JSON.parse": async () => JSON.parse(await (await fetchImpl(url, { ...init, body: JSON.stringify(body) })).text()),
    "(a+) the same with a 30 s timeout": async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 30_000);
      try {
        return JSON.parse(await (await fetchImpl(url, { ...init, body: JSON.stringify(body), signal: controller.signal })).text());
      } finally {
        clearTimeout(timer);
      }
    },
    "(b) bare openapi-fetch POST": async () => (await bare.POST(PATH, { params: { path: { instanceId: "i", token: "t" } }, body })).data,
    "(c) zapi-client addParticipant": () => zapi.addParticipant(body),
  };
}

/** A GET of the family, raw and through the client. */
function getVariants(/** @type {string} */ baseUrl, /** @type {typeof fetch} */ fetchImpl) {
  const url = `${baseUrl}/instances/i/token/t/group-metadata/${GROUP_ID}`;
  const zapi = createZApiClient({ instanceId: "i", token: "t", baseUrl, fetch: fetchImpl });
  return {
    "(g) raw fetch GET + JSON.parse": async () => JSON.parse(await (await fetchImpl(url)).text()),
    "(g+) the same with a 30 s timeout": async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 30_000);
      try {
        return JSON.parse(await (await fetchImpl(url, { signal: controller.signal })).text());
      } finally {
        clearTimeout(timer);
      }
    },
    "(h) zapi-client getGroupMetadata": () => zapi.getGroupMetadata({ groupId: GROUP_ID }),
  };
}

/** ops/s of each variant in each of the interleaved rounds of `calls` calls at `concurrency`. */
async function measure(/** @type {Record<string, () => Promise<unknown>>} */ fns, /** @type {number} */ calls, /** @type {number} */ concurrency) {
  /** @type {Record<string, number[]>} */
  const samples = Object.fromEntries(Object.keys(fns).map((name) => [name, []]));
  const entries = Object.entries(fns);
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    // Rotate the order (A B C, B C A, C A B …) and start each block on a collected heap,
    // so no variant always pays for the garbage its predecessor left.
    for (const [name, fn] of [...entries.slice(round % entries.length), ...entries.slice(0, round % entries.length)]) {
      globalThis.gc?.();
      let next = 0;
      const worker = async () => {
        while (next++ < calls) {
          const result = await fn();
          const check = /** @type {any} */ (result);
          if (check?.value !== true && check?.phone !== GROUP_ID) throw new Error(`${name} returned ${JSON.stringify(result)}`);
        }
      };
      const started = process.hrtime.bigint();
      await Promise.all(Array.from({ length: concurrency }, worker));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (round >= WARMUP_ROUNDS) samples[name]?.push(calls / seconds);
    }
  }
  return samples;
}

/**
 * Median ops/s and its ratio to (a)'s; then the median of the per-round ratios to the (a)
 * block of the same round, with their middle half, which shows how noisy the run was.
 * Returns the medians.
 */
function report(/** @type {string} */ title, /** @type {Record<string, number[]>} */ samples, baseName = "raw fetch") {
  const [base = []] = Object.values(samples);
  console.log(`\n${title}`);
  console.log(`  ${"".padEnd(36)} ${"ops/s".padStart(8)}   ${"ratio".padEnd(19)} ratio per round (middle half)`);
  const width = Math.max(36, ...Object.keys(samples).map((name) => name.length));
  /** @type {Record<string, number>} */
  const medians = {};
  for (const [name, values] of Object.entries(samples)) {
    const perRound = values.map((value, round) => value / (base[round] ?? Number.NaN));
    medians[name] = median(values);
    const ratio = `${(median(values) / median(base)).toFixed(3)}× ${baseName}`;
    const spread = `${median(perRound).toFixed(3)}× (${quantile(perRound, 0.25).toFixed(2)}–${quantile(perRound, 0.75).toFixed(2)})`;
    console.log(`  ${name.padEnd(width)} ${median(values).toFixed(0).padStart(8)}   ${ratio.padEnd(19)} ${spread}`);
  }
  return medians;
}

/**
 * The client against raw fetch with a timeout: the client keeps one, and on this runtime a
 * signal given to fetch has its own cost, which no client that can stop its calls avoids.
 */
function againstTimeout(/** @type {Record<string, number[]>} */ samples, /** @type {string} */ client, /** @type {string} */ timed) {
  const ours = samples[client] ?? [];
  const theirs = samples[timed] ?? [];
  const perRound = ours.map((value, round) => value / (theirs[round] ?? Number.NaN));
  console.log(`  ${client.slice(0, 3)} / ${timed.slice(0, 4)}: ${(median(ours) / median(theirs)).toFixed(3)}× (per round ${median(perRound).toFixed(3)}×): what the client costs beyond the timeout itself`);
}

function median(/** @type {number[]} */ values) {
  return quantile(values, 0.5);
}

// Linear interpolation between the closest ranks.
function quantile(/** @type {number[]} */ values, /** @type {number} */ q) {
  const sorted = [...values].sort((x, y) => x - y);
  const at = (sorted.length - 1) * q;
  const low = sorted[Math.floor(at)] ?? Number.NaN;
  const high = sorted[Math.ceil(at)] ?? Number.NaN;
  return low + (high - low) * (at - Math.floor(at));
}

/** A node:http server answering 200 {"value":true}, in its own process so it has its own core. */
async function startLoopbackServer() {
  const child = spawn(process.execPath, ["-e", `
    const server = require("node:http").createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const text = req.method === "GET" ? ${JSON.stringify(group)} : ${JSON.stringify(answer)};
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
        res.end(text);
      });
    });
    server.keepAliveTimeout = 60000;
    server.listen(0, "127.0.0.1", () => process.stdout.write(String(server.address().port) + "\\n"));
  `], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((resolve) => child.stdout.once("data", (chunk) => resolve(String(chunk).trim())));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

const inMemoryFetch = /** @type {typeof fetch} */ (
  async (_url, init) => {
    const text = init?.method === "POST" ? answer : group;
    return new Response(text, { status: 200, headers: { "content-type": "application/json", "content-length": String(text.length) } });
  }
);


async function loopbackSection() {
  console.log(`\n=== Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${os.platform()} ===`);
  console.log(`${ROUNDS} interleaved rounds after ${WARMUP_ROUNDS} warm-up rounds, order rotated, heap collected before each block; median ops/s; ratios to (a) from this same run`);

  const server = await startLoopbackServer();
  try {
    const loopback = await measure(variants(server.url, globalThis.fetch), 500, 10);
    report("Loopback node:http server (127.0.0.1, 500 calls a round, 10 in flight)", loopback);
    againstTimeout(loopback, "(c) zapi-client addParticipant", "(a+) the same with a 30 s timeout");
    const gets = await measure(getVariants(server.url, globalThis.fetch), 500, 10);
    report("Loopback, a GET of the family (group metadata, 500 calls a round, 10 in flight)", gets);
    againstTimeout(gets, "(h) zapi-client getGroupMetadata", "(g+) the same with a 30 s timeout");
  } finally {
    server.stop();
  }
}

async function memorySection() {
  const memory = report("In-memory fetch (5,000 calls a round, one at a time, in a fresh process)", await measure(variants("http://127.0.0.1:9", inMemoryFetch), 5_000, 1));
  const microseconds = (/** @type {string} */ name) => 1e6 / (memory[name] ?? Number.NaN);
  const rawUs = microseconds("(a) raw fetch + JSON.parse");
  const timedUs = microseconds("(a+) the same with a 30 s timeout");
  const clientUs = microseconds("(c) zapi-client addParticipant");
  console.log(`  zapi-client's own cost: ${(clientUs - rawUs).toFixed(2)} µs a call (${clientUs.toFixed(2)} µs vs ${rawUs.toFixed(2)} µs raw),`);
  console.log(`  of which the timeout's AbortController and timer: ${(timedUs - rawUs).toFixed(2)} µs`);
}

// The webhook receiver against a bare node:http endpoint, both in a process of their own
// (scripts/bench-receiver.mjs), sent deliveries two ways, interleaved:
//   - over raw sockets from this process, a few microseconds each, so that the servers,
//     not the sender, are what is measured: deliveries/s at saturation, and the servers'
//     CPU time per delivery, which other tenants of the machine disturb less;
//   - with fetch, as a Node sender would post them: fetch costs about as much as the
//     servers, so this shows what a sender observes more than what a server can take.
const RECEIVER_CALLS = 2_000;
const RECEIVER_FETCH_CALLS = 400;
const RECEIVER_CONNECTIONS = 10;
const WEBHOOK_SECRET = "bench-secret-0123456789abcdef";
// The spec's membership-approval example, as Z-API posts it; its messageId is made unique
// per delivery, of one length, so every delivery passes deduplication.
const delivery = {
  isGroup: true, isNewsletter: false, instanceId: "A20DA9C0183A2D35A260F53F5D2B9244", messageId: "BENCH-0000000000",
  phone: "5544999999999-group", connectedPhone: "5544999999999", fromMe: false, momment: 1682017970000, expiresAt: null,
  status: "RECEIVED", chatName: "name", senderPhoto: "https://", senderName: "name", photo: null, broadcast: false,
  participantPhone: "5544999999999", referenceMessageId: null, externalAdReply: null, forwarded: false, type: "ReceivedCallback",
  notification: "MEMBERSHIP_APPROVAL_REQUEST", notificationParameters: ["5544999999999"], callId: null, code: null, requestMethod: "invite_link",
};
const RECEIVER_VARIANTS = {
  bare: "(r0) bare node:http + JSON.parse",
  empty: "(r1) receiver, dedupe store empty",
  full: "(r2) receiver, store full (10,000 ids)",
};

async function receiverSection() {
  console.log(`\n=== Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${os.platform()}: the webhook receiver ===`);
  console.log(`${ROUNDS} interleaved rounds after ${WARMUP_ROUNDS} warm-up rounds, order rotated; secret, delivery check and dedupe on; the spec's join-request example, ${JSON.stringify(delivery).length} bytes, a new messageId each`);
  const text = JSON.stringify(delivery);
  const [before, after] = text.split("BENCH-0000000000");
  const server = spawn(process.execPath, [fileURLToPath(new URL("bench-receiver.mjs", import.meta.url)), WEBHOOK_SECRET, text], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: /** @type {import("node:stream").Readable} */ (server.stdout) })[Symbol.asyncIterator]();
  const ask = async (/** @type {string} */ line) => {
    server.stdin?.write(`${line}\n`);
    return String((await lines.next()).value);
  };
  try {
    /** @type {Record<keyof RECEIVER_VARIANTS, number>} */
    const ports = JSON.parse(String((await lines.next()).value));
    let sent = 0;
    const nextBody = () => `${before}BENCH-${String(sent++).padStart(10, "0")}${after}`;
    const path = `/zapi/events?secret=${WEBHOOK_SECRET}`;
    const raw = /** @type {Record<string, Awaited<ReturnType<typeof rawConnection>>[]>} */ ({});
    for (const [key, port] of Object.entries(ports)) raw[key] = await Promise.all(Array.from({ length: RECEIVER_CONNECTIONS }, () => rawConnection(port)));
    const overRaw = async (/** @type {string} */ key) => {
      let left = RECEIVER_CALLS;
      await Promise.all(
        (raw[key] ?? []).map(async (connection) => {
          while (left-- > 0) {
            const body = nextBody();
            await connection.send(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
          }
        }),
      );
      return RECEIVER_CALLS;
    };
    const withFetch = async (/** @type {string} */ key) => {
      const url = `http://127.0.0.1:${ports[/** @type {keyof RECEIVER_VARIANTS} */ (key)]}${path}`;
      let left = RECEIVER_FETCH_CALLS;
      await Promise.all(
        Array.from({ length: RECEIVER_CONNECTIONS }, async () => {
          while (left-- > 0) {
            const response = await fetch(url, { method: "POST", body: nextBody(), headers: { "content-type": "application/json" } });
            await response.arrayBuffer();
            if (response.status !== 204) throw new Error(`the server answered ${response.status}`);
          }
        }),
      );
      return RECEIVER_FETCH_CALLS;
    };
    for (const [how, send] of /** @type {const} */ ([["over raw sockets", overRaw], ["with fetch", withFetch]])) {
      /** @type {Record<string, number[]>} */
      const samples = Object.fromEntries(Object.values(RECEIVER_VARIANTS).map((name) => [name, []]));
      /** @type {Record<string, number[]>} */
      const cpu = Object.fromEntries(Object.values(RECEIVER_VARIANTS).map((name) => [name, []]));
      const entries = Object.entries(RECEIVER_VARIANTS);
      for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
        for (const [key, name] of [...entries.slice(round % entries.length), ...entries.slice(0, round % entries.length)]) {
          if (key === "empty") await ask("reset");
          globalThis.gc?.();
          const cpuBefore = Number(await ask("cpu"));
          const started = process.hrtime.bigint();
          const calls = await send(key);
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const cpuUs = Number(await ask("cpu")) - cpuBefore;
          if (round >= WARMUP_ROUNDS) samples[name]?.push(calls / seconds), cpu[name]?.push(cpuUs / calls);
        }
      }
      const calls = how === "with fetch" ? RECEIVER_FETCH_CALLS : RECEIVER_CALLS;
      report(`Deliveries sent ${how} (${calls} a round, ${RECEIVER_CONNECTIONS} keep-alive connections): deliveries/s, ratios to (r0)`, samples, "bare");
      const bareCpu = median(cpu[RECEIVER_VARIANTS.bare] ?? []);
      console.log(`  the servers' CPU time a delivery (median): ${Object.entries(cpu).map(([name, values]) => `${name.slice(0, 4)} ${median(values).toFixed(1)} µs (${(bareCpu / median(values)).toFixed(3)}×)`).join(", ")}`);
    }
    for (const connection of Object.values(raw).flat()) connection.close();
  } finally {
    server.kill();
  }
}

/** A keep-alive connection that sends one request at a time and expects 204 with no body. */
function rawConnection(/** @type {number} */ port) {
  return /** @type {Promise<{ send: (text: string) => Promise<void>, close: () => void }>} */ (
    new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      socket.setNoDelay(true);
      /** @type {{ resolve: () => void, reject: (error: Error) => void } | undefined} */
      let waiting;
      let received = "";
      socket.on("data", (data) => {
        received += data.toString("latin1");
        const end = received.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = received.slice(0, end);
        received = received.slice(end + 4);
        const done = waiting;
        waiting = undefined;
        if (head.startsWith("HTTP/1.1 204")) done?.resolve();
        else done?.reject(new Error(`the server answered ${head.split("\r\n")[0]}`));
      });
      socket.on("error", (error) => (waiting ? waiting.reject(error) : reject(error)));
      socket.on("connect", () =>
        resolve({
          send: (text) =>
            new Promise((resolve, reject) => {
              waiting = { resolve, reject };
              socket.write(text);
            }),
          close: () => socket.destroy(),
        }),
      );
    })
  );
}

// Issue 19.5: libphonenumber-js's metadata sets on 100,000 Brazilian numbers written the
// ways people write them, warm, in this one process: each round parses and validates the
// whole list with every set, the order turning, the heap collected before each. It also
// counts what each set calls valid, which is why the client uses "max": "min" checks only
// lengths, so it passes numbers that cannot exist; "mobile" refuses landlines.
const PHONE_COUNT = 100_000;
const PHONE_ROUNDS = 7;
const PHONE_WARMUP_ROUNDS = 1;
// Area codes that exist, and one that does not (10): Anatel's list starts at 11.
const BR_AREA_CODES = ["11", "21", "31", "41", "44", "47", "51", "61", "71", "81", "85", "91"];

/**
 * The same list on every run and runtime: test/cli/command.test.ts's seeded generator (an
 * LCG), and ten forms in equal shares. Seven can exist: a mobile with its ninth digit
 * written five ways (with +55, nationally, as Z-API's digits, bare, and with the carrier
 * code of long-distance dialling), a landline two ways. Three cannot: a mobile whose
 * number starts with 0, an area code that does not exist, a mobile one digit short.
 */
function writtenBrazilianPhones(/** @type {number} */ count) {
  let state = 195;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const digits = (/** @type {number} */ n) => String(Math.floor(random() * 10 ** n)).padStart(n, "0");
  return Array.from({ length: count }, () => {
    const area = BR_AREA_CODES[Math.floor(random() * BR_AREA_CODES.length)] ?? "44";
    const mobile = `9${digits(8)}`;
    const landline = `${2 + Math.floor(random() * 4)}${digits(7)}`;
    const [head, tail] = [mobile.slice(0, 5), mobile.slice(5)];
    switch (Math.floor(random() * 10)) {
      case 0: return `+55 (${area}) ${head}-${tail}`;
      case 1: return `(${area}) ${head}-${tail}`;
      case 2: return `55${area}${mobile}`;
      case 3: return `${area} ${mobile}`;
      case 4: return `0 15 ${area} ${head}-${tail}`;
      case 5: return `(${area}) ${landline.slice(0, 4)}-${landline.slice(4)}`;
      case 6: return `+55 ${area} ${landline}`;
      case 7: return `(${area}) 0${head.slice(1)}-${tail}`;
      case 8: return `(10) ${head}-${tail}`;
      default: return `(${area}) ${head.slice(0, 4)}-${tail}`;
    }
  });
}

async function phonesSection() {
  // Imported here, not at the top: the other sections should not carry three sets of metadata.
  const sets = {
    min: (await import("libphonenumber-js/min")).parsePhoneNumberFromString,
    max: (await import("libphonenumber-js/max")).parsePhoneNumberFromString,
    mobile: (await import("libphonenumber-js/mobile")).parsePhoneNumberFromString,
  };
  const phones = writtenBrazilianPhones(PHONE_COUNT);
  console.log(`  ${PHONE_COUNT.toLocaleString("en")} Brazilian numbers of mixed forms, parsed with country BR and isValid(), with each set: ${PHONE_ROUNDS} rounds after ${PHONE_WARMUP_ROUNDS} warm-up, interleaved, order rotated, heap collected before each`);
  const entries = Object.entries(sets);
  /** @type {Record<string, number[]>} */
  const ms = Object.fromEntries(entries.map(([set]) => [set, []]));
  /** @type {Record<string, number>} */
  const valid = {};
  for (let round = 0; round < PHONE_WARMUP_ROUNDS + PHONE_ROUNDS; round++) {
    for (const [set, parse] of [...entries.slice(round % entries.length), ...entries.slice(0, round % entries.length)]) {
      globalThis.gc?.();
      let count = 0;
      const started = process.hrtime.bigint();
      for (const phone of phones) if (parse(phone, "BR")?.isValid()) count++;
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      valid[set] = count;
      if (round >= PHONE_WARMUP_ROUNDS) ms[set]?.push(elapsed);
    }
  }
  const max = ms["max"] ?? [];
  for (const [set, values] of Object.entries(ms)) {
    const perRound = values.map((value, round) => value / (max[round] ?? Number.NaN));
    const spread = `per round ${median(perRound).toFixed(3)}× (${quantile(perRound, 0.25).toFixed(2)}–${quantile(perRound, 0.75).toFixed(2)})`;
    console.log(`    /${set.padEnd(6)} ${median(values).toFixed(0).padStart(5)} ms, ${(median(values) / median(max)).toFixed(3)}× /max, ${spread}; valid: ${(valid[set] ?? 0).toLocaleString("en")}`);
  }
}

// scripts/bench.mjs runs each section in a fresh process. An in-memory call is a few
// microseconds, and after the loopback rounds V8's code for fetch, Response and the client
// had been shaped by real sockets: raw fetch in memory then took about twice as long.
const section = process.argv[2];
if (section === "loopback") await loopbackSection();
else if (section === "memory") await memorySection();
else if (section === "receiver") await receiverSection();
else if (section === "phones") await phonesSection();
else throw new Error(`usage: bench-runtime.mjs loopback|memory|receiver|phones (got ${section})`);
