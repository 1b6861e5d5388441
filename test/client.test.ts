import { afterEach, describe, expect, it, vi } from "vitest";
import { createZApiClient, DEFAULT_BASE_URL, ZApiError, type ZApiClientOptions } from "../src/index.js";
import { VERSION } from "../generated/version.js";
import { CLIENT_TOKEN, TOKEN } from "./helpers/secrets.js";

const seed = { autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999", "5544988888888"] };

/** A fetch that records what it was given and answers 200 `{ value: true }`. */
function recordingFetch() {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return new Response('{"value":true}', { status: 200, headers: { "content-type": "application/json" } });
  });
  return { calls, fetch: fetch as unknown as typeof globalThis.fetch, spy: fetch };
}

afterEach(() => vi.unstubAllEnvs());

describe("createZApiClient: what goes on the wire", () => {
  it("sends exactly the URL, method, headers and body that production sends", async () => {
    const { calls, fetch } = recordingFetch();
    const client = createZApiClient({ instanceId: "3C0FFEE", token: TOKEN, clientToken: CLIENT_TOKEN, fetch });
    await expect(client.addParticipant(seed)).resolves.toEqual({ value: true });
    expect(calls).toHaveLength(1);
    const [{ url, init }] = calls as [(typeof calls)[0]];
    expect(url).toBe(`https://api.z-api.io/instances/3C0FFEE/token/${TOKEN}/add-participant`);
    expect(init.method).toBe("POST");
    expect(init.headers).toEqual({ "Content-Type": "application/json", "Client-Token": CLIENT_TOKEN, "User-Agent": `zapi-client/${VERSION}` });
    expect(init.redirect).toBe("manual");
    expect(JSON.parse(init.body as string)).toEqual(seed);
    expect(DEFAULT_BASE_URL).toBe("https://api.z-api.io");
  });

  it("sends no Client-Token header when none is configured", async () => {
    const { calls, fetch } = recordingFetch();
    vi.stubEnv("ZAPI_CLIENT_TOKEN", "");
    await createZApiClient({ instanceId: "i", token: TOKEN, fetch }).addParticipant(seed);
    expect(calls[0]!.init.headers).toEqual({ "Content-Type": "application/json", "User-Agent": `zapi-client/${VERSION}` });
  });

  it("percent-encodes the instance id and token into the path", async () => {
    const { calls, fetch } = recordingFetch();
    await createZApiClient({ instanceId: "a%b&c", token: "t?k#n/..", fetch }).addParticipant(seed);
    expect(calls[0]!.url).toBe("https://api.z-api.io/instances/a%25b%26c/token/t%3Fk%23n%2F../add-participant");
  });

  it("uses baseUrl, without its trailing slash", async () => {
    const { calls, fetch } = recordingFetch();
    await createZApiClient({ instanceId: "i", token: "t", baseUrl: "http://127.0.0.1:9/mock/", fetch }).addParticipant(seed);
    expect(calls[0]!.url).toBe("http://127.0.0.1:9/mock/instances/i/token/t/add-participant");
  });
});

describe("createZApiClient: options and ZAPI_* variables", () => {
  it("reads missing options from ZAPI_INSTANCE_ID, ZAPI_TOKEN, ZAPI_CLIENT_TOKEN and ZAPI_BASE_URL", async () => {
    vi.stubEnv("ZAPI_INSTANCE_ID", "from-env");
    vi.stubEnv("ZAPI_TOKEN", TOKEN);
    vi.stubEnv("ZAPI_CLIENT_TOKEN", CLIENT_TOKEN);
    vi.stubEnv("ZAPI_BASE_URL", "http://127.0.0.1:9");
    const { calls, fetch } = recordingFetch();
    await createZApiClient({ fetch }).addParticipant(seed);
    expect(calls[0]!.url).toBe(`http://127.0.0.1:9/instances/from-env/token/${TOKEN}/add-participant`);
    expect((calls[0]!.init.headers as Record<string, string>)["Client-Token"]).toBe(CLIENT_TOKEN);
  });

  it("prefers options over variables", async () => {
    vi.stubEnv("ZAPI_INSTANCE_ID", "from-env");
    vi.stubEnv("ZAPI_TOKEN", "env-token");
    const { calls, fetch } = recordingFetch();
    await createZApiClient({ instanceId: "from-option", token: "option-token", fetch }).addParticipant(seed);
    expect(calls[0]!.url).toContain("/instances/from-option/token/option-token/");
  });

  it("throws at creation, naming option and variable, when instance id and token are missing", () => {
    vi.stubEnv("ZAPI_INSTANCE_ID", "");
    vi.stubEnv("ZAPI_TOKEN", "");
    const error = (() => {
      try {
        createZApiClient({});
      } catch (e) {
        return e as ZApiError;
      }
    })();
    expect(error).toBeInstanceOf(ZApiError);
    expect(error?.message).toContain("`instanceId`");
    expect(error?.message).toContain("ZAPI_INSTANCE_ID");
    expect(error?.message).toContain("`token`");
    expect(error?.message).toContain("ZAPI_TOKEN");
  });

  it("throws when only the token is missing, naming it", () => {
    vi.stubEnv("ZAPI_TOKEN", "");
    expect(() => createZApiClient({ instanceId: "i" })).toThrow(/`token`.*ZAPI_TOKEN/);
  });

  it.each<[string, ZApiClientOptions, RegExp]>([
    ["an unknown option", { instanceId: "i", token: "t", clientTOken: "x" } as ZApiClientOptions, /Unknown option for createZApiClient: clientTOken/],
    ["a baseUrl that is not a URL", { instanceId: "i", token: "t", baseUrl: "api.z-api.io" }, /`baseUrl` must be an absolute http\(s\) URL.*"api\.z-api\.io"/],
    ["a baseUrl with a query", { instanceId: "i", token: "t", baseUrl: "https://x.test/?a=1" }, /`baseUrl` must not contain "\?" or "#".*"https:\/\/x\.test\/" and a query/],
    ["a negative timeout", { instanceId: "i", token: "t", timeoutMs: -1 }, /`timeoutMs` must be .* got -1/],
    ["a timeout setTimeout would cut to 1 ms", { instanceId: "i", token: "t", timeoutMs: 1e12 }, /`timeoutMs` must be .*2147483647.* got 1000000000000/],
    ["a Retry-After cap setTimeout would cut to 1 ms", { instanceId: "i", token: "t", retry: { maxRetryAfterMs: 2 ** 31 } }, /`retry.maxRetryAfterMs` must be .* got 2147483648/],
    ["zero retry attempts", { instanceId: "i", token: "t", retry: { attempts: 0 } }, /`retry.attempts` .* got 0/],
    ["an unknown retry option", { instanceId: "i", token: "t", retry: { tries: 2 } as never }, /Unknown option for retry: tries/],
    ["a token that is not a string", { instanceId: "i", token: 42 as never }, /`token` must be a non-empty string, got number/],
  ])("refuses %s with a ZApiError that names it", (_name, options, message) => {
    expect(() => createZApiClient(options)).toThrow(ZApiError);
    expect(() => createZApiClient(options)).toThrow(message);
  });

  it("refuses a per-call timeout that is not a positive number, before sending", async () => {
    const { spy, fetch } = recordingFetch();
    const client = createZApiClient({ instanceId: "i", token: "t", fetch });
    await expect(client.addParticipant(seed, { timeoutMs: 0 })).rejects.toThrow(/`timeoutMs` must be .* got 0/);
    expect(spy).not.toHaveBeenCalled();
    await expect(client.addParticipant(seed, { timeoutMs: Infinity })).resolves.toEqual({ value: true });
  });
});

describe("api: the openapi-fetch client with credentials applied", () => {
  it("calls paths relative to the credentials, with the Client-Token header", async () => {
    const seen: Request[] = [];
    const fetch = (async (request: Request) => {
      seen.push(request);
      return new Response('{"value":false}', { status: 200, headers: { "content-type": "application/json" } });
    }) as unknown as typeof globalThis.fetch;
    const { api } = createZApiClient({ instanceId: "i", token: TOKEN, clientToken: CLIENT_TOKEN, fetch });
    const { data } = await api.POST("/add-participant", { body: seed });
    expect(data).toEqual({ value: false });
    expect(seen[0]!.url).toBe(`https://api.z-api.io/instances/i/token/${TOKEN}/add-participant`);
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.headers.get("Client-Token")).toBe(CLIENT_TOKEN);
    expect(await seen[0]!.json()).toEqual(seed);
  });

  it("runs user middleware", async () => {
    const fetch = (async () => new Response('{"value":true}', { status: 200 })) as unknown as typeof globalThis.fetch;
    const { api } = createZApiClient({ instanceId: "i", token: "t", fetch });
    const onRequest = vi.fn(({ request }: { request: Request }) => {
      request.headers.set("X-Trace", "1");
      return request;
    });
    api.use({ onRequest });
    await api.POST("/add-participant", { body: seed });
    expect(onRequest).toHaveBeenCalledOnce();
  });
});
