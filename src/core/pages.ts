import { ZApiError } from "../errors/zapi-error.js";
import { ZApiResponseError } from "../errors/response-error.js";
import type { OperationDescriptor } from "./descriptor.js";

/** The most pages one walk reads: a server that never sends a last page cannot keep it going. */
export const MAX_PAGES = 10_000;

type List = NonNullable<OperationDescriptor["list"]>;
type Call = (input: unknown, options: unknown) => Promise<unknown>;

/**
 * The first page's promise, made walkable with `for await`: from the page asked for (or the
 * spec's first page) through the last one. The last page is one shorter than the page size
 * asked for, or an empty one: Z-API's docs do not say how the end shows, so this rule is the
 * client's. Without a page size, only an empty page ends the walk.
 */
export function withPages(first: Promise<unknown>, call: Call, input: unknown, options: unknown, list: List): Promise<unknown> & AsyncIterable<unknown> {
  return Object.defineProperty(first, Symbol.asyncIterator, { value: () => walk(first, call, input, options, list) }) as Promise<unknown> & AsyncIterable<unknown>;
}

async function* walk(first: Promise<unknown>, call: Call, input: unknown, options: unknown, list: List): AsyncGenerator<unknown> {
  const given = (input ?? {}) as Record<string, unknown>;
  const size = typeof given[list.pageSize] === "number" ? (given[list.pageSize] as number) : undefined;
  let page = typeof given[list.page] === "number" ? (given[list.page] as number) : list.firstPage;
  let items = await first;
  let previous: string | undefined;
  for (let walked = 1; ; walked++) {
    // The engine checked the answer against the spec, which makes a list's page an array.
    const current = items as readonly unknown[];
    yield* current;
    if (current.length === 0 || (size !== undefined && current.length < size)) return;
    // A server that ignores the page number answers the same page again, forever.
    const fingerprint = JSON.stringify(current);
    if (fingerprint === previous) {
      throw new ZApiResponseError(`page ${page} holds the same items as page ${page - 1}, as if the page number were ignored; the walk stopped there`, { status: 200, url: "", body: undefined });
    }
    if (walked >= MAX_PAGES) throw new ZApiError(`The walk read ${MAX_PAGES} pages and found no last page (one shorter than the page size, or empty); it stopped there`);
    previous = fingerprint;
    page++;
    let next: Record<string, unknown>;
    try {
      next = { ...given, [list.page]: page };
    } catch {
      throw new ZApiError("The input could not be read again for the next page (one of its getters threw)");
    }
    items = await call(next, options);
  }
}
