// @ts-check
// `npm run bench`: every performance figure the README gives, from one run. The loopback
// and in-memory rounds run on the Node that runs this and on Node 24 LTS (the npm
// registry's `node` package, as `npm run test:node24` uses), one after the other, each
// section in a process of its own and interleaved within itself. Ratios only compare
// figures measured in the same process.
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const COLD_RUNS = 21;
const runtimes = [
  { label: `Node ${process.version} (this one)`, node: process.execPath },
  { label: "Node 24 LTS", node: node24() },
];

for (const { node } of runtimes) {
  for (const section of ["loopback", "memory"]) {
    const ran = spawnSync(node, ["--expose-gc", `${projectRoot}scripts/bench-runtime.mjs`, section], { cwd: projectRoot, stdio: "inherit" });
    if (ran.status !== 0) process.exit(ran.status ?? 1);
  }
}

const size = await bundleSize();
console.log(`\nBundle of the whole client, \`import * from "zapi-client"\` (esbuild, platform neutral, minified, openapi-fetch included)`);
console.log(`  ${(size.minified / 1000).toFixed(2)} kB minified, ${(size.gzipped / 1000).toFixed(2)} kB gzipped (goal ≤ 10 kB gzipped)`);
console.log(`  libphonenumber-js in it: ${size.phoneLibrary ? "YES" : "no"} (the add-participants command's own dependency)`);

for (const { label, node } of runtimes) {
  console.log(`\n${label}`);
  const { client, bare } = coldImports(node);
  console.log(`  cold import, median of ${COLD_RUNS} fresh processes each, alternating: zapi-client ${client.toFixed(1)} ms, openapi-fetch ${bare.toFixed(1)} ms (${(client / bare).toFixed(2)}×; goal ≤ 1.5×)`);
  const heap = heapFor10kPhones(node);
  const kib = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
  console.log(`  a call with 10,000 phones written as "+55 (44) 9…" (${kib(heap.writtenBytes)} as JSON), sent as ${kib(heap.sentBytes)} of digits:`);
  console.log(`    allocated before it reached fetch: ${kib(heap.allocated)} (${(heap.allocated / heap.sentBytes).toFixed(1)}× the body sent; goal ≤ 5×)`);
  console.log(`    still live then: ${kib(heap.live)} (${(heap.live / heap.sentBytes).toFixed(1)}× the body sent)`);
}

/** The Node 24 binary from the npm registry's `node` package, fetched once by npx. */
function node24() {
  return execFileSync("npx", ["-y", "-p", "node@24", "--", "node", "-p", "process.execPath"], { cwd: projectRoot }).toString().trim();
}

async function bundleSize() {
  const result = await esbuild.build({
    stdin: { contents: 'import * as client from "zapi-client";\nglobalThis.zapiClient = client;\n', resolveDir: projectRoot, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    write: false,
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return {
    minified: code.byteLength,
    gzipped: gzipSync(code, { level: 9 }).byteLength,
    phoneLibrary: Buffer.from(code).toString().includes("libphonenumber"),
  };
}

/**
 * Median ms to import each package in a fresh Node process, the two alternating so that
 * a busy moment of the machine falls on both alike.
 */
function coldImports(/** @type {string} */ node) {
  const importMs = (/** @type {string} */ specifier) => {
    const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`;
    return Number(execFileSync(node, ["--input-type=module", "-e", script], { cwd: projectRoot }).toString());
  };
  /** @type {number[]} */
  const client = [];
  /** @type {number[]} */
  const bare = [];
  for (let run = 0; run < COLD_RUNS; run++) client.push(importMs("zapi-client")), bare.push(importMs("openapi-fetch"));
  const median = (/** @type {number[]} */ values) => values.sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;
  return { client: median(client), bare: median(bare) };
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
