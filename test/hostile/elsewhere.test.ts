// Secrets reaching the user by paths other than an answer's body: a header's name, an
// option error, the command's own arguments and variables. Found by a review that attacked
// each surface; every case here leaked before it was fixed.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { createZApiClient } from "../../src/index.js";
import { createWebhookHandler } from "../../src/webhooks/index.js";
import { run } from "../cli/harness.js";
import { json, startServer } from "../helpers/server.js";
import { CLIENT_TOKEN, clientFor, echoForms, expectNoTrace, seed, thrown, TOKEN } from "./hostile.js";

describe("the api escape hatch", () => {
  it("drops a response header whose name echoes a secret, and keeps the others", async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(404, { [`x-echo-${TOKEN}`]: "1", [`x-ct-${CLIENT_TOKEN}`]: "1", "x-kept": "yes", "content-type": "application/json" });
      response.end('{"error":"nope"}');
    });
    const { response } = await clientFor(server.url).api.POST("/add-participant", { body: seed });
    expect(response.headers.get("x-kept")).toBe("yes");
    expectNoTrace([...response.headers.keys()].join(" "));
  });
});

describe("option errors, when the client knows its credentials", () => {
  it("a baseUrl pasted from the panel, with the token in its path: not shown, whatever else is wrong", () => {
    for (const baseUrl of [`https://api.z-api.io/instances/inst/token/${TOKEN}/send-text?x=1`, `htps://api.z-api.io/instances/inst/token/${TOKEN}`]) {
      const error = thrown(() => createZApiClient({ instanceId: "inst", token: TOKEN, baseUrl }));
      expect(error.message).toMatch(/baseUrl/);
      expectNoTrace(error);
    }
    // Even when the token is not passed as well: the part after /token/ is never shown.
    const error = thrown(() => createZApiClient({ instanceId: "inst", token: "other-token", baseUrl: `htps://api.z-api.io/instances/inst/token/${TOKEN}` }));
    expect(error.message).toContain("/token/[not shown]");
    expectNoTrace(error);
  });

  it("a short token passed to another option is not echoed; other short values still are", () => {
    const short = "A1b2C3d4E5f6";
    const error = thrown(() => createZApiClient({ instanceId: "inst", token: short, logLevel: short as never }));
    expect(error.message).toMatch(/`logLevel` must be one of/);
    expect(error.message).not.toContain(short);
    expect(thrown(() => createZApiClient({ instanceId: "inst", token: short, logLevel: "verbose" as never })).message).toContain('"verbose"');
  });

  it("a Client-Token read from ZAPI_CLIENT_TOKEN and passed to another option is not echoed", () => {
    const short = "Ct9Short77";
    const saved = process.env["ZAPI_CLIENT_TOKEN"];
    process.env["ZAPI_CLIENT_TOKEN"] = short;
    onTestFinished(() => {
      if (saved === undefined) delete process.env["ZAPI_CLIENT_TOKEN"];
      else process.env["ZAPI_CLIENT_TOKEN"] = saved;
    });
    const error = thrown(() => createZApiClient({ instanceId: "inst", token: TOKEN, defaultCountry: short as never }));
    expect(error.message).toMatch(/defaultCountry/);
    expect(error.message).not.toContain(short);
  });

  it("an option key longer than 15 characters is not shown, not even in part", () => {
    const secret = "Abcdefgh1234567890-webhook-secret-xyz-0123456789";
    const error = thrown(() => createWebhookHandler({ secret, onEvent: () => {}, [secret]: true } as never));
    expect(error.message).toContain("a name of 48 characters (not shown");
    expect(error.message).not.toContain(secret.slice(0, 6));
    expect(thrown(() => createZApiClient({ instanceId: "inst", token: TOKEN, timeout: 1 } as never)).message).toContain("Unknown option for createZApiClient: timeout");
  });
});

describe("the command", () => {
  const dir = () => {
    const made = mkdtempSync(join(tmpdir(), "zapi-elsewhere-"));
    onTestFinished(() => rmSync(made, { recursive: true, force: true }));
    return made;
  };

  const long = `${TOKEN}${"9f8e7d6c5b4a3".repeat(8)}`;
  it.each([
    ["--group", TOKEN, TOKEN],
    ["--group", CLIENT_TOKEN, TOKEN],
    // Longer than a cell is shown: a cut would have left its start.
    ["--community", long, long],
    ["--file", `${TOKEN}.csv`, TOKEN],
  ])("an argument %s holding a credential is refused with exit 2, the argument not shown", async (option, value, token) => {
    const where = dir();
    const env = { ZAPI_INSTANCE_ID: "inst", ZAPI_TOKEN: token, ZAPI_CLIENT_TOKEN: CLIENT_TOKEN, ZAPI_STATE_DIR: join(where, "state") };
    const ran = await run(["add-participants", option, value, ...(option === "--file" ? ["--group", "120363019502650977-group"] : ["--file", join(where, "x.txt")]), "--auto-invite"], env);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain("holds the value of ZAPI_TOKEN or ZAPI_CLIENT_TOKEN (not shown)");
    expectNoTrace(ran.stdout + ran.stderr);
  });

  it("a ZAPI_TOKEN read from a file, with its trailing newline, is still hidden: the command trims it as the client does", async () => {
    const where = dir();
    const ran = await run(["add-participants", "--group", TOKEN, "--file", join(where, "x.txt"), "--auto-invite"], { ZAPI_INSTANCE_ID: "inst", ZAPI_TOKEN: `${TOKEN}\n`, ZAPI_STATE_DIR: join(where, "state") });
    expect(ran.code).toBe(2);
    expectNoTrace(ran.stdout + ran.stderr);
  });

  it("Z-API's error text quoting the Client-Token in base64 reaches the terminal redacted", async () => {
    const where = dir();
    const server = await startServer((request, response) => json(response, 403, { error: `Client-Token ${echoForms(String(request.headers["client-token"])).base64} not allowed` }));
    writeFileSync(join(where, "phones.txt"), "+55 11 96000-0001\n");
    const env = { ZAPI_BASE_URL: server.url, ZAPI_INSTANCE_ID: "inst", ZAPI_TOKEN: TOKEN, ZAPI_CLIENT_TOKEN: CLIENT_TOKEN, ZAPI_STATE_DIR: join(where, "state") };
    const ran = await run(["add-participants", "--community", "120363019502650977", "--file", join(where, "phones.txt"), "--pause", "0", "--auto-invite"], env);
    expect(ran.stderr).toContain("not allowed");
    expectNoTrace(ran.stdout + ran.stderr);
  });
});
