// @ts-check
// Runs the project's Redocly CLI with its output as it is, less two boxed notices it prints
// on every run and that no option turns off: that Node.js 20 support is ending (this
// project supports 20.19 and later, on purpose) and that build-docs renders with Redoc 3
// (redocly.yaml is written for Redoc 3). Any other box, warning or error is kept.
//
//   node scripts/redocly.mjs <redocly arguments>
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const KNOWN = [/Node\.js 20 support is ending/, /build-docs now renders docs with Redoc 3/];

/**
 * The output with each known box removed, with the blank line around it.
 * @param {string} text
 */
export function withoutKnownNotices(text) {
  return text.replace(/\n? *╔[^\n]*\n(?: *║[^\n]*\n)+ *╚[^\n]*\n\n?/g, (box) => (KNOWN.some((notice) => notice.test(box)) ? "" : box));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const child = spawn(`${root}node_modules/.bin/redocly`, process.argv.slice(2), { cwd: process.cwd(), stdio: ["inherit", "pipe", "pipe"] });
  /** @type {Record<"stdout" | "stderr", string>} */
  const held = { stdout: "", stderr: "" };
  for (const name of /** @type {const} */ (["stdout", "stderr"])) child[name].setEncoding("utf8").on("data", (chunk) => (held[name] += chunk));
  child.on("close", (code, signal) => {
    process.stdout.write(withoutKnownNotices(held.stdout));
    process.stderr.write(withoutKnownNotices(held.stderr));
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}
