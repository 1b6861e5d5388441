import { describe, expect, inject, it } from "vitest";
import { projectRoot, run } from "./helpers/project.js";

const demo = (args: string[], env: Record<string, string>) =>
  run(process.execPath, [`${projectRoot}scripts/demo.mjs`, ...args], {
    env: { ...process.env, ZAPI_INSTANCE_ID: "", ZAPI_TOKEN: "", ZAPI_CLIENT_TOKEN: "", ZAPI_BASE_URL: "", ...env },
  });

describe("npm start", () => {
  it("runs the seed's call on its own Prism mock, prints the request redacted and the typed result, exits 0", async () => {
    const { code, stdout, stderr } = await demo([], {});
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/Starting the Prism mock of spec\/zapi\.yaml on http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/instances\/demo-instance\/token\/\[redacted\]\/add-participant/);
    expect(stdout).toContain('{"autoInvite":true,"communityId":"120363019502650977","phones":["5544999999999","5544988888888"]}');
    expect(stdout).toContain('{"value":true}');
    expect(stdout).toContain("Prism stopped.");
    expect(stdout).not.toContain("demo-token-not-a-secret");
  });

  it("--live refuses, with a clear message, when credentials are missing", async () => {
    const { code, stdout, stderr } = await demo(["--live"], {});
    expect(code).toBe(2);
    expect(stderr).toContain("Set ZAPI_INSTANCE_ID and ZAPI_TOKEN");
    expect(stdout).not.toContain("Request sent");
  });

  it("--live sends the call where ZAPI_BASE_URL points, credentials redacted", async () => {
    const token = "LIVE-s3cr3t-token";
    const clientToken = "LIVE-s3cr3t-client-token";
    const { code, stdout, stderr } = await demo(["--live"], {
      ZAPI_INSTANCE_ID: "live-instance",
      ZAPI_TOKEN: token,
      ZAPI_CLIENT_TOKEN: clientToken,
      ZAPI_BASE_URL: inject("prismUrl"),
    });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`Live mode: sending the call to ${inject("prismUrl")}`);
    expect(stdout).toContain("/instances/live-instance/token/[redacted]/add-participant");
    expect(stdout).toContain("Client-Token: [redacted]");
    expect(stdout).toContain('{"value":true}');
    expect(stdout + stderr).not.toContain(token);
    expect(stdout + stderr).not.toContain(clientToken);
  });
});

describe("npm run mock", () => {
  it("runs a script against its own Prism mock with ZAPI_* set, passes its exit code through, and stops the mock", async () => {
    const script = [
      'const { createZApiClient } = await import("zapi-client");',
      "const group = await createZApiClient().getLightGroupMetadata({ groupId: '120363019502650977-group' });",
      "console.log(`${process.env.ZAPI_BASE_URL} ${group.participants.length} members`);",
      "process.exit(3);",
    ].join("\n");
    const { code, stdout, stderr } = await run(process.execPath, [`${projectRoot}scripts/mock.mjs`, process.execPath, "--input-type=module", "-e", script], {
      cwd: projectRoot,
      env: { ...process.env, ZAPI_INSTANCE_ID: "", ZAPI_TOKEN: "", ZAPI_CLIENT_TOKEN: "a-real-client-token", ZAPI_BASE_URL: "" },
    });
    expect(code, stderr).toBe(3);
    expect(stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+ 2 members\n$/);
    expect(stderr).toContain("Starting the Prism mock of spec/zapi.yaml");
  });
});
