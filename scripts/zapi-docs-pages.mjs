// @ts-check
// Writes test/spec/fixtures/zapi-docs-pages.txt: the pages and request samples of Z-API's
// docs repository at the commit that spec/zapi.yaml names in `info.x-zapi-docs`, so that
// test/spec/sources.test.ts can check what the spec cites on a machine without a copy of
// that repository (CI has none).
//
//   node scripts/zapi-docs-pages.mjs <git dir of a clone of Z-API/z-api-docs>
//
// One line per file: the Portuguese pages (docs/), the English pages
// (i18n/en/docusaurus-plugin-content-docs/current/) and the request samples
// (json-examples/). A page whose code widget loads a request sample that the repository
// has is followed by a tab and that sample's path (a widget inside an HTML comment does not
// count: the page does not show it). Run it again, and commit the result, whenever the
// spec moves to another commit of the docs.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const FIXTURE = `${root}test/spec/fixtures/zapi-docs-pages.txt`;
const PAGES = /^(docs\/.+\.mdx?|i18n\/en\/docusaurus-plugin-content-docs\/current\/.+\.mdx?|json-examples\/.+\.json)$/;

const gitDir = process.argv[2];
if (!gitDir) {
  console.error("usage: node scripts/zapi-docs-pages.mjs <git dir of a clone of Z-API/z-api-docs>");
  process.exit(2);
}
const spec = readFileSync(`${root}spec/zapi.yaml`, "utf8");
const commit = /\n  x-zapi-docs:\n(?: {4}.*\n)*? {4}commit: ([0-9a-f]{40})\n/.exec(spec)?.[1];
if (!commit) throw new Error("spec/zapi.yaml: no info.x-zapi-docs.commit of 40 hex digits");

const git = (/** @type {string[]} */ ...args) => execFileSync("git", [`--git-dir=${gitDir}`, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
const files = git("ls-tree", "-r", "--name-only", commit).split("\n").filter((path) => PAGES.test(path)).sort();
const present = new Set(files);

/** The request sample a page's code widget loads, where the page shows the widget and the repository has the file. @param {string} page */
function widgetSample(page) {
  const text = git("show", `${commit}:${page}`);
  for (const match of text.matchAll(/json-examples\/[A-Za-z0-9._-]+\.json/g)) {
    const before = text.slice(0, match.index);
    const commented = before.lastIndexOf("<!--") > before.lastIndexOf("-->");
    if (!commented && present.has(match[0])) return match[0];
  }
  return undefined;
}

const lines = [
  `# Z-API/z-api-docs at ${commit} (info.x-zapi-docs in spec/zapi.yaml): its Portuguese`,
  "# pages, English pages and request samples; after a tab, the sample a page's code widget loads.",
  "# Written by scripts/zapi-docs-pages.mjs; do not edit by hand.",
  ...files.map((path) => {
    const sample = path.endsWith(".json") ? undefined : widgetSample(path);
    return sample ? `${path}\t${sample}` : path;
  }),
];
writeFileSync(FIXTURE, `${lines.join("\n")}\n`);
console.log(`${FIXTURE}: ${files.length} files at ${commit}`);
