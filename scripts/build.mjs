// @ts-check
// Builds dist/: one ESM file for the code (loading one module instead of fifteen makes a
// cold import about twice as fast) and tsc's declarations for the types. The command
// line (src/cli/main.ts) is a second file, dist/cli.js, so that importing the client
// never loads what only the command needs (libphonenumber-js and its metadata).
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
rmSync(`${root}dist`, { recursive: true, force: true });
await esbuild.build({
  entryPoints: [`${root}src/index.ts`],
  outfile: `${root}dist/index.js`,
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  external: ["openapi-fetch"],
  logLevel: "warning",
});

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
  plugins: [clientFromDist],
  logLevel: "warning",
});

execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", `${root}tsconfig.build.json`], { stdio: "inherit" });
// The command has no API: its declarations would only be noise in the package.
rmSync(`${root}dist/types/src/cli`, { recursive: true, force: true });
