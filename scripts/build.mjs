// @ts-check
// Builds dist/, readable, with source maps (their sourcesContent holds the TypeScript, so
// they resolve without src/ shipped):
//   - dist/index.js, the client (`zapi-client`), and dist/webhooks.js, the receiver
//     (`zapi-client/webhooks`): one esbuild run with code splitting, so what both use (the
//     errors, the checks) is one shared module under dist/chunks/, loaded once, and an
//     `instanceof ZApiError` holds across both entry points. openapi-fetch stays inside
//     (see OPENAPI_FETCH below).
//   - dist/phones.js, the phone module (libphonenumber-js and its metadata, imported,
//     never copied in): an entry point of the same run, which the client loads with
//     import() at its first call that names a phone, and the command imports: one copy,
//     and none in a cold import of the client.
//   - dist/cli.js, the command, which imports the client as ./index.js and the phone
//     module as ./phones.js: importing the client never loads what only the command needs.
//   - dist/types/, tsc's declarations.
// Not minified: an uncaught error prints the source line of its throw first, and a
// minified file is one line of tens of kB; stack frames then read `at ot`. Identifiers are
// the source's (esbuild renames only where two modules' top-level names collide).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { freshness } from "./fresh.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
/**
 * openapi-fetch is bundled, not imported: a downstream bundle is the same size either way
 * (the bundler keeps the parts used), and the cold import is faster. Measured alternating
 * in fresh processes (31 each, twice, 2026-12-07), `import("zapi-client")` took 8.3 and
 * 7.1 ms bundled, 10.2 and 9.9 ms external on Node 24; 15.0 and 16.3 ms against 15.5 and
 * 18.3 ms on Node 20. ("external" imports it instead.)
 */
const OPENAPI_FETCH = "bundled";

// tsc's declarations are the slowest part (about 4.5 CPU-s), so they are incremental: kept
// between builds, with tsc's build info in node_modules/.cache. tsc does not notice outputs
// deleted behind its back, nor delete those of a removed source, so the info goes whenever
// dist/types is missing, and `--clean` (what `npm pack` runs) starts from nothing.
const clean = process.argv.includes("--clean");
// A build is skipped when its inputs and dist/ are byte for byte what the last build left
// (scripts/fresh.mjs): the tests build before every run, and most runs change nothing here.
const built = freshness("build", ["src", "generated", "scripts/build.mjs", "tsconfig.json", "tsconfig.build.json"], ["dist"]);
if (!clean && built.passedBefore) process.exit(0);
const buildInfo = `${root}node_modules/.cache/zapi-client/build.tsbuildinfo`;
if (clean || !existsSync(`${root}dist/types`)) {
  rmSync(`${root}dist`, { recursive: true, force: true });
  rmSync(buildInfo, { force: true });
} else {
  for (const entry of readdirSync(`${root}dist`)) if (entry !== "types") rmSync(`${root}dist/${entry}`, { recursive: true, force: true });
}
/** @type {esbuild.BuildOptions} */
const readable = {
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: false,
  sourcemap: "linked",
  sourcesContent: true,
  logLevel: "warning",
};
await esbuild.build({
  ...readable,
  entryPoints: { index: `${root}src/index.ts`, webhooks: `${root}src/webhooks/index.ts`, phones: `${root}src/phones.ts` },
  outdir: `${root}dist`,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  platform: "neutral",
  external: ["libphonenumber-js", ...(OPENAPI_FETCH === "bundled" ? [] : ["openapi-fetch"])],
});
// openapi-fetch is MIT-licensed: a copy of it ships with its notice.
if (OPENAPI_FETCH === "bundled") copyFileSync(`${root}node_modules/openapi-fetch/LICENSE`, `${root}dist/openapi-fetch.LICENSE`);

/**
 * @type {esbuild.Plugin} The command imports the client as "../index.js" and the phone
 * module as "../phones.js": the built ./index.js and ./phones.js, not second copies.
 */
const clientFromDist = {
  name: "client-from-dist",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/(index|phones)\.js$/ }, (args) =>
      args.importer.startsWith(`${root}src/cli/`) ? { path: args.path.replace("../", "./"), external: true } : undefined,
    );
  },
};
await esbuild.build({
  ...readable,
  entryPoints: [`${root}src/cli/main.ts`],
  outfile: `${root}dist/cli.js`,
  platform: "node",
  target: "node20",
  banner: { js: "#!/usr/bin/env node" },
  external: ["libphonenumber-js"],
  plugins: [clientFromDist],
});

// The command has no API: tsconfig.build.json leaves src/cli out, its declarations would only be noise.
execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", `${root}tsconfig.build.json`, "--incremental", "--tsBuildInfoFile", buildInfo], { stdio: "inherit" });
// esbuild names the inputs relative to dist/; the maps are read from dist/ and dist/chunks/,
// and their sourcesContent makes them complete. Nothing to rewrite: check it stays so.
for (const map of ["index.js.map", "webhooks.js.map", "phones.js.map", "cli.js.map"]) {
  const { sources, sourcesContent } = JSON.parse(readFileSync(`${root}dist/${map}`, "utf8"));
  if (!Array.isArray(sourcesContent) || sourcesContent.length !== sources.length) throw new Error(`dist/${map} lacks its sourcesContent`);
}
built.remember();
