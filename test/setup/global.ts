import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startPrism } from "../../scripts/prism.mjs";
import { mkdirSync } from "node:fs";
import { projectRoot } from "../helpers/project.js";
import { SPEC_BUNDLE } from "../helpers/spec.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the Prism mock of spec/zapi.yaml, for contract tests. */
    prismUrl: string;
  }
}

// Once per run, before any test: the Prism mock, and dist/ for the tests that run the
// built package (the demo, the packed tarball), so no two tests build at the same time.
export default async function setup(project: TestProject) {
  console.log(`Node ${process.version}: building dist/ and starting the Prism mock`);
  mkdirSync(`${projectRoot}test-output`, { recursive: true });
  const [prism] = await Promise.all([
    startPrism(),
    promisify(execFile)(process.execPath, [`${projectRoot}scripts/build.mjs`]),
    // The spec as one dereferenced JSON document, once, for the tests that read its examples.
    promisify(execFile)(`${projectRoot}node_modules/.bin/redocly`, ["bundle", "zapi", "--dereferenced", "--ext", "json", "-o", SPEC_BUNDLE], { cwd: projectRoot }),
  ]);
  project.provide("prismUrl", prism.url);
  return () => prism.stop();
}
