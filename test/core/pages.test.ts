// Issue 21, point 3: a list operation's method resolves to one page, and its result can be
// walked with for await from the page asked for through the last one, never forever.
import { describe, expect, expectTypeOf, it } from "vitest";
import { createZApiClient, ZApiError, ZApiHttpError, ZApiResponseError, type ListCommunitiesResult, type ListGroupsResult } from "../../src/index.js";
import { MAX_PAGES } from "../../src/core/pages.js";
import { json, startServer } from "../helpers/server.js";
import { fakeFetch, TOKEN } from "../hostile/hostile.js";

const group = (n: number) => ({ isGroup: true, name: `Grupo ${n}`, phone: `12036301950265${String(n).padStart(4, "0")}-group` });

/** A /groups server over `total` groups, honouring page (from 1) and pageSize; it records each page asked. */
async function groupsServer(total: number, answer?: (page: number, size: number) => unknown) {
  const asked: { page: string | null; pageSize: string | null }[] = [];
  const server = await startServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://x");
    asked.push({ page: url.searchParams.get("page"), pageSize: url.searchParams.get("pageSize") });
    const page = Number(url.searchParams.get("page") ?? "1");
    const size = Number(url.searchParams.get("pageSize") ?? "100");
    const body = answer?.(page, size) ?? Array.from({ length: Math.max(0, Math.min(size, total - (page - 1) * size)) }, (_, i) => group((page - 1) * size + i + 1));
    json(response, 200, body);
  });
  const client = createZApiClient({ instanceId: "inst", token: TOKEN, baseUrl: server.url, retry: false });
  return { client, asked };
}

async function walked<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of pages) items.push(item);
  return items;
}

describe("listGroups: one page, or every page", () => {
  it("awaited, it resolves to the page asked for, and asks nothing more", async () => {
    const { client, asked } = await groupsServer(5);
    const page = await client.listGroups({ page: 1, pageSize: 2 });
    expect(page).toEqual([group(1), group(2)]);
    expect(asked).toEqual([{ page: "1", pageSize: "2" }]);
  });

  it("walked, it yields every item from the page asked for through a short last page", async () => {
    const { client, asked } = await groupsServer(5);
    expect((await walked(client.listGroups({ page: 1, pageSize: 2 }))).map((g) => g.name)).toEqual(["Grupo 1", "Grupo 2", "Grupo 3", "Grupo 4", "Grupo 5"]);
    expect(asked.map((a) => a.page)).toEqual(["1", "2", "3"]);
  });

  it("from a later page, it starts there", async () => {
    const { client } = await groupsServer(5);
    expect((await walked(client.listGroups({ page: 2, pageSize: 2 }))).map((g) => g.name)).toEqual(["Grupo 3", "Grupo 4", "Grupo 5"]);
  });

  it("when the list fills its last page exactly, an empty page ends it", async () => {
    const { client, asked } = await groupsServer(4);
    expect(await walked(client.listGroups({ page: 1, pageSize: 2 }))).toHaveLength(4);
    expect(asked.map((a) => a.page)).toEqual(["1", "2", "3"]);
  });

  it("awaiting and walking the same call ask for the first page once", async () => {
    const { client, asked } = await groupsServer(3);
    const pages = client.listGroups({ page: 1, pageSize: 2 });
    expect(await pages).toHaveLength(2);
    expect(await walked(pages)).toHaveLength(3);
    expect(asked.map((a) => a.page)).toEqual(["1", "2"]);
  });

  it("an error on a later page ends the walk with it", async () => {
    const { client } = await groupsServer(10, (page) => (page === 2 ? { error: "Instance not found" } : undefined));
    const items: unknown[] = [];
    const error = await (async () => {
      for await (const item of client.listGroups({ page: 1, pageSize: 3 })) items.push(item);
    })().catch((thrown: unknown) => thrown);
    expect(items).toHaveLength(3);
    expect(error).toBeInstanceOf(ZApiHttpError);
    expect((error as ZApiHttpError).reason).toBe("instance-not-found");
  });

  it("a server that ignores the page number is caught on the second page, not walked forever", async () => {
    const { client, asked } = await groupsServer(100, () => [group(1), group(2)]);
    const error = await walked(client.listGroups({ page: 1, pageSize: 2 })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ZApiResponseError);
    expect((error as Error).message).toContain("page 2 holds the same items as page 1");
    expect(asked).toHaveLength(2);
  });

  it(`a server that never sends a last page is stopped after ${MAX_PAGES} pages`, async () => {
    let calls = 0;
    const { fetch } = fakeFetch(() => new Response(JSON.stringify([group(++calls), group(-calls)])));
    const client = createZApiClient({ instanceId: "inst", token: TOKEN, fetch, retry: false });
    const error = await walked(client.listGroups({ page: 1, pageSize: 2 })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ZApiError);
    expect((error as Error).message).toContain(`read ${MAX_PAGES} pages and found no last page`);
    expect(calls).toBe(MAX_PAGES);
  }, 60_000);

  it("types: the walk's item is the list's item type", () => {
    const client = createZApiClient({ instanceId: "inst", token: TOKEN });
    const pages = client.listGroups({ page: 1, pageSize: 50 });
    expectTypeOf(pages).resolves.toEqualTypeOf<ListGroupsResult>();
    expectTypeOf(pages[Symbol.asyncIterator]).returns.toEqualTypeOf<AsyncIterator<ListGroupsResult[number]>>();
    void pages.catch(() => {});
  });
});

describe("listCommunities: no page size given", () => {
  it("without pageSize, only an empty page ends the walk; without page, it starts at page 1", async () => {
    const asked: (string | null)[] = [];
    const server = await startServer((request, response) => {
      const page = new URL(request.url ?? "/", "http://x").searchParams.get("page");
      asked.push(page);
      const n = Number(page ?? "1");
      json(response, 200, n <= 2 ? [{ name: `C${n}a`, id: `1${n}1` }, { name: `C${n}b`, id: `1${n}2` }, { name: `C${n}c`, id: `1${n}3` }] : []);
    });
    const client = createZApiClient({ instanceId: "inst", token: TOKEN, baseUrl: server.url, retry: false });
    expect((await walked(client.listCommunities())).map((c) => c.name)).toEqual(["C1a", "C1b", "C1c", "C2a", "C2b", "C2c"]);
    expect(asked).toEqual([null, "2", "3"]);
  });

  it("types: the walk's item is a community", () => {
    const client = createZApiClient({ instanceId: "inst", token: TOKEN });
    const pages = client.listCommunities();
    expectTypeOf(pages).resolves.toEqualTypeOf<ListCommunitiesResult>();
    expectTypeOf(pages[Symbol.asyncIterator]).returns.toEqualTypeOf<AsyncIterator<ListCommunitiesResult[number]>>();
    expectTypeOf<ListCommunitiesResult[number]>().toHaveProperty("id");
    void pages.catch(() => {});
  });
});
