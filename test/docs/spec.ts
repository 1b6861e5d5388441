import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { projectRoot, run } from "../helpers/project.js";

/** One x-codeSamples entry, as the spec writes it. */
export interface CodeSample {
  lang: string;
  label: string;
  source: string;
}

/** An operation (or webhook) of the spec, with what the rendered docs must show of it. */
export interface DocumentedOperation {
  operationId: string;
  method: string;
  /** The path, or for a webhook its name. */
  path: string;
  summary: string;
  tag: string;
  webhook: boolean;
  samples: CodeSample[];
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/** A tag of the spec: Redoc 3 gives each one a page of its own. */
export interface DocumentedTag {
  name: string;
  description: string;
}

/**
 * The spec's tags, and its operations and webhooks in the spec's order, read from
 * `redocly bundle` as scripts/generate.mjs reads it: the CLI is a direct devDependency and
 * resolves every $ref, so no YAML parser from another package's dependency tree is needed.
 */
export async function documentedSpec(): Promise<{ tags: DocumentedTag[]; operations: DocumentedOperation[] }> {
  mkdirSync(`${projectRoot}test-output`, { recursive: true });
  const dir = mkdtempSync(join(projectRoot, "test-output", "bundle-"));
  try {
    const out = join(dir, "zapi.json");
    const bundled = await run(`${projectRoot}node_modules/.bin/redocly`, ["bundle", "zapi", "--dereferenced", "--ext", "json", "-o", out]);
    if (bundled.code !== 0) throw new Error(`redocly bundle failed:\n${bundled.stdout}${bundled.stderr}`);
    const spec = JSON.parse(readFileSync(out, "utf8")) as { tags?: DocumentedTag[]; paths?: Record<string, PathItem>; webhooks?: Record<string, PathItem> };
    return {
      tags: (spec.tags ?? []).map(({ name, description }) => ({ name, description })),
      operations: [...operationsOf(spec.paths ?? {}, false), ...operationsOf(spec.webhooks ?? {}, true)],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type PathItem = Record<string, unknown>;

function operationsOf(items: Record<string, PathItem>, webhook: boolean): DocumentedOperation[] {
  return Object.entries(items).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, value]) => {
        const operation = value as { operationId?: string; summary?: string; tags?: string[]; "x-codeSamples"?: CodeSample[] };
        if (!operation.operationId || !operation.summary || !operation.tags?.[0]) {
          throw new Error(`${method.toUpperCase()} ${path} lacks an operationId, a summary or a tag`);
        }
        return { operationId: operation.operationId, method, path, summary: operation.summary, tag: operation.tags[0], webhook, samples: operation["x-codeSamples"] ?? [] };
      }),
  );
}
