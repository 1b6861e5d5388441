// @ts-check
// `npm run bench`: every figure docs/PERFORMANCE.md gives, from one run. The loopback,
// in-memory and webhook-receiver rounds run on the Node that runs this and on Node 24 LTS
// (the npm registry's `node` package, as `npm run test:node24` uses), one after the other,
// each section in a process of its own and interleaved within itself. Ratios only compare
// figures measured in the same process.
//
// `node scripts/bench.mjs --only phones` runs only the last section, what each metadata set
// of libphonenumber-js costs (issue 19.5), in about two minutes; it needs dist/ built.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const COLD_RUNS = 21;
// libphonenumber-js's metadata sets, as its package exports them.
const PHONE_SETS = ["min", "max", "mobile"];
const runtimes = [
  { label: `Node ${process.version} (this one)`, node: process.execPath },
  { label: "Node 24 LTS", node: node24() },
];
const kB = (/** @type {number} */ bytes) => `${(bytes / 1000).toFixed(2)} kB`;

const { only } = parseArgs({ options: { only: { type: "string" } } }).values;
if (only !== undefined && only !== "phones") throw new Error(`usage: bench.mjs [--only phones] (got --only ${only})`);
if (only === "phones") {
  await phoneMetadataSection();
  process.exit(0);
}

for (const { node } of runtimes) {
  for (const section of ["loopback", "memory", "receiver"]) {
    const ran = spawnSync(node, ["--expose-gc", `${projectRoot}scripts/bench-runtime.mjs`, section], { cwd: projectRoot, stdio: "inherit" });
    if (ran.status !== 0) process.exit(ran.status ?? 1);
  }
}

console.log("\nWhat a bundler carries (esbuild, platform neutral, minified, code splitting; a chunk loaded by import() counted apart)");
for (const [what, code] of /** @type {[string, string][]} */ ([
  ['`import { createZApiClient } from "zapi-client"`', 'import { createZApiClient } from "zapi-client";\nglobalThis.client = createZApiClient;\n'],
  ['`import { createWebhookHandler, toNodeListener } from "zapi-client/webhooks"`', 'import { createWebhookHandler, toNodeListener } from "zapi-client/webhooks";\nglobalThis.receiver = [createWebhookHandler, toNodeListener];\n'],
])) {
  const size = await bundleSize(code);
  console.log(`  ${what}: ${kB(size.minified)} minified, ${kB(size.gzipped)} gzipped${size.lazy ? `; on demand: ${kB(size.lazy)} minified` : ""}`);
  console.log(`    in it: the webhook receiver ${size.receiver ? "YES" : "no"}, the delivery schema ${size.schema ? "YES" : "no"}, libphonenumber-js ${size.phoneLibrary ? "YES" : "no"}, openapi-fetch ${size.openapiFetch ? "YES" : "no"}`);
}

for (const { label, node } of runtimes) {
  console.log(`\n${label}`);
  const { client, bare, created } = coldImports(node);
  console.log(`  cold import, median of ${COLD_RUNS} fresh processes each, alternating: zapi-client ${client.toFixed(1)} ms, openapi-fetch ${bare.toFixed(1)} ms (${(client / bare).toFixed(2)}×; goal ≤ 1.5×)`);
  console.log(`  cold import plus createZApiClient(), in the same rounds: ${created.toFixed(1)} ms`);
  const heap = heapFor10kPhones(node);
  const kib = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
  console.log(`  a call with 10,000 phones written as "+55 (44) 9…" (${kib(heap.writtenBytes)} as JSON), sent as ${kib(heap.sentBytes)} of digits:`);
  console.log(`    allocated before it reached fetch: ${kib(heap.allocated)} (${(heap.allocated / heap.sentBytes).toFixed(1)}× the body sent; goal ≤ 5×)`);
  console.log(`    still live then: ${kib(heap.live)} (${(heap.live / heap.sentBytes).toFixed(1)}× the body sent)`);
}

await phoneMetadataSection();

/**
 * Issue 19.5: what libphonenumber-js costs with each of its metadata sets, so that the set
 * is chosen on figures. The client uses "max" (src/phones.ts says why: "min" checks only
 * lengths, "mobile" refuses landlines). For each set: the bundle of a module that parses
 * and validates with it (once: it is the same on every Node), then on each runtime the
 * cold import of the set with one number parsed and validated, and the time to parse and
 * validate 100,000 Brazilian numbers (bench-runtime.mjs's "phones" section, in a process
 * of its own). Beside them, what the client's own phone chunk, loaded on demand, weighs.
 */
async function phoneMetadataSection() {
  const { version } = JSON.parse(readFileSync(`${projectRoot}node_modules/libphonenumber-js/package.json`, "utf8"));
  console.log(`\nlibphonenumber-js ${version}, each metadata set (issue 19.5; the client uses "max")`);
  console.log("  a module that imports parsePhoneNumberFromString from the set and validates with it, bundled (esbuild, platform neutral, minified, ESM):");
  for (const set of PHONE_SETS) {
    const size = await bundleSize(`import { parsePhoneNumberFromString } from "libphonenumber-js/${set}";\nglobalThis.valid = (text) => parsePhoneNumberFromString(text, "BR")?.isValid() === true;\n`);
    console.log(`    /${set.padEnd(6)} ${kB(size.minified).padStart(9)} minified, ${kB(size.gzipped).padStart(8)} gzipped`);
  }
  // The chunk the client loads at its first call that names a phone: the "max" set plus
  // src/phones.ts. No cold import of the client loads it.
  const client = await bundleSize('import { createZApiClient } from "zapi-client";\nglobalThis.client = createZApiClient;\n');
  console.log(`  the client's own phone chunk, loaded on demand (libphonenumber-js/max and src/phones.ts): ${kB(client.lazy)} minified, ${kB(client.lazyGzipped)} gzipped`);
  for (const { label, node } of runtimes) {
    console.log(`\n${label}`);
    const cold = coldPhoneImports(node);
    console.log(`  cold import of the set, then +5544999999999 parsed and isValid(), median of ${COLD_RUNS} fresh processes each, alternating: ${PHONE_SETS.map((set) => `/${set} ${(cold[set] ?? Number.NaN).toFixed(1)} ms`).join(", ")}`);
    const ran = spawnSync(node, ["--expose-gc", `${projectRoot}scripts/bench-runtime.mjs`, "phones"], { cwd: projectRoot, stdio: "inherit" });
    if (ran.status !== 0) process.exit(ran.status ?? 1);
  }
}

/** The Node 24 binary from the npm registry's `node` package, fetched once by npx. */
function node24() {
  return execFileSync("npx", ["-y", "-p", "node@24", "--", "node", "-p", "process.execPath"], { cwd: projectRoot }).toString().trim();
}

/**
 * The bundle a user's esbuild makes of `code`: what loads at once, minified and gzipped,
 * and what only an import() loads. "zapi-client" resolves through a project of its own
 * that links this package, as in a user's project (from this project's root, tsconfig's
 * paths would send it to src/); so does "libphonenumber-js", for the phone section's bundles.
 */
async function bundleSize(/** @type {string} */ code) {
  const app = mkdtempSync(join(tmpdir(), "zapi-bench-bundle-"));
  try {
    mkdirSync(join(app, "node_modules"));
    symlinkSync(projectRoot, join(app, "node_modules", "zapi-client"), "dir");
    symlinkSync(join(projectRoot, "node_modules", "libphonenumber-js"), join(app, "node_modules", "libphonenumber-js"), "dir");
    const result = await esbuild.build({
      stdin: { contents: code, resolveDir: app, loader: "js" },
      // The metafile names outputs relative to this directory; from anywhere else, join(app, name) misses them.
      absWorkingDir: app,
      bundle: true,
      minify: true,
      splitting: true,
      outdir: join(app, "out"),
      format: "esm",
      platform: "neutral",
      write: false,
      metafile: true,
    });
    const outputs = result.metafile.outputs;
    const byPath = new Map(result.outputFiles.map((file) => [file.path, file.contents]));
    const contents = (/** @type {string} */ name) => {
      const found = byPath.get(join(app, name));
      if (!found) throw new Error(`bench: esbuild's metafile names ${name}, which is not among its outputs`);
      return found;
    };
    /** @type {Set<string>} */
    const eager = new Set();
    const visit = (/** @type {string} */ name) => {
      if (eager.has(name)) return;
      eager.add(name);
      for (const imported of outputs[name]?.imports ?? []) if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
    };
    visit(Object.keys(outputs).find((name) => outputs[name]?.entryPoint !== undefined) ?? "");
    const loaded = Buffer.concat([...eager].map((name) => contents(name)));
    const text = loaded.toString();
    const lazy = Buffer.concat(Object.keys(outputs).filter((name) => !eager.has(name) && !name.endsWith(".map")).map((name) => contents(name)));
    return {
      minified: loaded.byteLength,
      gzipped: gzipSync(loaded, { level: 9 }).byteLength,
      lazy: lazy.byteLength,
      lazyGzipped: lazy.byteLength === 0 ? 0 : gzipSync(lazy, { level: 9 }).byteLength,
      receiver: text.includes("Method Not Allowed"),
      schema: text.includes("MEMBERSHIP_APPROVAL_REQUEST"),
      // Its metadata, not its name: a message of the client names it.
      phoneLibrary: text.includes("country_calling_codes"),
      openapiFetch: text.includes("querySerializer"),
    };
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

/**
 * Median ms to import each package in a fresh Node process, the two alternating so that
 * a busy moment of the machine falls on both alike.
 */
function coldImports(/** @type {string} */ node) {
  const ms = (/** @type {string} */ script) =>
    Number(execFileSync(node, ["--input-type=module", "-e", `const t = performance.now(); ${script} console.log(performance.now() - t);`], { cwd: projectRoot }).toString());
  // Issue 21.6 tracks the import with a client made, which also loads Node's fetch.
  const withClient = 'const { createZApiClient } = await import("zapi-client"); createZApiClient({ instanceId: "i", token: "t" });';
  /** @type {number[]} */
  const client = [];
  /** @type {number[]} */
  const bare = [];
  /** @type {number[]} */
  const created = [];
  for (let run = 0; run < COLD_RUNS; run++) {
    client.push(ms('await import("zapi-client");'));
    bare.push(ms('await import("openapi-fetch");'));
    created.push(ms(withClient));
  }
  return { client: median(client), bare: median(bare), created: median(created) };
}

/**
 * Median ms, in a fresh Node process, to import each metadata set and parse and validate
 * one number with it: the first call reads the metadata, so the import alone would leave
 * part of its cost out. The sets alternate, the order turning every run.
 */
function coldPhoneImports(/** @type {string} */ node) {
  const importMs = (/** @type {string} */ set) => {
    const script = `
      const t = performance.now();
      const { parsePhoneNumberFromString } = await import("libphonenumber-js/${set}");
      const valid = parsePhoneNumberFromString("+5544999999999")?.isValid();
      const ms = performance.now() - t;
      if (valid !== true) throw new Error("libphonenumber-js/${set} refused +5544999999999");
      console.log(ms);
    `;
    return Number(execFileSync(node, ["--input-type=module", "-e", script], { cwd: projectRoot }).toString());
  };
  /** @type {Record<string, number[]>} */
  const times = Object.fromEntries(PHONE_SETS.map((set) => [set, []]));
  for (let run = 0; run < COLD_RUNS; run++) {
    for (const set of [...PHONE_SETS.slice(run % PHONE_SETS.length), ...PHONE_SETS.slice(0, run % PHONE_SETS.length)]) times[set]?.push(importMs(set));
  }
  return Object.fromEntries(Object.entries(times).map(([set, values]) => [set, median(values)]));
}

function median(/** @type {number[]} */ values) {
  return [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;
}

/**
 * Heap for a 10,000-phone call, at the moment it is handed to fetch: everything allocated
 * since the call began (the semi-space is made large enough that no GC runs mid-call),
 * and what of it is still live then (after a forced GC).
 */
function heapFor10kPhones(/** @type {string} */ node) {
  const script = `
    import { createZApiClient } from "zapi-client";
    const phones = Array.from({ length: 10000 }, (_, i) => "+55 (44) 9" + String(10000000 + i));
    const body = { autoInvite: true, communityId: "120363019502650977", phones };
    let before = 0, allocated = 0, live = 0, sentBytes = 0;
    const fetch = async (url, init) => {
      allocated = process.memoryUsage().heapUsed - before;
      globalThis.gc();
      live = process.memoryUsage().heapUsed - before;
      sentBytes = init.body.length;
      return new Response('{"value":true}', { status: 200, headers: { "content-length": "14" } });
    };
    const client = createZApiClient({ instanceId: "i", token: "t", fetch, baseUrl: "http://127.0.0.1:9" });
    for (let i = 0; i < 5; i++) await client.addParticipant(body); // warm up: compiled code, regex caches
    globalThis.gc(); globalThis.gc();
    before = process.memoryUsage().heapUsed;
    await client.addParticipant(body);
    console.log(JSON.stringify({ allocated, live, sentBytes, writtenBytes: JSON.stringify(body).length }));
  `;
  const flags = ["--expose-gc", "--max-semi-space-size=64", "--input-type=module", "-e", script];
  return JSON.parse(execFileSync(node, flags, { cwd: projectRoot }).toString());
}
