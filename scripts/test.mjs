// @ts-check
// `npm test`: the quick checks (generated/ matches the spec, the spec lints) and the type
// check beside the test suite, then the leftover check.
// Any failure makes the exit code non-zero; the type check's output is printed whole.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freshness } from "./fresh.mjs";

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

/**
 * Runs a node script quietly, unless it passed before on the same `inputs`.
 * @param {string} step @param {string[]} inputs @param {string} verdict @param {string[]} args
 */
async function unlessPassedBefore(step, inputs, verdict, args) {
  const fresh = freshness(step, inputs);
  if (fresh.passedBefore) return { code: 0, output: `${verdict}: passed before on these exact files (${inputs.join(", ")}, the lock file); not run again.\n` };
  const result = await run(process.execPath, args, true);
  if (result.code === 0) fresh.remember();
  return result;
}

// Everything side by side: the quick checks (generated/ matches the spec, the spec lints)
// are mostly start-up time, and would leave a core idle if the suite waited for them; the
// type check computes while much of the suite waits on child processes (Prism, tsc, npm).
// Any of them failing fails npm test; their output is printed after the suite's, whole.
console.log("npm test: generate:check and lint:spec, then the type check (tsc --incremental), beside the test suite");
// Incremental: a run after a small change re-checks what it touches. The build info lives
// in node_modules/.cache, outside the project's files, and holds no output.
const typecheckArgs = ["-p", "tsconfig.json", "--incremental", "--tsBuildInfoFile", "node_modules/.cache/zapi-client/typecheck.tsbuildinfo"];
// Each quick check is skipped when it passed before on exactly these files and tool
// versions (scripts/fresh.mjs): its result cannot have changed. A fresh clone runs both.
const quickChecks = Promise.all([
  unlessPassedBefore("generate-check", ["spec", "redocly.yaml", "scripts/generate.mjs", "generated"], "generated/ is up to date", [`${root}scripts/generate.mjs`, "--check"]),
  unlessPassedBefore("lint-spec", ["spec", "redocly.yaml", "scripts/redocly.mjs"], "spec/zapi.yaml lints clean", [`${root}scripts/redocly.mjs`, "lint", "zapi"]),
]);
const typechecked = quickChecks.then(() => run(bin("tsc"), typecheckArgs, true));
const [quick, typecheck, vitest] = await Promise.all([quickChecks, typechecked, run(bin("vitest"), ["run"])]);
for (const { output } of quick) process.stdout.write(output);
console.log(typecheck.code === 0 ? "typecheck: no type errors (src, generated, scripts, tests and type tests)" : `typecheck FAILED:\n${typecheck.output}`);
const leftovers = await run(process.execPath, [`${root}scripts/check-leftovers.mjs`]);
process.exit(quick.find(({ code }) => code !== 0)?.code || typecheck.code || vitest.code || leftovers.code);
