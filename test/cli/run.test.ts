// The command in-process (runCommand), against a local Z-API stand-in: the plan, resumes,
// refusals, errors and exit codes, without the cost of a process per run.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand } from "../../src/cli/command.js";
import { SECRETS } from "../helpers/secrets.js";
import { cliEnv, COMMUNITY, reportRows, sentPhones, workDir, writtenPhones, zapiStub, type Answer } from "./harness.js";

async function run(argv: string[], env: NodeJS.ProcessEnv) {
  let stdout = "";
  let stderr = "";
  const code = await runCommand(argv, {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    onInterrupt: () => () => {},
  });
  for (const secret of SECRETS) expect(stdout + stderr, "a credential leaked").not.toContain(secret);
  return { code, stdout, stderr };
}

const args = (file: string, ...more: string[]) => ["add-participants", "--community", COMMUNITY, "--file", file, "--auto-invite", "--pause", "0", ...more];

/** A list of `count` phones in a fresh directory; returns its path. */
function list(count: number, name = "phones.txt"): string {
  const file = join(workDir(), name);
  writeFileSync(file, `${writtenPhones(count).join("\n")}\n`);
  return file;
}

describe("add-participants, in-process", () => {
  it("--dry-run prints the plan with invalid lines by number and duplicates, sends nothing, needs no credentials", async () => {
    const dir = workDir();
    // A spreadsheet export: BOM, semicolons, CRLF, quoted fields, one spanning two lines.
    const csv = '\uFEFFNome;Telefone;Cidade\r\n"Ana; Maria";(44) 99999-9999;Maringá\r\nBruno;(44) 1234;x\r\n"Carla\r\nde Souza";+55 44 99999-9999;y\r\nDani;abc;z\r\n';
    const file = join(dir, "export.csv");
    writeFileSync(file, csv);
    const stub = await zapiStub();
    const ran = await run(args(file, "--dry-run", "--report", join(dir, "plan.csv")), { ZAPI_BASE_URL: stub.url });

    expect(ran.code, ran.stderr).toBe(0);
    expect(stub.batches).toEqual([]);
    expect(existsSync(`${file}.zapi-journal.jsonl`)).toBe(false);
    expect(ran.stdout).toContain('the column "Telefone" of a semicolon-separated file, 4 lines with a phone');
    expect(ran.stdout).toContain("valid      1 phone ");
    expect(ran.stdout).toContain('line 3: "(44) 1234": too short for a BR number');
    expect(ran.stdout).toContain('line 6: "abc": not a phone number');
    expect(ran.stdout).toContain("line 4: 5544999999999, same phone as line 2");
    expect(ran.stdout).toContain("Dry run: nothing was sent");
    expect(reportRows(join(dir, "plan.csv")).map((row) => [row["line"], row["phone_as_written"], row["normalized_phone"], row["outcome"]])).toEqual([
      ["2", "(44) 99999-9999", "5544999999999", "pending"],
      ["3", "(44) 1234", "", "invalid"],
      ["4", "+55 44 99999-9999", "5544999999999", "duplicate"],
      ["6", "abc", "", "invalid"],
    ]);
  });

  it("prints the plan before sending: batches and the estimated time at the chosen pacing", async () => {
    const file = list(95);
    const ran = await run(["add-participants", "--community", COMMUNITY, "--file", file, "--auto-invite", "--dry-run"], {});
    expect(ran.stdout).toContain("batches    10 of up to 10 phones");
    // 10 calls at ~1 s and 9 pauses of 30 s: 280 s.
    expect(ran.stdout).toContain("pacing     30 s (±25%) between batches: about 4 min 40 s for 10 batches to send");
  });

  it("refuses an old journal when the input, the target, autoInvite or the batch size changed, and sends nothing", async () => {
    const file = list(5);
    const stub = await zapiStub();
    const env = cliEnv(stub.url);
    expect((await run(args(file), env)).code).toBe(0);
    expect(stub.batches).toHaveLength(1);

    writeFileSync(file, `${writtenPhones(6).join("\n")}\n`);
    const changed = await run(args(file), env);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain("phones.txt.zapi-journal.jsonl was written for a different list of phones (5 then, 6 now");
    expect(changed.stderr).toContain("pass --journal NEW-PATH");
    // The same phones in another order would make other batches: refused too.
    writeFileSync(file, `${writtenPhones(5).reverse().join("\n")}\n`);
    expect((await run(args(file), env)).stderr).toContain("a different list of phones (5 then, 5 now");

    writeFileSync(file, `${writtenPhones(5).join("\n")}\n`);
    const otherGroup = await run(["add-participants", "--group", "120363019502650977-group", "--file", file, "--auto-invite"], env);
    expect(otherGroup.code).toBe(2);
    expect(otherGroup.stderr).toContain(`was written for --community ${COMMUNITY}, not --group 120363019502650977-group`);
    const noInvite = await run(["add-participants", "--community", COMMUNITY, "--file", file, "--no-auto-invite"], env);
    expect(noInvite.code).toBe(2);
    expect(noInvite.stderr).toContain("was written for --auto-invite, and this run says --no-auto-invite");
    const batchSize = await run(args(file, "--batch-size", "2"), env);
    expect(batchSize.code).toBe(2);
    expect(batchSize.stderr).toContain("batches of 10; this run asks for --batch-size 2. Resume with --batch-size 10.");
    // A dry run refuses it as well; a journal of its own is fine.
    expect((await run(args(file, "--dry-run", "--batch-size", "2"), {})).code).toBe(2);
    const separate = await run(args(file, "--no-auto-invite", "--journal", `${file}.second`).filter((a) => a !== "--auto-invite"), env);
    expect(separate.code, separate.stderr).toBe(0);
    expect(stub.batches).toHaveLength(2);
  });

  it("a refused batch (HTTP 401) stops the run as an error; the next run sends it again and goes on", async () => {
    const file = list(25);
    let refuse = true;
    const stub = await zapiStub({ answer: (n) => (refuse && n === 2 ? { status: 401, body: { error: "not allowed" } } : undefined) });
    const report = `${file}.report.csv`;
    const first = await run(args(file, "--report", report), cliEnv(stub.url));
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('Stopped at batch 2: Z-API answered HTTP 401 to POST: "not allowed" (unknown: Z-API refused the call; its text says why). Batches after it were not sent.');
    expect(first.stdout).toContain("To resume, run:");
    expect(stub.batches).toHaveLength(2);
    const outcomes = reportRows(report).map((row) => `${row["batch"]} ${row["outcome"]} ${row["detail"]}`);
    expect(new Set(outcomes)).toEqual(new Set(["1 added ", "2 error ZApiHttpError 401", "3 pending not sent yet"]));

    refuse = false;
    const second = await run(args(file, "--report", report), cliEnv(stub.url));
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("1 refused with an error, sent again");
    expect(stub.batches.slice(2)).toEqual([sentPhones(10, 10), sentPhones(5, 20)]);
  });

  it.each<[string, Answer, string]>([
    ["a 500", { status: 500, body: "oops" }, "ZApiHttpError 500"],
    ["a dropped connection", { drop: true }, "ZApiNetworkError"],
    ["a 200 that is not { value }", { status: 200, body: { ok: true } }, "ZApiResponseError"],
  ])("after %s the batch is unknown: the run stops, and a rerun does not send it again", async (_, answer, detail) => {
    const file = list(20);
    const stub = await zapiStub({ answer: (n) => (n === 1 ? answer : undefined) });
    const report = `${file}.report.csv`;
    const first = await run(args(file, "--report", report), cliEnv(stub.url));
    expect(first.code).toBe(1);
    expect(stub.batches).toHaveLength(1);
    expect(reportRows(report)[0]!["outcome"]).toBe("unknown");
    expect(reportRows(report)[0]!["detail"]).toContain(detail);

    const second = await run(args(file), cliEnv(stub.url));
    expect(second.code).toBe(1);
    expect(second.stdout).toContain("1 unknown (1): not sent again");
    expect(stub.batches).toEqual([sentPhones(10), sentPhones(10, 10)]);
  });

  it("honours 429 with Retry-After through the client's retry policy: the batch is added, not given up", async () => {
    const file = list(3);
    const stub = await zapiStub({ answer: (n) => (n <= 2 ? { status: 429, body: {}, headers: { "retry-after": "0" } } : undefined) });
    const ran = await run(args(file), cliEnv(stub.url));
    expect(ran.code, ran.stderr).toBe(0);
    expect(stub.batches).toEqual([sentPhones(3), sentPhones(3), sentPhones(3)]);
    expect(ran.stdout).toContain("batch 1/1: 3 phones, added");
  });

  it("value: false is reported failed and exits 1; the run goes on, and a rerun does not send it again", async () => {
    const file = list(20);
    const stub = await zapiStub({ answer: (n) => (n === 1 ? { body: { value: false } } : undefined) });
    const first = await run(args(file), cliEnv(stub.url));
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/failed +10 phones in 1 batch \(1\): Z-API answered false/);
    expect(stub.batches).toHaveLength(2);
    expect((await run(args(file), cliEnv(stub.url))).stdout).toContain("Every batch already has its answer in the journal: nothing to send.");
    expect(stub.batches).toHaveLength(2);
  });

  it("refuses to run while another run holds the journal's lock", async () => {
    const file = list(3);
    writeFileSync(`${file}.zapi-journal.jsonl.lock`, `${process.pid}\n`);
    const stub = await zapiStub();
    const ran = await run(args(file), cliEnv(stub.url));
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`Another run (process ${process.pid}) is using the journal`);
    expect(stub.batches).toEqual([]);
  });

  it.each<[string, string[], string]>([
    ["no target", ["add-participants", "--file", "x", "--auto-invite"], "Missing the target: give --community ID or --group ID"],
    ["both targets", ["add-participants", "--community", "1", "--group", "1-group", "--file", "x", "--auto-invite"], "Give --community or --group, not both"],
    ["a group id as community", ["add-participants", "--community", "1203-group", "--file", "x", "--auto-invite"], '--community "1203-group" is a group id: use --group 1203-group'],
    ["a malformed group id", ["add-participants", "--group", "abc", "--file", "x", "--auto-invite"], '--group "abc" is not a group id'],
    ["no invitation choice", ["add-participants", "--community", "1", "--file", "x"], "give --auto-invite or --no-auto-invite"],
    ["both invitation choices", ["add-participants", "--community", "1", "--file", "x", "--auto-invite", "--no-auto-invite"], "Give --auto-invite or --no-auto-invite, not both"],
    ["no file", ["add-participants", "--community", "1", "--auto-invite"], "Missing --file PATH"],
    ["a bad country", ["add-participants", "--community", "1", "--file", "x", "--auto-invite", "--country", "XX"], '--country "XX" is not a country code'],
    ["a bad pause", ["add-participants", "--community", "1", "--file", "x", "--auto-invite", "--pause", "soon"], '--pause "soon" must be a number of seconds'],
    ["a batch too big", ["add-participants", "--community", "1", "--file", "x", "--auto-invite", "--batch-size", "5000"], '--batch-size "5000" must be a whole number from 1 to 1000'],
    ["an unknown option", ["add-participants", "--community", "1", "--file", "x", "--auto-invite", "--batch", "5"], "Unknown option '--batch'"],
    ["a stray argument", ["add-participants", "--community", "1", "--file", "x", "--auto-invite", "extra.csv"], 'Unexpected argument "extra.csv"'],
    ["an unknown command", ["add-people"], 'Unknown command "add-people"'],
  ])("exits 2 on %s, naming it", async (_, argv, message) => {
    const ran = await run(argv, {});
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(message);
    expect(ran.stdout).toBe("");
  });

  it.each<[string, (dir: string) => string[], string]>([
    ["a missing file", (dir) => args(join(dir, "nope.csv")), "no such file"],
    ["a CSV without a phone column", (dir) => args(write(dir, "a.csv", "name,email\nAna,a@x\n")), 'Cannot tell which column holds the phones: the header on line 1 is "name", "email"'],
    ["two phone-like columns", (dir) => args(write(dir, "a.csv", "telefone;celular\n1;2\n")), 'More than one column looks like the phone column: "telefone" and "celular"'],
    ["a --column that is not there", (dir) => [...args(write(dir, "a.csv", "name,tel\nAna,1\n")), "--column", "Mobile"], '--column "Mobile" is not a column of the header on line 1: "name", "tel"'],
    ["an unclosed quote", (dir) => args(write(dir, "a.csv", 'name,phone\n"Ana,1\nBia,2\n')), 'line 2: a quoted field opens here and is never closed'],
    ["a file that is not UTF-8", (dir) => args(write(dir, "a.csv", Buffer.from("nome;telefone\nJo\xe3o;11 91234-5678\n", "latin1"))), "is not UTF-8 (line 2 is the first that is not)"],
    ["no valid phone", (dir) => args(write(dir, "a.txt", "123\n456\n")), "Nothing to send:"],
    ["missing credentials", (dir) => args(write(dir, "a.txt", "+55 11 91234-5678\n")), "Set ZAPI_INSTANCE_ID and ZAPI_TOKEN"],
    ["a --journal that is the input", (dir) => [...args(write(dir, "a.txt", "+55 11 91234-5678\n")), "--journal", join(dir, "a.txt")], "is the input file itself: it would be overwritten"],
    ["a --report in a folder that does not exist", (dir) => [...args(write(dir, "a.txt", "+55 11 91234-5678\n")), "--report", join(dir, "no", "r.csv")], "cannot write in"],
    ["a --report that is the input", (dir) => [...args(write(dir, "a.txt", "+55 11 91234-5678\n")), "--report", join(dir, "a.txt")], "is the input file itself: it would be overwritten"],
  ])("exits 2 on %s, naming it, and sends nothing", async (name, argv, message) => {
    const stub = await zapiStub();
    const env = name === "missing credentials" ? { ZAPI_BASE_URL: stub.url } : cliEnv(stub.url);
    const ran = await run(argv(workDir()), env);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(message);
    expect(stub.batches).toEqual([]);
  });

  it("--help shows the options and examples; no argument shows the commands", async () => {
    const help = await run(["add-participants", "--help"], {});
    expect(help.code).toBe(0);
    for (const text of ["--community ID", "--auto-invite", "--resend-unknown", "Examples:", "--dry-run", "Exit codes:"]) expect(help.stdout).toContain(text);
    expect((await run([], {})).stdout).toContain("add-participants");
  });

  it("reads a one-phone-per-line file with a header, and a CSV through --column", async () => {
    const dir = workDir();
    const lines = await run(args(write(dir, "a.txt", "Phone numbers\n\n(11) 91234-5678\n  +351 912 345 678  \n"), "--dry-run"), {});
    expect(lines.stdout).toContain('one phone per line, under the header "Phone numbers", 2 lines with a phone');
    expect(lines.stdout).toContain("valid      2 phones");
    const byName = await run([...args(write(dir, "b.csv", "Name\tContact\tNotes\nAna\t(11) 91234-5678\tx\n"), "--dry-run"), "--column", "contact"], {});
    expect(byName.stdout).toContain('the column "Contact" of a tab-separated file, 1 line with a phone');
  });
});

function write(dir: string, name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}
