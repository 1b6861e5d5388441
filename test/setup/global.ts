import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startPrism } from "../../scripts/prism.mjs";
import { mkdirSync } from "node:fs";
import { projectRoot } from "../helpers/project.js";
import { SPEC_BUNDLE } from "../helpers/spec.js";
import { checkSamples, type SamplesCheck } from "./samples.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the Prism mock of spec/zapi.yaml, for contract tests. */
    prismUrl: string;
    /** The one type-check of the README's samples and the spec's x-codeSamples. */
    samples: SamplesCheck;
  }
}

// Once per run, before any test: the Prism mock, dist/ for the tests that run the built
// package (the demo, the packed tarball), so no two tests build at the same time, and the
// type-check of every sample, so tsc starts once for all of them.
export default async function setup(project: TestProject) {
  console.log(`Node ${process.version}: building dist/, starting the Prism mock, type-checking the samples`);
  mkdirSync(`${projectRoot}test-output`, { recursive: true });
  const run = promisify(execFile);
  const built = run(process.execPath, [`${projectRoot}scripts/build.mjs`]);
  // The spec as one dereferenced JSON document, once, for the tests that read its examples
  // and for the samples' check, which takes the x-codeSamples from it.
  const bundled = run(`${projectRoot}node_modules/.bin/redocly`, ["bundle", "zapi", "--dereferenced", "--ext", "json", "-o", SPEC_BUNDLE], { cwd: projectRoot });
  const [prism, build, samples] = await Promise.allSettled([startPrism(), built, Promise.all([built, bundled]).then(checkSamples)]);
  if (prism.status === "rejected" || build.status === "rejected" || samples.status === "rejected") {
    // Nothing started here may outlive a setup that failed.
    if (prism.status === "fulfilled") await prism.value.stop();
    throw [prism, build, samples].flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []))[0];
  }
  const { url, stop } = prism.value;
  const check = samples.value;
  project.provide("prismUrl", url);
  project.provide("samples", check);
  // The samples' directory stays, under test-output/, for the next run's incremental check.
  return async () => {
    await stop();
  };
}
