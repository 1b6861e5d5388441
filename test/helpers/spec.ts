import { readFileSync } from "node:fs";
import { projectRoot } from "./project.js";

/** spec/zapi.yaml bundled into one JSON document by the global setup ($refs kept). */
export const SPEC_BUNDLE = `${projectRoot}test-output/spec-bundle.json`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** The bundled spec, parsed. */
export function readSpec(): Json {
  return JSON.parse(readFileSync(SPEC_BUNDLE, "utf8"));
}

/** Every named example of a webhook's request body: `[name, value]`. */
export function webhookExamples(name: string): [string, unknown][] {
  const examples = readSpec().webhooks[name].post.requestBody.content["application/json"].examples ?? {};
  return Object.entries(examples).map(([key, example]) => [key, (example as { value: unknown }).value]);
}
