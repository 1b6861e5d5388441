import { inspect } from "node:util";
import { expect } from "vitest";

// Distinctive, so a leak anywhere is found by a plain substring search.
export const TOKEN = "TOKEN-s3cr3t-9f8e7d6c5b4a";
export const CLIENT_TOKEN = "CLIENT-s3cr3t-1a2b3c4d5e6f";
export const SECRETS = [TOKEN, CLIENT_TOKEN, encodeURIComponent(TOKEN)];

/** Every way an error or object gets printed or shipped: message, stack, cause chain, inspect, JSON. */
export function everyRendering(value: unknown): string {
  const parts: string[] = [inspect(value, { depth: Infinity, showHidden: true, getters: true })];
  try {
    parts.push(JSON.stringify(value) ?? "");
  } catch (error) {
    parts.push(String(error));
  }
  for (let current: unknown = value, depth = 0; current instanceof Error && depth < 10; depth++) {
    parts.push(current.message, current.stack ?? "", String(current), inspect(current, { depth: Infinity }));
    const { body, errors } = current as { body?: unknown; errors?: unknown };
    if (body !== undefined) parts.push(typeof body === "string" ? body : JSON.stringify(body));
    if (Array.isArray(errors)) parts.push(...errors.map((e) => everyRendering(e)));
    current = current.cause;
  }
  return parts.join("\n");
}

/** Fails if any secret shows up in any rendering of `value`. */
export function expectNoSecret(value: unknown): void {
  const text = everyRendering(value);
  for (const secret of SECRETS) expect(text, "a secret leaked").not.toContain(secret);
}

/** The rejection of `promise`, which must reject. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}
