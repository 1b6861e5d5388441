// The built command (dist/cli.js) run as a child process against a local Z-API stand-in:
// what only a real process shows (SIGKILL, SIGINT, the executable itself). The rest runs
// in-process, in run.test.ts.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SECRETS } from "../helpers/secrets.js";
import { cliEnv, COMMUNITY, reportRows, runCli, sentPhones, startCli, workDir, writtenPhones, zapiStub } from "./harness.js";

const send = (file: string, ...more: string[]) => ["add-participants", "--community", COMMUNITY, "--file", file, "--auto-invite", "--pause", "0", ...more];

function expectNoSecretIn(...texts: string[]) {
  for (const text of texts) for (const secret of SECRETS) expect(text, "a credential leaked").not.toContain(secret);
}

describe("zapi-client add-participants", () => {
  it("sends 10,000 phones with no pause: each arrives exactly once, every line is reported added, no secret anywhere", async () => {
    const dir = workDir();
    writeFileSync(join(dir, "list.csv"), `name,phone\n${writtenPhones(10_000).map((p, i) => `"Person ${i}",${p}`).join("\n")}\n`);
    const stub = await zapiStub();
    const ran = await runCli(send("list.csv", "--batch-size", "100", "--report", "report.csv"), { cwd: dir, env: cliEnv(stub.url) });

    expect(ran.code, ran.stderr).toBe(0);
    expect(stub.batches).toHaveLength(100);
    expect(stub.batches.every((batch) => batch.length === 100)).toBe(true);
    expect(stub.seen.size).toBe(10_000);
    expect([...stub.seen.keys()].sort()).toEqual(sentPhones(10_000));
    expect([...stub.seen.values()].every((count) => count === 1)).toBe(true);
    const rows = reportRows(join(dir, "report.csv"));
    expect(rows).toHaveLength(10_000);
    expect(rows[0]).toEqual({ line: "2", phone_as_written: "+55 11 96000-0000", normalized_phone: "5511960000000", batch: "1", outcome: "added", detail: "" });
    expect(rows.filter((row) => row["outcome"] === "added")).toHaveLength(10_000);
    const journal = readFileSync(join(dir, "list.csv.zapi-journal.jsonl"), "utf8");
    expect(journal.match(/"event":"answered","outcome":"added"/g)).toHaveLength(100);
    expect(ran.stdout).toContain("Summary: 10,000 lines, 10,000 phones to add in 100 batches");
    expectNoSecretIn(ran.stdout, ran.stderr, journal, readFileSync(join(dir, "report.csv"), "utf8"));
  });

  it("after a SIGKILL mid-batch, a rerun never sends that batch again and reports it unknown; --resend-unknown sends it once more", async () => {
    const dir = workDir();
    writeFileSync(join(dir, "phones.txt"), `${writtenPhones(50).join("\n")}\n`);
    const stub = await zapiStub({ hold: [3] });
    const args = send("phones.txt", "--batch-size", "10", "--report", "report.csv");

    const first = startCli(args, { cwd: dir, env: cliEnv(stub.url) });
    await stub.held(3);
    first.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    stub.release();
    expect(stub.batches).toHaveLength(3);

    const second = await runCli(args, { cwd: dir, env: cliEnv(stub.url) });
    expect(second.code, second.stderr).toBe(1);
    expect(second.stdout).toMatch(/1 unknown \(3\): not sent again; --resend-unknown would/);
    expect(stub.batches).toHaveLength(5);
    expect([...stub.seen.values()].every((count) => count === 1)).toBe(true);
    expect(stub.seen.size).toBe(50);
    const unknown = reportRows(join(dir, "report.csv")).filter((row) => row["outcome"] === "unknown");
    expect(unknown.map((row) => row["normalized_phone"])).toEqual(sentPhones(10, 20));
    expect(unknown.every((row) => row["batch"] === "3")).toBe(true);

    const third = await runCli([...args, "--resend-unknown"], { cwd: dir, env: cliEnv(stub.url) });
    expect(third.code, third.stderr).toBe(0);
    expect(stub.batches).toHaveLength(6);
    expect(stub.batches[5]).toEqual(sentPhones(10, 20));
    for (const phone of sentPhones(50)) expect(stub.seen.get(phone)).toBe(sentPhones(10, 20).includes(phone) ? 2 : 1);
    expect(reportRows(join(dir, "report.csv")).every((row) => row["outcome"] === "added")).toBe(true);
    expectNoSecretIn(first.stdout(), first.stderr(), second.stdout, second.stderr, third.stdout, third.stderr, readFileSync(join(dir, "phones.txt.zapi-journal.jsonl"), "utf8"));
  });

  it("Ctrl-C stops after the batch in flight, prints the command that resumes, and that command sends the rest once", async () => {
    const dir = workDir();
    writeFileSync(join(dir, "phones.txt"), `phone\n${writtenPhones(30).join("\n")}\n`);
    const stub = await zapiStub({ hold: [2] });
    const args = send("phones.txt", "--batch-size", "10");

    const run = startCli(args, { cwd: dir, env: cliEnv(stub.url) });
    await stub.held(2);
    run.kill("SIGINT");
    await run.printed("Ctrl-C: stopping after the batch in flight");
    stub.release();
    const stopped = await run.exited;
    expect(stopped.code, stopped.stderr).toBe(1);
    expect(stopped.stdout).toContain("batch 2/3: 10 phones, added");
    expect(stopped.stdout).toContain(`To resume, run:\n  npx zapi-client add-participants --community ${COMMUNITY} --file phones.txt --auto-invite --pause 0 --batch-size 10`);
    expect(stub.batches).toHaveLength(2);
    expect(readFileSync(join(dir, "phones.txt.zapi-journal.jsonl"), "utf8")).toContain('{"batch":2,"event":"answered","outcome":"added"');

    const resumed = await runCli(args, { cwd: dir, env: cliEnv(stub.url) });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain("2 batches answered (2 added, 0 failed), 1 to send");
    expect(stub.batches).toHaveLength(3);
    expect([...stub.seen.keys()].sort()).toEqual(sentPhones(30));
    expect([...stub.seen.values()].every((count) => count === 1)).toBe(true);
  });

  it("bad usage exits 2 with a message naming every problem, before reading or sending anything", async () => {
    const dir = workDir();
    const stub = await zapiStub();
    const ran = await runCli(["add-participants", "--community", COMMUNITY, "--file", "missing.csv", "--batch-size", "0"], { cwd: dir, env: cliEnv(stub.url) });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('--batch-size "0" must be a whole number from 1 to 1000');
    expect(ran.stderr).toContain("give --auto-invite or --no-auto-invite");
    expect(ran.stderr).toContain("Usage: zapi-client add-participants");
    expect(ran.stdout).toBe("");
    expect(stub.batches).toEqual([]);
  });
});
