import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operationsModule } from "../../scripts/generate.mjs";
import { projectRoot, run } from "../helpers/project.js";
import { SPEC_BUNDLE } from "../helpers/spec.js";

// Adding an operation takes a spec change and `npm run generate`, and nothing in src/:
// proven on a copy of the project, with the copy's own generator, type-check and code.
// The operation is made up (Z-API has no /test-only-invitation), so that it can never be
// one the spec already has.
const NEW_OPERATION = `  /instances/{instanceId}/token/{token}/test-only-invitation:
    parameters:
      - $ref: '#/components/parameters/InstanceId'
      - $ref: '#/components/parameters/InstanceToken'
    get:
      operationId: getTestOnlyInvitation
      summary: Get a group's metadata from an invitation link
      description: A test-only operation, added to a copy of the spec.
      tags:
        - Groups
      security:
        - {}
        - ClientToken: []
      parameters:
        - name: url
          in: query
          required: true
          description: The invitation link.
          schema:
            type: string
            # A quote and a backslash: generated/ carries the schema as a JSON string in quotes.
            pattern: ^https://[^\\s']+$
            examples:
              - https://chat.whatsapp.com/C1adgkdEGki7554BWDdMkd
          examples:
            link:
              value: https://chat.whatsapp.com/C1adgkdEGki7554BWDdMkd
      responses:
        '200':
          description: The group the link leads to.
          content:
            application/json:
              schema:
                title: Invitation metadata
                type: object
                required:
                  - phone
                properties:
                  phone:
                    type: string
                    minLength: 1
                  subject:
                    type: string
              examples:
                group:
                  value:
                    phone: 120363019502650977-group
                    subject: Meu grupo
        '405':
          $ref: '#/components/responses/MethodNotAllowed'
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        default:
          $ref: '#/components/responses/OtherError'
`;

const USAGE = `import { createZApiClient, type GetTestOnlyInvitationResult } from "zapi-client";

const client = createZApiClient({ instanceId: "i", token: "t" });
export const metadata: Promise<GetTestOnlyInvitationResult> = client.getTestOnlyInvitation({ url: "https://chat.whatsapp.com/C1adgkdEGki7554BWDdMkd" });
export const phone = metadata.then((result): string => result.phone);
// @ts-expect-error url is required
void client.getTestOnlyInvitation({});
`;

const tool = (...parts: string[]) => join(projectRoot, ...parts);
let work: string;
let copy: string;
let generated: Awaited<ReturnType<typeof run>>;
let typecheck: Promise<Awaited<ReturnType<typeof run>>>;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

function insertOnce(text: string, anchor: string, replacement: string): string {
  expect(text.split(anchor), `the spec has "${anchor.trim()}" exactly once`).toHaveLength(2);
  return text.replace(anchor, replacement);
}

beforeAll(async () => {
  // One directory from run to run (made anew each time), so that tsc's build info in
  // node_modules/.cache lets a run re-check only what changed: the copy is the same files
  // every time unless the project changed. Two runs of this file at once are not expected
  // (vitest runs a file once); the samples' directory is kept the same way.
  work = tool("test-output", "new-operation");
  rmSync(work, { recursive: true, force: true });
  copy = join(work, "project");
  for (const entry of ["spec", "scripts", "src", "generated", "redocly.yaml", "package.json", "tsconfig.json", "tsconfig.build.json"]) {
    cpSync(tool(entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(tool("node_modules"), join(copy, "node_modules"));
  const original = readFileSync(tool("spec/zapi.yaml"), "utf8");
  writeFileSync(join(copy, "spec/zapi.yaml"), insertOnce(original, "\npaths:\n", `\npaths:\n${NEW_OPERATION}`));
  generated = await run(process.execPath, [join(copy, "scripts/generate.mjs"), "--root", copy]);
  mkdirSync(join(copy, "test"));
  writeFileSync(join(copy, "test/usage.ts"), USAGE);
  // The project's own settings, over what a new operation can affect: src/, generated/ and a use of it.
  writeFileSync(join(copy, "test/tsconfig.json"), JSON.stringify({ extends: "../tsconfig.json", include: ["usage.ts", "../src", "../generated"] }));
  const buildInfo = tool("node_modules/.cache/zapi-client/new-operation.tsbuildinfo");
  typecheck = run(process.execPath, [tool("node_modules/typescript/bin/tsc"), "-p", join(copy, "test/tsconfig.json"), "--listFiles", "--incremental", "--tsBuildInfoFile", buildInfo]);
  await typecheck;
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("a new operation in the spec", () => {
  it("is generated with no change to src/", () => {
    expect(generated.code, generated.stderr).toBe(0);
    const operationsFile = readFileSync(join(copy, "generated/operations.ts"), "utf8");
    expect(operationsFile).toContain("getTestOnlyInvitation: '{");
    expect(operationsFile).toContain('"path":"/test-only-invitation"');
    expect(operationsFile).toContain("export type GetTestOnlyInvitationInput");
    expect(readFileSync(join(copy, "generated/zapi.ts"), "utf8")).toContain("getTestOnlyInvitation: {");
    // Nothing under src/ was added, removed or changed.
    const files = filesUnder(tool("src"));
    expect(filesUnder(join(copy, "src"))).toEqual(files);
    for (const file of files) expect(readFileSync(join(copy, "src", file)).equals(readFileSync(tool("src", file))), `src/${file}`).toBe(true);
  });

  it("type-checks: the method takes { url } and requires it", async () => {
    const result = await typecheck;
    expect(result.stdout.split("\n")).toContain(join(copy, "test/usage.ts"));
    expect(result.stdout.split("\n").filter((line) => !line.startsWith("/")).join("\n") + result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("is a method of the client: a bad input is refused before anything is sent, a good one reaches fetch", async () => {
    const copied = (await import(join(copy, "src/index.ts"))) as {
      createZApiClient: (options: object) => Record<string, (input?: unknown) => Promise<unknown>>;
      ZApiValidationError: new (...args: never[]) => Error & { problems: { path: string }[] };
    };
    const calls: { url: string; method: string | undefined }[] = [];
    const client = copied.createZApiClient({
      instanceId: "i",
      token: "t",
      baseUrl: "https://z.example",
      retry: false,
      fetch: async (url: string, init?: RequestInit) => {
        calls.push({ url: String(url), method: init?.method });
        return new Response(JSON.stringify({ phone: "120363019502650977-group", subject: "Meu grupo", extra: 1 }), { status: 200, headers: { "content-type": "application/json" } });
      },
    });
    expect(typeof client["getTestOnlyInvitation"]).toBe("function");
    const method = client["getTestOnlyInvitation"]!;

    for (const bad of [{ url: "http://x" }, {}, { url: "https://x", other: 1 }, { url: "https://x'y" }, { url: "https://x y" }]) {
      const error = await method(bad).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(bad)).toBeInstanceOf(copied.ZApiValidationError);
    }
    const refused = await method({ url: "http://x" }).catch((e: { problems: { path: string }[] }) => e.problems);
    expect(refused).toEqual([expect.objectContaining({ path: "/url", message: expect.stringContaining("://[^\\s']+$)") })]);
    expect(calls).toEqual([]);

    const result = await method({ url: "https://chat.whatsapp.com/C1adgkdEGki7554BWDdMkd" });
    expect(calls).toEqual([{ url: "https://z.example/instances/i/token/t/test-only-invitation?url=https%3A%2F%2Fchat.whatsapp.com%2FC1adgkdEGki7554BWDdMkd", method: "GET" }]);
    // Only the fields the new 200 schema declares come back.
    expect(result).toEqual({ phone: "120363019502650977-group", subject: "Meu grupo" });
  });
});

describe("the generator", () => {
  // The spec as the generator reads it (the global setup's dereferenced bundle), changed in
  // memory: each refusal comes before anything is written (the command writes generated/
  // only once every module is made).
  const spec = () => JSON.parse(readFileSync(SPEC_BUNDLE, "utf8")) as { paths: Record<string, Record<string, Record<string, unknown>>> };
  const refusal = (change: (bundle: ReturnType<typeof spec>) => void) => {
    const bundle = spec();
    change(bundle);
    try {
      operationsModule(bundle);
    } catch (error) {
      return (error as Error).message;
    }
    return "no refusal";
  };

  it("refuses an operation in which two inputs share a name, naming both", () => {
    // A body field named as the operation's path parameter: the flat input would have two "groupId"s.
    const message = refusal((bundle) => {
      const operation = bundle.paths["/instances/{instanceId}/token/{token}/group-invitation-link/{groupId}"]!["post"]!;
      operation["requestBody"] = { required: true, content: { "application/json": { schema: { type: "object", properties: { groupId: { type: "string" } } } } } };
    });
    expect(message).toContain('getGroupInvitationLink: two inputs are named "groupId"');
    expect(message).toMatch(/path parameter and a body field/);
  });

  it("refuses a path whose {names} are not its declared path parameters, naming both", () => {
    // A {name} in the path that no path parameter declares: the engine would fill it with "undefined".
    const message = refusal((bundle) => {
      const from = "/instances/{instanceId}/token/{token}/group-metadata/{groupId}";
      bundle.paths[`${from}/{page}`] = bundle.paths[from]!;
      delete bundle.paths[from];
    });
    expect(message).toContain("getGroupMetadata: the path's parameters (groupId, page) are not its declared path parameters (groupId)");
  });

  it("refuses an either/or form that does not name its own component", () => {
    const message = refusal((bundle) => {
      const body = (bundle.paths["/instances/{instanceId}/token/{token}/add-participant"]!["post"]!["requestBody"] as { content: Record<string, { schema: { oneOf: { title: string }[] } }> }).content["application/json"]!.schema;
      body.oneOf[0]!.title = "Community form";
    });
    expect(message).toContain("addParticipant: each oneOf form of the request body must be a component schema whose title is its own name");
  });

  it("knows a list from x-zapi-list, not from its name (issue 21.3)", () => {
    const bundle = spec();
    const groups = bundle.paths["/instances/{instanceId}/token/{token}/groups"]!["get"]!;
    // Under a name that says nothing of lists, with the extension: a list.
    bundle.paths["/instances/{instanceId}/token/{token}/groups-in-batches"] = { get: { ...groups, operationId: "groupsInBatches" } };
    // listGroups without it: one call, one answer.
    delete groups["x-zapi-list"];
    const module = operationsModule(bundle);
    const descriptor = (name: string) => JSON.parse(new RegExp(`^  ${name}: '(.*)',$`, "m").exec(module)![1]!.replace(/\\'/g, "'")) as { list?: unknown };
    expect(descriptor("groupsInBatches").list).toEqual({ page: "page", pageSize: "pageSize", firstPage: 1 });
    expect(descriptor("listGroups").list).toBeUndefined();
    expect(module).toMatch(/groupsInBatches: Types<[^\n]*, true>;/);
    expect(module).toMatch(/listGroups: Types<[^\n]*, false>;/);
  });

  it("refuses an x-zapi-list that names no query parameter of the operation", () => {
    const message = refusal((bundle) => {
      bundle.paths["/instances/{instanceId}/token/{token}/groups"]!["get"]!["x-zapi-list"] = { page: "p", pageSize: "pageSize", firstPage: 1 };
    });
    expect(message).toContain("listGroups: x-zapi-list must be { page, pageSize, firstPage }");
  });
});
