// @ts-check
// `npm test`: the quick checks first (generated/ matches the spec, the spec lints), then
// the type check and the test suite side by side, since much of the suite waits on child
// processes (Prism, tsc, npm, Chromium) while tsc computes, then the leftover check.
// Any failure makes the exit code non-zero; the type check's output is printed whole.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (/** @type {string} */ name) => `${root}node_modules/.bin/${name}`;

/**
 * Runs a command; resolves with its exit code, and its output when `quiet`.
 * @returns {Promise<{ code: number, output: string }>}
 */
function run(/** @type {string} */ file, /** @type {string[]} */ args, quiet = false) {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: root, stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

// Side by side (each is mostly start-up time); their output is printed in this order.
const quick = await Promise.all([run(process.execPath, [`${root}scripts/generate.mjs`, "--check"], true), run(process.execPath, [`${root}scripts/redocly.mjs`, "lint", "zapi"], true)]);
for (const { output } of quick) process.stdout.write(output);
const failed = quick.find(({ code }) => code !== 0);
if (failed) process.exit(failed.code);
console.log("typecheck: tsc -p tsconfig.json --incremental, beside the test suite");
// Incremental: a run after a small change re-checks what it touches. The build info lives
// in node_modules/.cache, outside the project's files, and holds no output.
const typecheckArgs = ["-p", "tsconfig.json", "--incremental", "--tsBuildInfoFile", "node_modules/.cache/zapi-client/typecheck.tsbuildinfo"];
const [typecheck, vitest] = await Promise.all([run(bin("tsc"), typecheckArgs, true), run(bin("vitest"), ["run"])]);
console.log(typecheck.code === 0 ? "typecheck: no type errors (src, generated, scripts, tests and type tests)" : `typecheck FAILED:\n${typecheck.output}`);
const leftovers = await run(process.execPath, [`${root}scripts/check-leftovers.mjs`]);
process.exit(typecheck.code || vitest.code || leftovers.code);
