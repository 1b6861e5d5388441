// @ts-check
// Whether a step already passed on exactly these files, so that a run of `npm test` or of
// the build skips work whose result cannot have changed, as `tsc --incremental` does. A
// step's fingerprint covers every byte of its inputs (and of its outputs, for the build,
// so that an edited dist/ is rebuilt) plus the locked versions of the tools. The record
// lives in node_modules/.cache/zapi-client, outside the project's files: a fresh clone has
// none, so CI always runs every step.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
// Every step depends on the tools' versions, which the lock file pins.
const ALWAYS = ["package.json", "package-lock.json"];

/**
 * A SHA-256 of every file under `paths` (files or folders, relative to `root`), by
 * relative path and content; a missing path counts as such.
 * @param {readonly string[]} paths @param {string} root
 */
export function fingerprint(paths, root) {
  const hash = createHash("sha256");
  for (const path of [...new Set([...ALWAYS, ...paths])].sort()) {
    for (const file of filesUnder(join(root, path))) {
      const content = readFileSync(file);
      // Name and length first, so that no two sets of files can run together into one text.
      hash.update(`${relative(root, file)}\0${content.length}\0`);
      hash.update(content);
    }
    if (!existsSync(join(root, path))) hash.update(`${path}\0missing\0`);
  }
  return hash.digest("hex");
}

/**
 * Whether `step` passed before on inputs whose fingerprint is the current one, leaving
 * `outputs` as they are now, and how to record that it passed now. The inputs' fingerprint
 * is taken here, before the step runs, so that a file edited while it runs is not recorded
 * as done; the outputs' when it is recorded, after the step wrote them.
 * @param {string} step @param {readonly string[]} inputs @param {readonly string[]} [outputs]
 * @param {string} [root] the project (its tests give another)
 */
export function freshness(step, inputs, outputs = [], root = projectRoot) {
  const cacheDir = join(root, "node_modules", ".cache", "zapi-client");
  const record = join(cacheDir, `${step}.passed`);
  const current = fingerprint(inputs, root);
  const written = () => (outputs.length > 0 ? ` ${fingerprint(outputs, root)}` : "");
  return {
    passedBefore: existsSync(record) && readFileSync(record, "utf8") === current + written(),
    remember() {
      mkdirSync(cacheDir, { recursive: true });
      writeFileSync(record, current + written());
    },
  };
}

/** @param {string} path @returns {string[]} */
function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
