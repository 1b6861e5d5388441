import { inject } from "vitest";

export interface Exchange {
  readonly status: number;
  /** Prism's `sl-violations` header: what it found wrong with the request, if anything. */
  readonly violations: string | null;
}

/**
 * A fetch that forwards to the Prism mock and records each answer's status and
 * violations, for clients built with `fetch: recorder.fetch`.
 */
export function prismRecorder() {
  const exchanges: Exchange[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const response = await globalThis.fetch(input, init);
    exchanges.push({ status: response.status, violations: response.headers.get("sl-violations") });
    return response;
  }) as typeof globalThis.fetch;
  return { baseUrl: inject("prismUrl"), exchanges, fetch };
}
