// @ts-check
// Builds dist/: one minified ESM file for the code, openapi-fetch included, and tsc's
// declarations for the types. A cold import is mostly V8 parsing source: one module instead
// of two (openapi-fetch's resolution and load) and minified code made it about twice as
// fast. The command line (src/cli/main.ts) is a second file, dist/cli.js, so that importing
// the client never loads what only the command needs (libphonenumber-js and its metadata).
import { execFileSync } from "node:child_process";
import { copyFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
rmSync(`${root}dist`, { recursive: true, force: true });

/**
 * @type {esbuild.Plugin} The phone module (libphonenumber-js and its metadata) stays a file of
 * its own, dist/phones.js, which the client loads with import() at its first call that names
 * a phone, and the command imports: one copy, and none in a cold import of the client.
 */
const phonesApart = {
  name: "phones-apart",
  setup(build) {
    build.onResolve({ filter: /(^|\/)phones\.js$/ }, (args) => (args.importer.startsWith(`${root}src/`) ? { path: "./phones.js", external: true } : undefined));
  },
};
await esbuild.build({
  entryPoints: [`${root}src/index.ts`],
  outfile: `${root}dist/index.js`,
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  // Identifiers too: a quarter less for V8 to parse. The error classes keep their names (keepName).
  minify: true,
  plugins: [phonesApart],
  logLevel: "warning",
});
await esbuild.build({
  entryPoints: [`${root}src/phones.ts`],
  outfile: `${root}dist/phones.js`,
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  external: ["libphonenumber-js"],
  logLevel: "warning",
});
// openapi-fetch is MIT-licensed: a copy of it ships with its notice.
copyFileSync(`${root}node_modules/openapi-fetch/LICENSE`, `${root}dist/openapi-fetch.LICENSE`);

/** @type {esbuild.Plugin} The command imports the client as "../index.js": the built ./index.js, not a second copy. */
const clientFromDist = {
  name: "client-from-dist",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/index\.js$/ }, (args) =>
      args.importer.startsWith(`${root}src/cli/`) ? { path: "./index.js", external: true } : undefined,
    );
  },
};
await esbuild.build({
  entryPoints: [`${root}src/cli/main.ts`],
  outfile: `${root}dist/cli.js`,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  banner: { js: "#!/usr/bin/env node" },
  external: ["libphonenumber-js"],
  plugins: [clientFromDist, phonesApart],
  logLevel: "warning",
});

execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", `${root}tsconfig.build.json`], { stdio: "inherit" });
// The command has no API: its declarations would only be noise in the package.
rmSync(`${root}dist/types/src/cli`, { recursive: true, force: true });
