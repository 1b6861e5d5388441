import { readFileSync } from "node:fs";
import { projectRoot } from "./project.js";

/**
 * Z-API's docs repository at the commit in the spec's `info.x-zapi-docs`, as
 * scripts/zapi-docs-pages.mjs listed it from a clone: the tests need no copy of it.
 */
export const DOCS_FIXTURE = `${projectRoot}test/spec/fixtures/zapi-docs-pages.txt`;
export const docsFixtureText = readFileSync(DOCS_FIXTURE, "utf8");

/** Each file of the docs repository at that commit, with the request sample its page's code widget loads, if any. */
export const docsFiles: ReadonlyMap<string, string | undefined> = new Map(
  docsFixtureText
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [path, sample] = line.split("\t");
      return [path!, sample] as const;
    }),
);
