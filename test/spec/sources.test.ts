import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../helpers/project.js";
import { bundledSpec, specOperations } from "../helpers/spec.js";
import { DOCS_FIXTURE, docsFiles as files, docsFixtureText as fixtureText } from "../helpers/zapi-docs.js";

// Every operation names the pages of Z-API's docs repository it is written from
// (`x-zapi-source` on the operation: the Portuguese page, its English translation and the
// request sample its code widget loads), and every page, translation and sample the spec
// names exists at the commit in `info.x-zapi-docs`. The repository is not needed here:
// test/spec/fixtures/zapi-docs-pages.txt lists its files at that commit, written by
// scripts/zapi-docs-pages.mjs from a clone (see that script to refresh it).
const EN = "i18n/en/docusaurus-plugin-content-docs/current/";

interface PageSource {
  readonly pt?: unknown;
  readonly en?: unknown;
  readonly sample?: unknown;
  readonly [key: string]: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const spec = (await bundledSpec()) as any;
const specText = readFileSync(`${projectRoot}spec/zapi.yaml`, "utf8");
const operations: { name: string; sources: unknown }[] = [
  ...specOperations(spec).map((op) => ({ name: op.operationId, sources: (op.operation as unknown as Record<string, unknown>)["x-zapi-source"] })),
  ...Object.entries(spec.webhooks ?? {}).map(([name, item]) => ({ name: `webhook ${name}`, sources: (item as { post: Record<string, unknown> }).post["x-zapi-source"] })),
];

describe("the docs pages the spec is written from", () => {
  it("the fixture lists Z-API's docs repository at the commit in info.x-zapi-docs", () => {
    const commit: unknown = spec.info["x-zapi-docs"]?.commit;
    expect(commit, "info.x-zapi-docs.commit").toMatch(/^[0-9a-f]{40}$/);
    expect(fixtureText.split("\n")[0], `${DOCS_FIXTURE} is for another commit: run scripts/zapi-docs-pages.mjs`).toContain(` at ${String(commit)} `);
    expect(files.size).toBeGreaterThan(100);
  });

  it.each(operations.map((op) => [op.name, op.sources] as const))("%s names its Portuguese page, and its English page and request sample where they exist", (name, sources) => {
    expect(Array.isArray(sources) && sources.length > 0, `${name}: needs x-zapi-source, a list of { pt, en, sample }`).toBe(true);
    for (const [i, source] of (sources as PageSource[]).entries()) {
      const where = `${name} x-zapi-source[${i}]`;
      expect(Object.keys(source).filter((key) => !["pt", "en", "sample"].includes(key)), `${where}: unknown keys`).toEqual([]);
      expect(source.pt, `${where}.pt: a Portuguese page, docs/….md`).toMatch(/^docs\/.+\.md$/);
      const pt = source.pt as string;
      expect(files.has(pt), `${where}.pt: ${pt} is not in Z-API's docs repository at the commit`).toBe(true);
      // The English translation sits at the same place under i18n/en: named exactly where it exists.
      const en = `${EN}${pt.slice("docs/".length)}`;
      expect(source.en, `${where}.en`).toBe(files.has(en) ? en : undefined);
      // The sample is the one the page's widget loads, where the repository has it.
      expect(source.sample, `${where}.sample: the request sample docs/… loads`).toBe(files.get(pt));
    }
  });

  it("each page of the group and community docs is the source of exactly one operation", () => {
    const named = operations.flatMap((op) => ((op.sources ?? []) as PageSource[]).map((source) => [source.pt, op.name] as const));
    const pages = [...files.keys()].filter((path) => /^docs\/(group|communities)\/.+\.md$/.test(path) && !path.endsWith("/introduction.md"));
    expect(pages.length).toBe(35);
    for (const page of pages) {
      expect(
        named.filter(([pt]) => pt === page).map(([, op]) => op),
        `${page}: the operations that name it`,
      ).toHaveLength(1);
    }
  });

  it("every page, translation and sample the spec names exists at the commit", () => {
    const cited = new Set(specText.match(/(?<![\w/.:-])(?:docs|i18n\/en\/docusaurus-plugin-content-docs\/current)\/[\w/.-]+\.mdx?(?![\w/-])|(?<![\w/.:-])json-examples\/[\w.-]+\.json(?![\w/-])/g));
    expect(cited.size).toBeGreaterThan(50);
    // The one the spec names as missing: update-webhook-received's page loads a sample the repository does not have.
    const missing = [...cited].filter((path) => !files.has(path));
    expect(missing).toEqual(["json-examples/update-webhook-receive.json"]);
    expect(specText).toContain("`json-examples/update-webhook-receive.json`, which Z-API's repository does not\n          have");
  });
});
