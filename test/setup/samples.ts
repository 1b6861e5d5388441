import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot, run } from "../helpers/project.js";
import { documentedSpec } from "../docs/spec.js";

/** What one tsc run over every sample printed; test/readme.test.ts and test/docs/code-samples.test.ts read it. */
export interface SamplesCheck {
  /** The directory the samples were written to, one module each. */
  dir: string;
  /** Sample file names: `readme-<n>.ts` for the README's n-th ```ts block, `<operationId>.ts` for x-codeSamples. */
  files: string[];
  code: number;
  /** tsc's output: `--listFiles`, then one line per diagnostic, `<file>(line,col): error ...`. */
  output: string;
}

/**
 * Code a user may get wrong, checked in the same tsc run: each file must fail, and its
 * error must read in the user's words (test/types-words.test.ts).
 */
export const MISTAKES: Readonly<Record<string, string>> = {
  "mistake-both-ids.ts": `import { createZApiClient } from "zapi-client";
const zapi = createZApiClient();
export const both = zapi.addParticipant({ autoInvite: true, communityId: "120363019502650977", groupId: "120363019502650977-group", phones: ["5544999999999"] });
`,
  "mistake-no-phones.ts": `import { createZApiClient } from "zapi-client";
const zapi = createZApiClient();
export const none = zapi.addAdmin({ groupId: "120363019502650977-group" });
`,
  "mistake-remove-admin-both-ids.ts": `import { createZApiClient } from "zapi-client";
const zapi = createZApiClient();
export const both = zapi.removeAdmin({ communityId: "120363019502650977", groupId: "120363019502650977-group", phones: ["5544999999999"] });
`,
  "mistake-send-text-no-mentions.ts": `import { createZApiClient } from "zapi-client";
const zapi = createZApiClient();
export const none = zapi.sendText({ phone: "120363019502650977-group", message: "Bem-vindos!" });
`,
  "mistake-unread-empty-answer.ts": `import { createZApiClient } from "zapi-client";
const zapi = createZApiClient();
const result = await zapi.removeParticipant({ groupId: "120363019502650977-group", phones: ["5544999999999"] });
export const value: boolean = result.value;
`,
};

/** The README's ```ts blocks, in order. */
export function readmeSamples(): string[] {
  const readme = readFileSync(`${projectRoot}README.md`, "utf8");
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/**
 * The README's samples and the spec's x-codeSamples, type-checked in one tsc run (each
 * its own module, as a user would paste it) against the built package's declarations,
 * with the strictest settings a user may have. Run once, by the global setup, after the
 * build and the spec bundle.
 */
export async function checkSamples(): Promise<SamplesCheck> {
  // One directory from run to run, so that tsc's build info (in node_modules/.cache) lets a
  // run re-check only the samples and declarations that changed.
  const dir = join(projectRoot, "test-output", "samples");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, source: string) => {
    writeFileSync(join(dir, name), source);
    files.push(name);
  };
  readmeSamples().forEach((source, i) => write(`readme-${i + 1}.ts`, source));
  for (const [name, source] of Object.entries(MISTAKES)) write(name, source);
  for (const { operationId, samples, webhook } of (await documentedSpec()).operations) {
    if (webhook) continue;
    for (const { source } of samples) write(`${operationId}.ts`, source);
  }
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        target: "ES2022",
        lib: ["ES2022"],
        module: "NodeNext",
        moduleResolution: "NodeNext",
        // Each sample is its own module, even one that imported and exported nothing.
        moduleDetection: "force",
        types: ["node"],
        noEmit: true,
        // "zapi-client" is this package, as built (the samples sit inside it): the samples are
        // checked against the declarations users get. src/ itself is the project's type check.
        skipLibCheck: true,
      },
      include: ["*.ts"],
    }),
  );
  const buildInfo = `${projectRoot}node_modules/.cache/zapi-client/samples.tsbuildinfo`;
  const { code, stdout, stderr } = await run(`${projectRoot}node_modules/typescript/bin/tsc`, ["-p", dir, "--pretty", "false", "--listFiles", "--incremental", "--tsBuildInfoFile", buildInfo]);
  return { dir, files, code, output: stdout + stderr };
}

/** The diagnostics tsc gave for `file` of the samples directory. */
export function diagnosticsOf(check: SamplesCheck, file: string): string[] {
  // tsc names a file relative to the directory it ran in (the project root).
  return check.output.split("\n").filter((line) => /^\S+\(\d+,\d+\): /.test(line) && `/${line.slice(0, line.indexOf("("))}`.endsWith(`/${file}`));
}

/** Whether tsc read `file` (so a clean run really covered it). */
export function wasChecked(check: SamplesCheck, file: string): boolean {
  return check.output.split("\n").includes(join(check.dir, file));
}

/** Every diagnostic tsc gave for `file`, each with the indented lines that elaborate it. */
export function fullDiagnosticsOf(check: SamplesCheck, file: string): string[] {
  const found: string[] = [];
  let current: string[] | undefined;
  for (const line of check.output.split("\n")) {
    if (/^\S+\(\d+,\d+\): /.test(line)) {
      current = `/${line.slice(0, line.indexOf("("))}`.endsWith(`/${file}`) ? [line] : undefined;
      if (current) found.push("");
    } else if (current && line.startsWith(" ")) current.push(line);
    if (current) found[found.length - 1] = current.join("\n");
  }
  return found;
}
