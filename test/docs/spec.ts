import { bundledSpec } from "../helpers/spec.js";

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

/** The spec's tags, and its operations and webhooks in the spec's order, from the bundle the global setup makes. */
export async function documentedSpec(): Promise<{ tags: DocumentedTag[]; operations: DocumentedOperation[] }> {
  const spec = (await bundledSpec()) as unknown as { tags?: DocumentedTag[]; paths?: Record<string, PathItem>; webhooks?: Record<string, PathItem> };
  return {
    tags: (spec.tags ?? []).map(({ name, description }) => ({ name, description })),
    operations: [...operationsOf(spec.paths ?? {}, false), ...operationsOf(spec.webhooks ?? {}, true)],
  };
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
