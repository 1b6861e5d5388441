// The command in-process against the stateful Z-API stand-in: who is already in, a
// result per person, reruns of a corrected list, the daily limit, the report, removal,
// exit codes, and what the machine can do to a run (a full disk, a file too large).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LineWriter } from "../../src/cli/journal.js";
import { JITTER } from "../../src/cli/pacing.js";
import { planIdV1, type Target } from "../../src/cli/plan.js";
import { VERSION } from "../../generated/version.js";
import { expectNoSecret } from "../helpers/secrets.js";
import { ANNOUNCEMENTS, cliEnv, COMMUNITY, csvRows, GROUP, INSTANCE, reportRows, run, sentPhones, workDir, writtenPhones, zapiMock, type Fault } from "./harness.js";

const add = (file: string, ...more: string[]) => ["add-participants", "--community", COMMUNITY, "--file", file, "--auto-invite", "--pause", "0", ...more];
const remove = (file: string, ...more: string[]) => ["remove-participants", "--community", COMMUNITY, "--file", file, "--pause", "0", ...more];

/** A list of phones in a fresh directory; returns its path. */
function list(phones: readonly string[], name = "phones.txt", dir = workDir()): string {
  const file = join(dir, name);
  writeFileSync(file, `${phones.join("\n")}\n`);
  return file;
}

const outcomes = (report: string) => Object.fromEntries(reportRows(report).map((row) => [row["normalized_phone"] || row["line"], row["outcome"]]));

describe("who is already in, and a result per person", () => {
  it("reads the community's members first: people already in are not sent, and the plan says how many members it cannot match (@lid)", async () => {
    const mock = await zapiMock({ members: ["5511960000001", "551160000002", { lid: "77@lid", phone: "5511960000003" }] });
    const file = list(writtenPhones(5));
    const ran = await run(add(file, "--report", `${file}.csv`), cliEnv(mock.url));
    expect(mock.calls.community).toBe(2);
    expect(ran.stdout).toContain(`members      3 members (its announcement group ${ANNOUNCEMENTS}): 2 of your phones already in: not sent; 1 member shown only by a Linked ID (@lid), which no phone can be matched to`);
    // 551160000002 is 5511960000002 without the ninth digit: the same person.
    expect(mock.batches).toEqual([["5511960000000", "5511960000003", "5511960000004"]]);
    // 5511960000003 is in, known only by a Linked ID: sent, and then unconfirmed (it cannot be told apart).
    expect(outcomes(`${file}.csv`)).toEqual({ "5511960000000": "added", "5511960000001": "already-in", "5511960000002": "already-in", "5511960000003": "unconfirmed", "5511960000004": "added" });
    expect(reportRows(`${file}.csv`)[3]!["detail"]).toBe("1 member is known only by a Linked ID (@lid): this phone may be that member");
    expect(ran.code).toBe(1);
  });

  it("a dry run with credentials reads the members too, and shows the day's allowance; without, it says it skipped the read", async () => {
    const mock = await zapiMock({ members: ["5511960000000"] });
    const file = list(writtenPhones(3));
    const env = cliEnv(mock.url);
    const dry = await run(add(file, "--dry-run", "--max-per-day", "2"), env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("1 of your phones already in: not sent");
    expect(dry.stdout).toMatch(/daily limit {2}2 adds per 24 hours on instance cli-instance; 0 used in the last 24 hours; this run would use 2 of the 2 left/);
    expect(mock.batches).toEqual([]);
    expect(existsSync(`${file}.zapi-journal.jsonl`)).toBe(false);
    const bare = await run(add(file, "--dry-run"), {});
    expect(bare.stdout).toContain("members      not read: no credentials");
    expect(bare.stdout).toContain("not counted: no ZAPI_INSTANCE_ID");
  });

  it("gives each person an outcome from the members read after sending: added, invited, not-added, unconfirmed; the summary counts people", async () => {
    // 0-3 join by phone, 4 joins shown by its id without the ninth digit, 5-7 are refused.
    const fates = ["join", "join", "join", "join", "nine", "refuse", "refuse", "refuse"] as const;
    const phones = sentPhones(8);
    const mock = await zapiMock({ fate: (phone) => fates[phones.indexOf(phone)]! });
    const file = list(writtenPhones(8));
    const invite = await run(add(file, "--batch-size", "4", "--report", `${file}.csv`), cliEnv(mock.url));
    expect(invite.code, invite.stderr).toBe(0);
    expect(Object.values(outcomes(`${file}.csv`))).toEqual(["added", "added", "added", "added", "added", "invited", "invited", "invited"]);
    expect(invite.stdout).toMatch(/added +5\n/);
    expect(invite.stdout).toMatch(/invited +3 {2}not members: Z-API sends/);
    expect([...mock.invited.keys()]).toEqual(phones.slice(5));

    const group = await zapiMock({ fate: (phone) => fates[phones.indexOf(phone)]! });
    const refused = list(writtenPhones(8));
    const plain = await run(["add-participants", "--group", GROUP, "--file", refused, "--no-auto-invite", "--pause", "0", "--report", `${refused}.csv`], cliEnv(group.url));
    expect(plain.code).toBe(1);
    expect(Object.values(outcomes(`${refused}.csv`)).slice(4)).toEqual(["added", "not-added", "not-added", "not-added"]);
    expect(group.invited.size).toBe(0);
    expect(group.calls.community).toBe(0);
    expect(group.calls.light).toBe(2);
  });

  it("a batch answered false still gets a result per person, from the members, not 'failed' for all ten", async () => {
    const phones = sentPhones(10);
    const mock = await zapiMock({ fate: (phone) => (phone === phones[3] ? "refuse" : "join"), fault: (op) => (op === "add" ? { body: { value: false } } : undefined) });
    const file = list(writtenPhones(10));
    const ran = await run(add(file, "--report", `${file}.csv`), cliEnv(mock.url));
    expect(ran.stdout).toContain("batch 1: 10 phones, answered false");
    const rows = reportRows(`${file}.csv`);
    expect(rows.filter((row) => row["outcome"] === "added")).toHaveLength(9);
    expect(rows[3]).toMatchObject({ outcome: "invited", detail: "Z-API answered false for its batch" });
    expect(ran.code).toBe(0);
  });

  it("people who join only as a Linked ID are unconfirmed, and so is anyone not found while new Linked IDs appeared; --check settles them later", async () => {
    const phones = sentPhones(4);
    const mock = await zapiMock({ fate: (phone) => (phone === phones[0] ? "lid" : phone === phones[1] ? "refuse" : "join") });
    const file = list(writtenPhones(4));
    const env = cliEnv(mock.url);
    const first = await run(add(file, "--report", `${file}.csv`), env);
    expect(first.code).toBe(1);
    expect(Object.values(outcomes(`${file}.csv`))).toEqual(["unconfirmed", "unconfirmed", "added", "added"]);
    expect(reportRows(`${file}.csv`)[0]!["detail"]).toBe("1 member is known only by a Linked ID (@lid), and joined during this run: this phone may be that member");

    // The invited person joins; a check (no --auto-invite needed) sends nothing and updates the journal.
    mock.join(phones[1]!);
    const check = await run(["add-participants", "--community", COMMUNITY, "--file", file, "--check", "--report", `${file}.csv`], env);
    expect(check.stdout).toContain("Checked: 2 outcomes updated in the journal. Nothing was sent.");
    expect(Object.values(outcomes(`${file}.csv`))).toEqual(["unconfirmed", "added", "added", "added"]);
    expect(mock.batches).toHaveLength(1);
    expect(readFileSync(`${file}.zapi-journal.jsonl`, "utf8")).toContain(`["${phones[1]}","added"]`);
    expect(check.code).toBe(1);
  });

  it("when the members cannot be read after sending, the people sent are unconfirmed; before sending, nothing is sent", async () => {
    const after = await zapiMock({ fault: (op, n) => (op === "light" && n === 2 ? { status: 500, body: "down" } : undefined) });
    const file = list(writtenPhones(3));
    const ran = await run(add(file, "--report", `${file}.csv`), cliEnv(after.url));
    expect(Object.values(outcomes(`${file}.csv`))).toEqual(["unconfirmed", "unconfirmed", "unconfirmed"]);
    expect(reportRows(`${file}.csv`)[0]!["detail"]).toContain("the members could not be read: Z-API answered HTTP 500");
    expect(ran.code).toBe(1);

    const before = await zapiMock({ fault: (op) => (op === "community" ? { status: 500, body: "down" } : undefined) });
    const second = list(writtenPhones(3));
    const refused = await run(add(second), cliEnv(before.url));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Cannot read the members of community ${COMMUNITY}: Z-API answered HTTP 500`);
    expect(refused.stderr).toContain("Nothing was sent");
    expect(before.batches).toEqual([]);
  });
});

describe("reruns are per person", () => {
  it("a corrected, extended, shortened or reordered list sends only the phones never answered, with the same --auto-invite choice", async () => {
    const phones = sentPhones(12);
    const mock = await zapiMock({ fate: (phone) => (phones.indexOf(phone) % 3 === 2 ? "refuse" : "join") });
    const dir = workDir();
    const env = cliEnv(mock.url);
    const file = list([...writtenPhones(5), "(44) 1234"], "list.txt", dir);
    expect((await run(add(file, "--no-auto-invite").filter((a) => a !== "--auto-invite"), env)).code).toBe(1);
    expect(mock.batches).toEqual([phones.slice(0, 5)]);

    // Corrected (the bad line fixed), extended, reordered: only the new phones are sent.
    writeFileSync(file, `${[...writtenPhones(8)].reverse().join("\n")}\n`);
    const corrected = await run(add(file, "--no-auto-invite").filter((a) => a !== "--auto-invite"), env);
    expect(corrected.stdout).toContain("5 of this list's people answered before: not sent again");
    expect(mock.batches[1]).toEqual(phones.slice(5, 8).reverse());
    // Shortened: nobody to send.
    writeFileSync(file, `${writtenPhones(3).join("\n")}\n`);
    const shortened = await run(add(file, "--no-auto-invite").filter((a) => a !== "--auto-invite"), env);
    expect(shortened.stdout).toContain("Nobody to send");
    expect(shortened.stdout).toContain("5 other phones from earlier lists, kept");
    expect(mock.batches).toHaveLength(2);
    // With --auto-invite, the people not added without it are sent again: now they are invited.
    writeFileSync(file, `${writtenPhones(8).join("\n")}\n`);
    const invite = await run(add(file, "--report", `${file}.csv`), env);
    expect(mock.batches[2]).toEqual([phones[2], phones[5]]);
    expect(invite.code, invite.stderr).toBe(0);
    expect(Object.values(outcomes(`${file}.csv`))).toEqual(["added", "added", "invited", "added", "added", "invited", "added", "added"]);
    expect(Math.max(...mock.seen.values())).toBe(2);
  });

  it("a corrected list saved under another name, in another folder, finds the journal of the earlier runs: nobody sent before is sent again", async () => {
    const phones = sentPhones(7);
    // WhatsApp refuses phone 1 (it is invited); the second call is lost before Z-API acts (its people are unknown).
    const mock = await zapiMock({ fate: (phone) => (phone === phones[1] ? "refuse" : "join"), fault: (op, n) => (op === "add" && n === 2 ? { drop: "before" } : undefined) });
    const dir = workDir();
    const env = cliEnv(mock.url);
    const a = list(writtenPhones(6), "contacts.csv", dir);
    const first = await run(add(a, "--batch-size", "3", "--report", `${a}.out`), env);
    expect(first.code).toBe(1);
    expect(Object.values(outcomes(`${a}.out`))).toEqual(["added", "invited", "added", "unknown", "unknown", "unknown"]);
    expect(mock.batches).toEqual([phones.slice(0, 3), phones.slice(3, 6)]);

    // Exported again: the same people, reordered, and one more, as "contacts (1).csv" in another folder.
    mkdirSync(join(dir, "Downloads"));
    const b = list([...writtenPhones(6).reverse(), ...writtenPhones(1, 6)], "contacts (1).csv", join(dir, "Downloads"));
    const second = await run(add(b, "--batch-size", "3", "--report", `${b}.out`), env);
    expect(second.stdout).toContain(`journal      ${realpathSync(a)}.zapi-journal.jsonl (earlier runs for this community on this instance): 3 of this list's people answered before: not sent again, 3 unknown: not sent again; --resend-unknown would`);
    expect(mock.batches).toEqual([phones.slice(0, 3), phones.slice(3, 6), [phones[6]]]);
    expect(existsSync(`${b}.zapi-journal.jsonl`)).toBe(false);
    expect(Object.values(outcomes(`${b}.out`))).toEqual(["unknown", "unknown", "unknown", "added", "invited", "added", "added"]);
    expect(second.code).toBe(1);

    // The unknown still go only with --resend-unknown; a third name changes nothing.
    const c = list(writtenPhones(7), "contacts (2).csv", join(dir, "Downloads"));
    const third = await run(add(c, "--batch-size", "3"), env);
    expect(third.stdout).toContain("3 unknown: not sent again; --resend-unknown would");
    expect(mock.batches).toHaveLength(3);
    const resent = await run(add(c, "--batch-size", "3", "--resend-unknown"), env);
    expect(resent.code, resent.stderr).toBe(0);
    expect(mock.batches).toEqual([phones.slice(0, 3), phones.slice(3, 6), [phones[6]], phones.slice(3, 6)]);
  });

  it("every journal of a target is recorded and read by the next runs, whichever one they write: nobody answered in any is sent again", async () => {
    const mock = await zapiMock({ fate: () => "refuse" });
    const dir = workDir();
    const env = cliEnv(mock.url);
    const registry = join(env["ZAPI_STATE_DIR"]!, `instance-${INSTANCE}.journals.json`);
    const recorded = () => (JSON.parse(readFileSync(registry, "utf8")) as { journals: Record<string, string[]> }).journals[`add-participants community ${COMMUNITY}`];
    const a = list(writtenPhones(3), "a.csv", dir);
    expect((await run(add(a), env)).code).toBe(0);
    const aJournal = `${realpathSync(a)}.zapi-journal.jsonl`;
    expect(recorded()).toEqual([aJournal]);
    expectNoSecret(readFileSync(registry, "utf8"));
    const alsoIn = (...journals: string[]) => `                 earlier runs for this community are also in ${journals.join(", ")}, which this run reads too: nobody answered there is sent again\n`;

    // --journal elsewhere: that one is written and recorded too; a's journal is read.
    const own = join(dir, "own.jsonl");
    const b = list([...writtenPhones(3), ...writtenPhones(2, 10)], "b.csv", dir);
    const ownRun = await run(add(b, "--journal", own), env);
    expect(ownRun.code, ownRun.stderr).toBe(0);
    expect(ownRun.stdout).toContain(`journal      ${own} (new)\n${alsoIn(aJournal)}`);
    expect(recorded()).toEqual([aJournal, own]);
    // A renamed copy of b's list elsewhere writes a's journal, and reads own.jsonl: b's people are not sent again.
    const renamed = await run(add(list([...writtenPhones(3), ...writtenPhones(2, 10)], "b (1).csv", workDir())), env);
    expect(renamed.stdout).toContain(`journal      ${aJournal} (earlier runs for this community on this instance): 5 of this list's people answered before: not sent again\n${alsoIn(own)}`);
    expect(renamed.stdout).toContain("Nobody to send");
    expect(mock.batches).toEqual([sentPhones(3), sentPhones(2, 10)]);
    expect([...mock.invited.values()].every((times) => times === 1)).toBe(true);

    // The first journal gone (a share not mounted): kept in the record and said so; the
    // next one recorded is written; once it is back, it is read again.
    renameSync(aJournal, `${aJournal}.away`);
    const c = list([...writtenPhones(2, 20), ...writtenPhones(3)], "c.csv", workDir());
    const fresh = await run(add(c, "--dry-run"), env);
    expect(fresh.stdout).toContain(`journal      ${own} (earlier runs for this community on this instance)`);
    expect(fresh.stdout).toContain(`the journal recorded for this community on this instance, ${aJournal}, is not there (deleted, or on a share not mounted)`);
    expect((await run(add(list(writtenPhones(2, 20), "c2.csv", workDir())), env)).code).toBe(0);
    expect(recorded()).toEqual([aJournal, own]);
    renameSync(`${aJournal}.away`, aJournal);
    const back = await run(add(c), env);
    expect(back.stdout).toContain(`journal      ${aJournal} (earlier runs for this community on this instance): 5 of this list's people answered before`);
    expect(back.stdout).toContain(`also in ${own}, which this run reads too`);
    expect(mock.batches).toEqual([sentPhones(3), sentPhones(2, 10), sentPhones(2, 20)]);

    // Without an instance there is nothing to look up in, and the plan says so.
    const bare = await run(add(list(writtenPhones(1), "d.csv", dir), "--dry-run"), {});
    expect(bare.stdout).toContain("journal      " + join(dir, "d.csv") + ".zapi-journal.jsonl (new; without ZAPI_INSTANCE_ID, a journal of earlier runs for this community kept under another file name is not looked up)\n");
  });

  it("a damaged record of journals stops the run (exit 2) before anything is sent, naming the file and the way out", async () => {
    const mock = await zapiMock();
    const env = cliEnv(mock.url);
    const file = list(writtenPhones(2));
    const registry = join(env["ZAPI_STATE_DIR"]!, `instance-${INSTANCE}.journals.json`);
    for (const damage of ['{"kind":"zapi-client journals","version":1,"journ', '{"kind":"something else"}\n']) {
      writeFileSync(registry, damage);
      for (const argv of [add(file), add(file, "--dry-run")]) {
        const ran = await run(argv, env);
        expect(ran.code).toBe(2);
        expect(ran.stderr).toContain(`Cannot read ${registry} (`);
        expect(ran.stderr).toContain("nothing was sent. Repair it, or move it away and pass --journal PATH with the journal of the earlier runs");
      }
    }
    expect(mock.batches).toEqual([]);
    expect(existsSync(`${file}.zapi-journal.jsonl`)).toBe(false);
  });

  it("a run that another run beat to recording the target's journal sends nothing and leaves no journal behind; run again, it uses that journal", async () => {
    const { JournalRegistry } = await import("../../src/cli/registry.js");
    const { diskWriter } = await import("../../src/cli/journal.js");
    const dir = workDir();
    const other = `${list(writtenPhones(3), "other.csv", dir)}.zapi-journal.jsonl`;
    const file = list(writtenPhones(3), "mine.csv", dir);
    let env: NodeJS.ProcessEnv = {};
    // Between this run's plan and its record (while it reads the members), another run
    // records its journal for the target.
    const mock = await zapiMock({
      fault(op, n) {
        if (op === "community" && n === 1) {
          writeFileSync(other, `${JSON.stringify({ journal: "zapi-client journal", version: 2, command: "add-participants", target: { kind: "community", id: COMMUNITY }, instance: INSTANCE, created: new Date().toISOString() })}\n`);
          new JournalRegistry(env["ZAPI_STATE_DIR"]!, INSTANCE, diskWriter).claim("add-participants", { kind: "community", id: COMMUNITY }, realpathSync(other));
        }
        return undefined;
      },
    });
    env = cliEnv(mock.url);
    const beaten = await run(add(file), env);
    expect(beaten.code).toBe(2);
    expect(beaten.stderr).toContain(`another run began the journal ${realpathSync(other)} for this community on this instance. Nothing was sent`);
    expect(mock.batches).toEqual([]);
    expect(existsSync(`${file}.zapi-journal.jsonl`)).toBe(false);
    const again = await run(add(file), env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`journal      ${realpathSync(other)} (earlier runs for this community on this instance): nobody of this list in it yet`);
    expect(mock.batches).toEqual([sentPhones(3)]);
  });

  it("a journal from before the record existed is found beside a renamed list, and recorded though nothing is written to it; nobody is sent twice", async () => {
    const mock = await zapiMock({ fate: () => "refuse" });
    const dir = workDir();
    const a = list(writtenPhones(3), "contacts.csv", dir);
    // Run under a state folder that is then gone: the journal beside the list is unrecorded.
    expect((await run(add(a), cliEnv(mock.url))).code).toBe(0);
    const env = cliEnv(mock.url);
    const registry = join(env["ZAPI_STATE_DIR"]!, `instance-${INSTANCE}.journals.json`);
    const b = list(writtenPhones(3), "contacts (1).csv", dir);
    const renamed = await run(add(b), env);
    expect(renamed.stdout).toContain(`journal      ${realpathSync(a)}.zapi-journal.jsonl (earlier runs for this community on this instance, found beside the list)`);
    expect(renamed.stdout).toContain("Nobody to send");
    // Read, not written to: recorded all the same.
    expect(JSON.parse(readFileSync(registry, "utf8")).journals[`add-participants community ${COMMUNITY}`]).toEqual([`${realpathSync(a)}.zapi-journal.jsonl`]);
    expect(mock.batches).toEqual([sentPhones(3)]);
    expect([...mock.invited.values()]).toEqual([1, 1, 1]);
  });

  it("two unrecorded journals of the target beside a renamed list: it writes one and reads both; nobody in either is sent again", async () => {
    const mock = await zapiMock({ fate: () => "refuse" });
    const dir = workDir();
    const a = list(writtenPhones(2), "a.csv", dir);
    const b = list(writtenPhones(2, 2), "b.csv", dir);
    expect((await run(add(a), cliEnv(mock.url))).code).toBe(0);
    // A journal of its own, as a version before the record would have kept.
    expect((await run(add(b, "--journal", `${b}.zapi-journal.jsonl`), cliEnv(mock.url))).code).toBe(0);
    const c = list([...writtenPhones(4), ...writtenPhones(1, 9)], "c.csv", dir);
    const both = await run(add(c), cliEnv(mock.url));
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout).toContain(`journal      ${realpathSync(a)}.zapi-journal.jsonl (earlier runs for this community on this instance, found beside the list)`);
    expect(both.stdout).toContain(`also in ${realpathSync(b)}.zapi-journal.jsonl, which this run reads too`);
    expect(mock.batches).toEqual([sentPhones(2), sentPhones(2, 2), sentPhones(1, 9)]);
  });

  it("the journal is recorded before it is created: a run that dies right after writing its header leaves one a renamed list uses", async () => {
    const mock = await zapiMock({ fate: () => "refuse" });
    const dir = workDir();
    const env = cliEnv(mock.url);
    const a = list(writtenPhones(3), "contacts.csv", dir);
    // The header reaches the disk, and the run goes no further, as if killed there.
    const dies: LineWriter = {
      append(fd, text) {
        writeFileSync(fd, text);
        if (text.includes('"journal":"zapi-client journal"')) throw Object.assign(new Error("EIO"), { code: "EIO" });
      },
    };
    expect((await run(add(a), env, { writer: dies })).code).toBe(2);
    expect(mock.batches).toEqual([]);
    // Elsewhere, so that only the record can lead to it.
    const elsewhere = workDir();
    const b = list(writtenPhones(3), "contacts (1).csv", elsewhere);
    const renamed = await run(add(b), env);
    expect(renamed.stdout).toContain(`journal      ${realpathSync(a)}.zapi-journal.jsonl (earlier runs for this community on this instance)`);
  });

  it("a list with a journal of its own, run while a run of the recorded journal sends: refused by the target's lock; later, --journal elsewhere sends nobody answered there", async () => {
    const mock = await zapiMock({ fate: () => "refuse", hold: [2] });
    const dir = workDir();
    const env = cliEnv(mock.url);
    // b.csv has an older journal of its own for this target (one phone; another state
    // folder), in another folder than a.csv's.
    const b = list(writtenPhones(1, 100), "b.csv", workDir());
    expect((await run(add(b), cliEnv(mock.url))).code).toBe(0);
    // a.csv, recorded in this state folder, is sending: its call (the second) held in flight.
    const a = list(writtenPhones(3), "a.csv", dir);
    const first = run(add(a), env);
    await mock.held(2);
    // b.csv corrected to the same three people, run meanwhile on the same machine.
    writeFileSync(b, `${writtenPhones(3).join("\n")}\n`);
    const second = await run(add(b), env);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`is using community ${COMMUNITY} (another run is sending to it)`);
    mock.release();
    expect((await first).code).toBe(0);
    // Now free: b.csv reads a's journal too, and so does a journal named by --journal.
    const third = await run(add(b), env);
    expect(third.stdout).toContain("which this run reads too: nobody answered there is sent again");
    const fourth = await run(add(a, "--journal", join(dir, "new.jsonl")), env);
    expect(fourth.stdout).toContain("Nobody to send");
    expect(mock.batches).toEqual([sentPhones(1, 100), sentPhones(3)]);
    expect([...mock.invited.values()].every((times) => times === 1)).toBe(true);
  });

  it("a recorded journal that cannot be reached (not merely gone) stops the run: exit 2, nothing sent", async () => {
    const mock = await zapiMock();
    const dir = workDir();
    const env = cliEnv(mock.url);
    const registry = join(env["ZAPI_STATE_DIR"]!, `instance-${INSTANCE}.journals.json`);
    // A path that stat cannot resolve (a link to itself: ELOOP), as an unreachable share would fail.
    const loop = join(dir, "loop.jsonl");
    symlinkSync(loop, loop);
    writeFileSync(registry, `${JSON.stringify({ kind: "zapi-client journals", version: 1, journals: { [`add-participants community ${COMMUNITY}`]: loop } })}\n`);
    const ran = await run(add(list(writtenPhones(2), "renamed.csv", dir)), env);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`Cannot reach ${loop}, the journal of the earlier runs for this target`);
    expect(mock.batches).toEqual([]);
  });

  it("the same target reached earlier through another instance: a renamed list reads that journal too, whether recorded or beside the list; nobody is invited again from the second number", async () => {
    const mock = await zapiMock({ fate: () => "refuse" });
    const dir = workDir();
    const env = cliEnv(mock.url);
    const a = list(writtenPhones(3), "contacts.csv", dir);
    expect((await run(add(a), env)).code).toBe(0);
    const otherNumber = { ...env, ZAPI_INSTANCE_ID: "another-instance" };
    const readToo = `also in ${realpathSync(a)}.zapi-journal.jsonl, which this run reads too`;
    // Recorded in the state folder under the first instance; the renamed list is elsewhere.
    const recorded = await run(add(list(writtenPhones(3), "contacts (1).csv", workDir()), "--dry-run"), otherNumber);
    expect(recorded.stdout).toContain(readToo);
    expect(recorded.stdout).toMatch(/to send {6}0 phones/);
    // Beside the list, with another state folder that records nothing.
    const beside = await run(add(list(writtenPhones(3), "contacts (2).csv", dir), "--dry-run"), { ...otherNumber, ZAPI_STATE_DIR: join(workDir(), "state") });
    expect(beside.stdout).toContain(readToo);
    expect(beside.stdout).toMatch(/to send {6}0 phones/);
    expect(mock.batches).toEqual([sentPhones(3)]);
  });

  it("two journals that disagree on a person: answered in either is answered, so a refusal in one does not resend an invitation in the other", async () => {
    // The first add call (through own.jsonl) is refused before acting; the next ones act.
    const mock = await zapiMock({ fate: () => "refuse", fault: (op, n) => (op === "add" && n === 1 ? { status: 400, body: { error: "try later" }, act: false } : undefined) });
    const dir = workDir();
    const env = cliEnv(mock.url);
    const own = join(dir, "own.jsonl");
    const file = list(writtenPhones(1), "p.csv", dir);
    await run(add(file, "--journal", own), env);
    // Another journal (which reads own.jsonl's refusal) invites the person.
    await run(add(file, "--journal", join(dir, "other.jsonl")), env);
    // own.jsonl says refused, other.jsonl says invited: invited wins.
    const again = await run(add(file, "--journal", own), env);
    expect(again.stdout).toContain("Nobody to send");
    expect(mock.batches).toEqual([sentPhones(1), sentPhones(1)]);
    expect(mock.invited.get(sentPhones(1)[0]!)).toBe(1);
  });

  it("a recorded journal moved elsewhere with a link left in its place is one journal, not two: the run goes on", async () => {
    const mock = await zapiMock();
    const dir = workDir();
    const env = cliEnv(mock.url);
    const a = list(writtenPhones(2), "a.csv", dir);
    expect((await run(add(a), env)).code).toBe(0);
    mkdirSync(join(dir, "archive"));
    const moved = join(dir, "archive", "a.jsonl");
    renameSync(`${a}.zapi-journal.jsonl`, moved);
    symlinkSync(moved, `${a}.zapi-journal.jsonl`);
    writeFileSync(a, `${writtenPhones(3).join("\n")}\n`);
    const ran = await run(add(a), env);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).not.toContain("reads too");
    expect(mock.batches).toEqual([sentPhones(2), sentPhones(1, 2)]);
  });

  it("a FIFO named like a journal beside the list is passed over, not opened: the run does not hang", async () => {
    const mock = await zapiMock();
    const dir = workDir();
    execFileSync("mkfifo", [join(dir, "stray.csv.zapi-journal.jsonl")]);
    const ran = await run(add(list(writtenPhones(1), "p.csv", dir), "--dry-run"), cliEnv(mock.url));
    expect(ran.code).toBe(0);
  });

  it("a version 1 journal beside a renamed list is found: read when it holds the same people, refused with the way out when not", async () => {
    const mock = await zapiMock();
    const dir = workDir();
    const target = { kind: "community", id: COMMUNITY };
    const old = list(writtenPhones(3), "old.csv", dir);
    const header = { journal: "zapi-client add-participants journal", version: 1, id: planIdV1(target as Target, true, sentPhones(3)), target, autoInvite: true, batchSize: 10, batches: 1, phones: 3, created: "2026-12-01T00:00:00.000Z" };
    writeFileSync(`${old}.zapi-journal.jsonl`, [header, { batch: 1, event: "sending", at: "2026-12-01T00:00:00.000Z" }, { batch: 1, event: "answered", outcome: "added", at: "2026-12-01T00:00:01.000Z" }].map((line) => `${JSON.stringify(line)}\n`).join(""));
    const same = await run(add(list(writtenPhones(3), "old (1).csv", dir)), cliEnv(mock.url));
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain("Nobody to send");
    const corrected = await run(add(list(writtenPhones(4), "old (2).csv", dir)), cliEnv(mock.url));
    expect(corrected.code).toBe(2);
    expect(corrected.stderr).toContain("Run the command once with the list it was written for and --check");
    expect(mock.batches).toEqual([]);
  });

  it("two instances sending to one target from one state folder take turns: the second stops (exit 2) while the first sends, then reads its journal", async () => {
    const mock = await zapiMock({ fate: () => "refuse", hold: [1] });
    const env = cliEnv(mock.url);
    const first = run(add(list(writtenPhones(3), "a.csv", workDir())), env);
    await mock.held(1);
    const otherNumber = { ...env, ZAPI_INSTANCE_ID: "another-instance" };
    const second = await run(add(list(writtenPhones(3), "a (1).csv", workDir())), otherNumber);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain("(another run is sending to it)");
    mock.release();
    expect((await first).code).toBe(0);
    const later = await run(add(list(writtenPhones(3), "a (2).csv", workDir()), "--dry-run"), otherNumber);
    expect(later.stdout).toMatch(/to send {6}0 phones/);
    expect(mock.batches).toEqual([sentPhones(3)]);
  });

  it("a recorded journal whose file now holds another target's runs is neither written nor read, and said so; a FIFO at a recorded path is refused, not waited on", async () => {
    const mock = await zapiMock();
    const dir = workDir();
    const env = cliEnv(mock.url);
    const a = list(writtenPhones(2), "a.csv", dir);
    expect((await run(add(a), env)).code).toBe(0);
    const journal = `${realpathSync(a)}.zapi-journal.jsonl`;
    writeFileSync(journal, `${JSON.stringify({ journal: "zapi-client journal", version: 2, command: "add-participants", target: { kind: "group", id: GROUP }, instance: INSTANCE, created: "2026-12-07T00:00:00.000Z" })}\n`);
    const renamed = await run(add(list(writtenPhones(1, 5), "b.csv", workDir())), env);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(renamed.stdout).toContain(`${journal}, recorded for this community, now holds the runs for --group ${GROUP}: not read`);
    rmSync(journal);
    execFileSync("mkfifo", [journal]);
    const fifo = await run(add(list(writtenPhones(1, 6), "c.csv", dir), "--journal", journal, "--dry-run"), env);
    expect(fifo.code).toBe(2);
    expect(fifo.stderr).toContain("it is not a regular file");
  });

  it("a list that is a FIFO nobody writes to is refused at once, and leaves the target free for the next run", async () => {
    const mock = await zapiMock();
    const dir = workDir();
    const env = cliEnv(mock.url);
    const fifo = join(dir, "list.csv");
    execFileSync("mkfifo", [fifo]);
    const stuck = await run(add(fifo), env);
    expect(stuck.code).toBe(2);
    expect(stuck.stderr).toContain("it is not a regular file");
    expect((await run(add(list(writtenPhones(1))), env)).code).toBe(0);
    expect(mock.batches).toEqual([sentPhones(1)]);
  });

  it("another instance's record that cannot be read stops the run, as this instance's own would", async () => {
    const mock = await zapiMock();
    const env = cliEnv(mock.url);
    writeFileSync(join(env["ZAPI_STATE_DIR"]!, "instance-another-instance.journals.json"), "{");
    const ran = await run(add(list(writtenPhones(1))), env);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain("instance-another-instance.journals.json (it is not JSON)");
    expect(mock.batches).toEqual([]);
  });

  it("a journal from version 1 (batches, not phones) is refused for a corrected list, with the way out; --check with the original list converts it, and then the corrected list sends only new people", async () => {
    const mock = await zapiMock({ members: sentPhones(10) });
    const dir = workDir();
    const env = cliEnv(mock.url);
    const file = list(writtenPhones(25), "list.txt", dir);
    const journal = `${file}.zapi-journal.jsonl`;
    const target = { kind: "community", id: COMMUNITY };
    const v1 = [
      { journal: "zapi-client add-participants journal", version: 1, id: planIdV1(target as Target, true, sentPhones(25)), target, autoInvite: true, batchSize: 10, batches: 3, phones: 25, created: "2026-12-01T00:00:00.000Z" },
      { batch: 1, event: "sending", at: "2026-12-01T00:00:00.000Z" },
      { batch: 1, event: "answered", outcome: "added", at: "2026-12-01T00:00:01.000Z" },
      { batch: 2, event: "sending", at: "2026-12-01T00:00:31.000Z" },
    ];
    writeFileSync(journal, v1.map((line) => `${JSON.stringify(line)}\n`).join(""));
    writeFileSync(file, `${writtenPhones(26).join("\n")}\n`);
    const refused = await run(add(file), env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("Run the command once with the list it was written for and --check");
    writeFileSync(file, `${writtenPhones(25).join("\n")}\n`);
    const check = await run(["add-participants", "--community", COMMUNITY, "--file", file, "--check"], env);
    expect(check.stdout).toContain("(version 1: rewritten per person when this run writes to it)");
    expect(readFileSync(journal, "utf8")).toContain('"version":2');
    writeFileSync(file, `${writtenPhones(26).join("\n")}\n`);
    const corrected = await run(add(file), env);
    expect(corrected.stdout).toContain("10 unknown: not sent again; --resend-unknown would");
    expect(mock.batches).toEqual([sentPhones(6, 20)]);
    expect(corrected.code).toBe(1);
  });

  it("an unknown person (no answer) is not sent again unless --resend-unknown; another target or instance is refused", async () => {
    const mock = await zapiMock({ fault: (op, n) => (op === "add" && n === 1 ? { drop: "after" } : undefined) });
    const file = list(writtenPhones(15));
    const env = cliEnv(mock.url);
    const first = await run(add(file, "--report", `${file}.csv`), env);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("Its people are unknown");
    // The call acted before the answer was lost: the members show them added.
    expect(Object.values(outcomes(`${file}.csv`))).toEqual([...Array(10).fill("added"), ...Array(5).fill("pending")]);
    expect(mock.batches).toEqual([sentPhones(10)]);

    const second = await run(add(file), env);
    expect(second.code, second.stderr).toBe(0);
    expect(mock.batches[1]).toEqual(sentPhones(5, 10));

    const other = await run(["add-participants", "--group", GROUP, "--file", file, "--auto-invite"], env);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`was written for --community ${COMMUNITY}, not --group ${GROUP}`);
    const instance = await run(add(file), { ...env, ZAPI_INSTANCE_ID: "another-instance" });
    expect(instance.code).toBe(2);
    expect(instance.stderr).toContain(`was written for the Z-API instance ${INSTANCE}, and ZAPI_INSTANCE_ID is another-instance`);
    expect(mock.batches).toHaveLength(2);
  });

  it("a lost answer whose people did not get in stays unknown: sent again only with --resend-unknown", async () => {
    const mock = await zapiMock({ fault: (op, n) => (op === "add" && n === 1 ? { drop: "before" } : undefined) });
    const file = list(writtenPhones(3));
    const env = cliEnv(mock.url);
    const first = await run(add(file, "--report", `${file}.csv`), env);
    expect(Object.values(outcomes(`${file}.csv`))).toEqual(["unknown", "unknown", "unknown"]);
    expect(first.stdout).toMatch(/unknown +3 {2}sent, never answered/);
    const second = await run(add(file), env);
    expect(second.stdout).toContain("3 unknown: not sent again; --resend-unknown would");
    expect(second.code).toBe(1);
    const third = await run(add(file, "--resend-unknown"), env);
    expect(third.code, third.stderr).toBe(0);
    expect(mock.batches).toEqual([sentPhones(3), sentPhones(3)]);
  });

  it.each<[string, Fault, string]>([
    ["a 500 (after acting)", { status: 500, body: "oops" }, "added"],
    ["a 200 with an error text Z-API's table does not know", { status: 200, body: { error: "something odd" }, act: false }, "unknown"],
    ["a 200 with a known error (the phone is not connected)", { status: 200, body: { error: "You are not connected" }, act: false }, "error"],
    ["a 401", { status: 401, body: { error: "not allowed" }, act: false }, "error"],
  ])("after %s the run stops, and the people are %s; only a refusal (error) is sent again by the next run", async (_, fault, expected) => {
    const mock = await zapiMock({ fault: (op, n) => (op === "add" && n === 1 ? fault : undefined) });
    const file = list(writtenPhones(3));
    const env = cliEnv(mock.url);
    const ran = await run(add(file, "--report", `${file}.csv`), env);
    expect(ran.code).toBe(1);
    expect(Object.values(outcomes(`${file}.csv`))).toEqual([expected, expected, expected]);
    const again = await run(add(file), env);
    expect(mock.batches).toHaveLength(expected === "error" ? 2 : 1);
    expect(again.code).toBe(expected === "unknown" ? 1 : 0);
  });

  it("a 2xx with no body is an answer: the batch is not sent again, and the members say who got in", async () => {
    const mock = await zapiMock({ fault: (op) => (op === "add" ? { empty: true, status: 204 } : undefined) });
    const file = list(writtenPhones(3));
    const env = cliEnv(mock.url);
    const ran = await run(add(file, "--report", `${file}.csv`), env);
    expect(Object.values(outcomes(`${file}.csv`))).toEqual(["added", "added", "added"]);
    expect(ran.code).toBe(0);
    await run(add(file), env);
    expect(mock.batches).toHaveLength(1);
  });
});

describe("the daily limit", () => {
  it("counts every run and every list on the instance: the second list stops at the limit, says when to go on and how, and goes on once the day has passed", async () => {
    const mock = await zapiMock();
    const dir = workDir();
    const env = cliEnv(mock.url);
    const first = list(writtenPhones(10), "first.txt", dir);
    expect((await run(add(first, "--max-per-day", "15"), env)).code).toBe(0);
    const second = list(writtenPhones(10, 100), "second.txt", dir);
    const limited = await run(add(second, "--max-per-day", "15", "--report", `${second}.csv`), env);
    expect(limited.code).toBe(1);
    expect(mock.batches.map((b) => b.length)).toEqual([10, 5]);
    expect(limited.stdout).toMatch(/Daily limit reached: 15 of 15 phones sent on instance cli-instance in the last 24 hours \(--max-per-day 15\)\. 5 phones wait\. You may go on from \d{4}-\d\d-\d\d \d\d:\d\d local time \(in 2\d h/);
    expect(limited.stdout).toContain(`To resume, run:\n  npx zapi-client add-participants --community ${COMMUNITY} --file ${second}`);
    expect(Object.values(outcomes(`${second}.csv`)).filter((o) => o === "pending")).toHaveLength(5);
    expect(reportRows(`${second}.csv`)[9]!["detail"]).toBe("not sent: the daily limit was reached");
    // The dry run shows it too.
    const dry = await run(add(second, "--max-per-day", "15", "--dry-run"), env);
    expect(dry.stdout).toMatch(/15 used in the last 24 hours; this run would use all 0 left and stop, the other 5 from/);

    // A day later (the state file's times moved back 25 hours), the rest goes.
    const state = join(env["ZAPI_STATE_DIR"]!, `instance-${INSTANCE}.jsonl`);
    writeFileSync(state, readFileSync(state, "utf8").replace(/"at":"([^"]+)"/g, (_, at: string) => `"at":"${new Date(Date.parse(at) - 25 * 3600_000).toISOString()}"`));
    const later = await run(add(second, "--max-per-day", "15"), env);
    expect(later.code, later.stderr).toBe(0);
    expect(mock.batches.map((b) => b.length)).toEqual([10, 5, 5]);
    expect(readFileSync(state, "utf8")).not.toContain("TOKEN");
  });

  it("removals are paced and limited on a count of their own, apart from adds", async () => {
    const mock = await zapiMock();
    const dir = workDir();
    const env = cliEnv(mock.url);
    expect((await run(add(list(writtenPhones(6), "a.txt", dir), "--max-per-day", "6"), env)).code).toBe(0);
    const out = await run(remove(list(writtenPhones(6), "r.txt", dir), "--max-per-day", "6"), env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain("6 removals per 24 hours on instance cli-instance; 0 used");
    expect(mock.removals.flat()).toHaveLength(6);
  });
});

describe("pacing", () => {
  it("pauses between add calls and between removal calls, and a rerun waits out what is left of the pause since the last call on the instance", async () => {
    const pause = 0.2;
    // The shortest pause the jitter can draw: 0.2 s - 25% = 150 ms.
    const shortest = pause * 1000 * (1 - JITTER);
    const mock = await zapiMock();
    const dir = workDir();
    const env = cliEnv(mock.url);
    const paced = (argv: string[]) => [...argv.map((arg, i) => (argv[i - 1] === "--pause" ? String(pause) : arg)), "--batch-size", "1"];
    const times = (op: "add" | "remove") => mock.arrivals.filter((call) => call.op === op).map((call) => call.at);
    const gaps = (at: number[]) => at.slice(1).map((t, i) => t - at[i]!);

    const file = list(writtenPhones(3), "list.txt", dir);
    const first = await run(paced(add(file)), env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("pacing       0.2 s (±25%) between calls");
    expect(times("add")).toHaveLength(3);
    for (const gap of gaps(times("add"))) expect(gap).toBeGreaterThanOrEqual(shortest);

    // A rerun at once, with one more person: its first call waits out the pause since the
    // last one (this journal recorded when that call was answered).
    writeFileSync(file, `${writtenPhones(4).join("\n")}\n`);
    const rerun = await run(paced(add(file)), env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(mock.batches).toEqual(sentPhones(4).map((phone) => [phone]));
    expect(gaps(times("add"))[2]).toBeGreaterThanOrEqual(shortest);

    // Removals at once: paced too, and the first one waits for the pause after the last
    // add, as the instance's daily count recorded it (counted just before the call went out).
    const state = readFileSync(join(env["ZAPI_STATE_DIR"]!, `instance-${INSTANCE}.jsonl`), "utf8").trim().split("\n");
    const lastAdd = Date.parse((JSON.parse(state.at(-1)!) as { at: string }).at);
    const removal = await run(paced(remove(list(writtenPhones(4), "refunds.txt", dir))), env);
    expect(removal.code, removal.stderr).toBe(0);
    expect(times("remove")).toHaveLength(4);
    expect(times("remove")[0]! - lastAdd).toBeGreaterThanOrEqual(shortest);
    for (const gap of gaps(times("remove"))) expect(gap).toBeGreaterThanOrEqual(shortest);
  });
});

describe("the report is the input, with outcomes", () => {
  it("keeps every column and row of a pt-BR export, adds outcome, detail, normalized_phone and line, with its separator and a BOM, formulas guarded", async () => {
    const mock = await zapiMock({ members: ["5544999999999"] });
    const dir = workDir();
    const file = join(dir, "export.csv");
    // A spreadsheet export: BOM, semicolons, CRLF, quoted fields, one spanning two lines, a formula.
    writeFileSync(file, '\uFEFFNome;Telefone;Email\r\n"Ana; Maria";(44) 99999-9999;ana@x\r\nBruno;(44) 1234;=HYPERLINK("x")\r\n"Carla\r\nde Souza";+55 11 96000-0000;c@x\r\nDani;5,54499E+12;d@x\r\nEva;11 96000-0000\r\n');
    const ran = await run(add(file, "--report", join(dir, "out.csv")), cliEnv(mock.url));
    expect(ran.code, ran.stderr).toBe(0);
    const text = readFileSync(join(dir, "out.csv"), "utf8");
    expect(text.startsWith("\uFEFFNome;Telefone;Email;outcome;detail;normalized_phone;line\r\n")).toBe(true);
    expect(csvRows(join(dir, "out.csv"), ";")).toEqual([
      ["Nome", "Telefone", "Email", "outcome", "detail", "normalized_phone", "line"],
      ["Ana; Maria", "(44) 99999-9999", "ana@x", "already-in", "a member before this run: not sent", "5544999999999", "2"],
      ["Bruno", "(44) 1234", "'=HYPERLINK(\"x\")", "invalid", "too short for a BR number", "", "3"],
      ["Carla\r\nde Souza", "+55 11 96000-0000", "c@x", "added", "", "5511960000000", "4"],
      ["Dani", "5,54499E+12", "d@x", "invalid", "a number in scientific notation, whose last digits the spreadsheet has already dropped: format the phone column as Text in the spreadsheet, type the numbers again, and export it again", "", "6"],
      ["Eva", "11 96000-0000", "", "duplicate", "same phone as line 4", "5511960000000", "7"],
    ]);
    expect(ran.stdout).toContain("1 line: format the phone column as Text in the spreadsheet");
  });

  // Each reason for a byte-order mark apart: the input had one, or the separator is ";".
  it.each<[string, string, string]>([
    ["a comma-separated input with a BOM: a BOM", "\uFEFFname,phone\n", "\uFEFFname,phone,"],
    ["a ';' input without a BOM: a BOM", "name;phone\n", "\uFEFFname;phone;"],
    ["a comma-separated input without a BOM: none", "name,phone\n", "name,phone,"],
  ])("the report keeps the input's separator; %s", async (_, header, reportHeader) => {
    const dir = workDir();
    const csv = join(dir, "a.csv");
    const separator = header.includes(";") ? ";" : ",";
    writeFileSync(csv, `${header}Ana${separator}+55 11 96000-0000\n`);
    const ran = await run(add(csv, "--dry-run", "--report", join(dir, "a.out")), {});
    expect(ran.code, ran.stderr).toBe(0);
    const row = ["Ana", "+55 11 96000-0000", "pending", "not sent: dry run", "5511960000000", "2"].join(separator);
    expect(readFileSync(join(dir, "a.out"), "utf8")).toBe(`${reportHeader}${["outcome", "detail", "normalized_phone", "line"].join(separator)}\r\n${row}\r\n`);
  });

  it("a one-phone-per-line file gets ';' and a BOM for Brazil", async () => {
    const dir = workDir();
    const lines = list(["+55 11 96000-0000"], "b.txt", dir);
    await run(add(lines, "--dry-run", "--report", join(dir, "b.out")), {});
    expect(readFileSync(join(dir, "b.out"), "utf8")).toBe("\uFEFFphone;outcome;detail;normalized_phone;line\r\n+55 11 96000-0000;pending;not sent: dry run;5511960000000;1\r\n");
  });
});

describe("remove-participants", () => {
  it("removes members, skips people not in, and gives each person removed, not-a-member or still-a-member", async () => {
    const phones = sentPhones(4);
    const mock = await zapiMock({ members: [phones[0]!, "551160000001", phones[2]!] });
    const file = list(writtenPhones(4));
    const env = cliEnv(mock.url);
    const ran = await run(remove(file, "--report", `${file}.csv`), env);
    expect(ran.code, ran.stderr).toBe(0);
    // The member listed without the ninth digit is sent with it, as the client writes every
    // Brazilian mobile: Z-API takes either form for the same number (the mock does too).
    expect(mock.removals).toEqual([[phones[0], phones[1], phones[2]]]);
    expect(Object.values(outcomes(`${file}.csv`))).toEqual(["removed", "removed", "removed", "not-a-member"]);
    expect(mock.memberPhones()).toEqual([]);
    expect(existsSync(`${file}.zapi-remove-journal.jsonl`)).toBe(true);

    // A member known only by a Linked ID may be any phone not found: those are sent too.
    const hidden = await zapiMock({ members: [{ lid: "5@lid", phone: phones[1]! }, { lid: "6@lid", phone: "5521988880000" }] });
    const lids = list(writtenPhones(3));
    const sent = await run(remove(lids, "--report", `${lids}.csv`), cliEnv(hidden.url));
    expect(sent.stdout).toContain("0 of your phones found; 2 members shown only by a Linked ID (@lid), which no phone can be matched to, so the other 3 are sent too");
    expect(hidden.removals).toEqual([phones.slice(0, 3)]);
    expect(Object.values(outcomes(`${lids}.csv`))).toEqual(["unconfirmed", "unconfirmed", "unconfirmed"]);
    expect(hidden.memberPhones()).toEqual(["5521988880000"]);

    const stubborn = await zapiMock({ members: [phones[0]!], fault: (op) => (op === "remove" ? { act: false } : undefined) });
    const still = list(writtenPhones(1));
    const kept = await run(remove(still, "--report", `${still}.csv`), cliEnv(stubborn.url));
    expect(kept.code).toBe(1);
    expect(Object.values(outcomes(`${still}.csv`))).toEqual(["still-a-member"]);
  });
});

describe("remove-participants, run again", () => {
  it("a removal whose answer is lost is unknown: reruns send nobody twice, and stop at the removals' own daily limit, leaving the adds' allowance alone", async () => {
    const phones = sentPhones(6);
    // The first removal call is dropped before Z-API acts: its two people are still members.
    const mock = await zapiMock({ members: phones, fault: (op, n) => (op === "remove" && n === 1 ? { drop: "before" } : undefined) });
    const dir = workDir();
    const env = cliEnv(mock.url);
    // The adds use up their whole allowance first.
    expect((await run(add(list(writtenPhones(3, 100), "new.txt", dir), "--max-per-day", "3"), env)).code).toBe(0);
    const file = list(writtenPhones(6), "refunds.txt", dir);
    const removeAll = (...more: string[]) => run(remove(file, "--batch-size", "2", "--max-per-day", "4", "--report", `${file}.csv`, ...more), env);

    const first = await removeAll();
    expect(first.code).toBe(1);
    expect(first.stdout).toContain("daily limit  4 removals per 24 hours on instance cli-instance; 0 used in the last 24 hours");
    expect(first.stderr).toContain("Its people are unknown");
    expect(mock.removals).toEqual([phones.slice(0, 2)]);
    expect(Object.values(outcomes(`${file}.csv`))).toEqual(["unknown", "unknown", "pending", "pending", "pending", "pending"]);

    // The rerun leaves the unknown alone, and stops at the removals' limit: 2 counted, 2 left.
    const second = await removeAll();
    expect(second.code).toBe(1);
    expect(second.stdout).toContain("2 unknown: not sent again; --resend-unknown would");
    expect(second.stdout).toContain("4 removals per 24 hours on instance cli-instance; 2 used in the last 24 hours; this run would use all 2 left and stop");
    expect(second.stdout).toMatch(/Daily limit reached: 4 of 4 phones sent on instance cli-instance in the last 24 hours/);
    expect(mock.removals).toEqual([phones.slice(0, 2), phones.slice(2, 4)]);
    expect(Object.values(outcomes(`${file}.csv`))).toEqual(["unknown", "unknown", "removed", "removed", "pending", "pending"]);
    // The adds' count is what the adds used, no more.
    const adds = await run(add(list(writtenPhones(1, 200), "more.txt", dir), "--max-per-day", "3", "--dry-run"), env);
    expect(adds.stdout).toContain("3 adds per 24 hours on instance cli-instance; 3 used in the last 24 hours");

    // A day later, the rest goes; the unknown still only with --resend-unknown.
    const state = join(env["ZAPI_STATE_DIR"]!, `instance-${INSTANCE}.jsonl`);
    writeFileSync(state, readFileSync(state, "utf8").replace(/"at":"([^"]+)"/g, (_, at: string) => `"at":"${new Date(Date.parse(at) - 25 * 3600_000).toISOString()}"`));
    const third = await removeAll();
    expect(third.code).toBe(1);
    expect(mock.removals).toEqual([phones.slice(0, 2), phones.slice(2, 4), phones.slice(4, 6)]);
    const resent = await removeAll("--resend-unknown");
    expect(resent.code, resent.stderr).toBe(0);
    expect(mock.removals).toEqual([phones.slice(0, 2), phones.slice(2, 4), phones.slice(4, 6), phones.slice(0, 2)]);
    expect(Object.values(outcomes(`${file}.csv`))).toEqual(Array(6).fill("removed"));
    // Left: the three people the adds brought in.
    expect(mock.memberPhones()).toEqual(sentPhones(3, 100));
  });
});

describe("exit codes and conventions", () => {
  it("--version, --help listing both commands, no command (usage, exit 2), an unknown command or option naming the nearest", async () => {
    expect(await run(["--version"], {})).toMatchObject({ code: 0, stdout: `zapi-client ${VERSION}\n` });
    expect((await run(["add-participants", "--version"], {})).stdout).toBe(`zapi-client ${VERSION}\n`);
    const help = await run(["--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("add-participants");
    expect(help.stdout).toContain("remove-participants");
    const none = await run([], {});
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage: zapi-client <command>");
    expect(none.stdout).toBe("");
    const command = await run(["add-participant"], {});
    expect(command).toMatchObject({ code: 2, stdout: "" });
    expect(command.stderr).toContain('Unknown command "add-participant": did you mean add-participants?');
    const option = await run(["add-participants", "--community", "1", "--file", "x", "--auto-invite", "--batch", "5"], {});
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('Unknown option "--batch": did you mean --batch-size?');
    for (const text of ["--community ID", "--auto-invite", "--resend-unknown", "--max-per-day", "--check", "Examples:", "Exit codes:"]) expect((await run(["add-participants", "--help"], {})).stdout).toContain(text);
    expect((await run(["remove-participants", "--help"], {})).stdout).toContain("removed, not-a-member");
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
    ["a bad daily limit", ["add-participants", "--community", "1", "--file", "x", "--auto-invite", "--max-per-day", "0"], '--max-per-day "0" must be a whole number from 1'],
    ["a stray argument", ["add-participants", "--community", "1", "--file", "x", "--auto-invite", "extra.csv"], 'Unexpected argument "extra.csv"'],
    ["an invitation choice on a removal", ["remove-participants", "--community", "1", "--file", "x", "--no-auto-invite"], "remove-participants takes no --no-auto-invite"],
  ])("exits 2 on %s, naming it", async (_, argv, message) => {
    const ran = await run(argv, {});
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(message);
    expect(ran.stdout).toBe("");
  });

  it.each<[string, (dir: string) => string[], string]>([
    ["a missing file", (dir) => add(join(dir, "nope.csv")), "no such file"],
    ["a CSV without a phone column", (dir) => add(write(dir, "a.csv", "name,email\nAna,a@x\n")), 'Cannot tell which column holds the phones: the header on line 1 is "name", "email"'],
    ["two phone-like columns", (dir) => add(write(dir, "a.csv", "telefone;celular\n1;2\n")), 'More than one column looks like the phone column: "telefone" and "celular"'],
    ["a --column that is not there", (dir) => [...add(write(dir, "a.csv", "name,tel\nAna,1\n")), "--column", "Mobile"], '--column "Mobile" is not a column of the header on line 1: "name", "tel"'],
    ["an unclosed quote", (dir) => add(write(dir, "a.csv", 'name,phone\n"Ana,1\nBia,2\n')), "line 2: a quoted field opens here and is never closed"],
    ["a file that is not UTF-8", (dir) => add(write(dir, "a.csv", Buffer.from("nome;telefone\nJo\xe3o;11 91234-5678\n", "latin1"))), "is not UTF-8 (line 2 is the first that is not)"],
    ["no valid phone", (dir) => add(write(dir, "a.txt", "123\n456\n")), "Nothing to send:"],
    ["missing credentials", (dir) => add(write(dir, "a.txt", "+55 11 91234-5678\n")), "Set ZAPI_INSTANCE_ID and ZAPI_TOKEN"],
    ["a --journal that is the input", (dir) => [...add(write(dir, "a.txt", "+55 11 91234-5678\n")), "--journal", join(dir, "a.txt")], "is the input file itself: it would be overwritten"],
    ["a --report in a folder that does not exist", (dir) => [...add(write(dir, "a.txt", "+55 11 91234-5678\n")), "--report", join(dir, "no", "r.csv")], "cannot write in"],
    ["a journal that is a folder", (dir) => [...add(write(dir, "a.txt", "+55 11 91234-5678\n")), "--journal", dir], "Cannot read the journal"],
    ["a journal that cannot be written", (dir) => [...add(write(dir, "a.txt", "+55 11 91234-5678\n")), "--journal", join(write(dir, "f", ""), "j.jsonl")], "/f/j.jsonl.lock for the journal"],
    ["a file too large to read", (dir) => add(write(dir, "a.txt", `${"+55 11 91234-5678\n".repeat(100)}`)), "is too large to read: 2 MiB, and the command reads lists up to 1 MiB. Split it"],
  ])("exits 2 on %s, naming it, and sends nothing", async (name, argv, message) => {
    const mock = await zapiMock();
    const env = name === "missing credentials" ? { ZAPI_BASE_URL: mock.url } : cliEnv(mock.url);
    const ran = await run(argv(workDir()), env, name === "a file too large to read" ? { maxInputBytes: 1000 } : {});
    expect(ran.code).toBe(2);
    expect(ran.stderr.replace("1 MiB, and", "1 MiB, and")).toContain(message.replace("2 MiB", "1 MiB"));
    expect(mock.batches).toEqual([]);
  });

  it("shows a server's error text with its control and bidi characters escaped", async () => {
    const mock = await zapiMock({ fault: (op) => (op === "add" ? { status: 400, body: { error: "bad \u202Eevil\x1b[2J" }, act: false } : undefined) });
    const ran = await run(add(list(writtenPhones(1))), cliEnv(mock.url));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain("\\u202E");
    expect(ran.stderr).not.toMatch(/[\u202E\x1b]/);
  });

  it("echoes cells cut to 80 characters, with control and bidi characters shown as escapes", async () => {
    const dir = workDir();
    const evil = `\u202E\x1b[2J${"9".repeat(200)}`;
    const ran = await run(add(write(dir, "a.txt", `phone\n${evil}\n+55 11 96000-0000\n`), "--dry-run"), {});
    expect(ran.stdout).toContain(`line 2: "\\u202E\\u001B[2J${"9".repeat(75)}"… (205 characters): not a phone number`);
    expect(ran.stdout).not.toContain("\u202E");
    expect(ran.stdout).not.toContain("\x1b");
  });
});

describe("nothing is sent twice, whatever the machine does", () => {
  it("a full disk: a journal line written short sends nothing (exit 2), and the rerun counts its batch unknown, never unsent", async () => {
    const mock = await zapiMock();
    const file = list(writtenPhones(12));
    const env = cliEnv(mock.url);
    let lines = 0;
    // The journal's header and first batch go through; its sending line is cut short.
    const disk: LineWriter = {
      append(fd, text) {
        lines++;
        if (text.includes('"e":"sending"') && lines > 0) {
          writeFileSync(fd, text.slice(0, 10));
          throw Object.assign(new Error("ENOSPC"), { code: "ENOSPC" });
        }
        writeFileSync(fd, text);
      },
    };
    const full = await run(add(file), env, { writer: disk });
    expect(full.code).toBe(2);
    expect(full.stderr).toContain("Cannot write the journal");
    expect(full.stderr).toContain("the disk is full");
    expect(full.stderr).toContain("was not sent, and nothing else was");
    expect(mock.batches).toEqual([]);
    const rerun = await run(add(file, "--report", `${file}.csv`), env);
    expect(rerun.stdout).toContain("10 unknown: not sent again; --resend-unknown would");
    expect(mock.batches).toEqual([sentPhones(2, 10)]);
    expect(Object.values(outcomes(`${file}.csv`)).filter((o) => o === "unknown")).toHaveLength(10);
    expect(rerun.code).toBe(1);
  });

  it("a daily count that cannot be written sends nothing", async () => {
    const mock = await zapiMock();
    const file = list(writtenPhones(3));
    const env = cliEnv(mock.url);
    writeFileSync(join(env["ZAPI_STATE_DIR"]!, `instance-${INSTANCE}.jsonl`), "");
    const disk: LineWriter = {
      append(fd, text) {
        if (text.includes('"kind":"add"')) throw Object.assign(new Error("ENOSPC"), { code: "ENOSPC" });
        writeFileSync(fd, text);
      },
    };
    const ran = await run(add(file), env, { writer: disk });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain("Cannot write the daily count");
    expect(mock.batches).toEqual([]);
  });

  it("refuses to run while another live run holds the journal's lock", async () => {
    const file = list(writtenPhones(3));
    const mock = await zapiMock();
    const { currentOwner } = await import("../../src/cli/lock.js");
    writeFileSync(`${file}.zapi-journal.jsonl.lock`, `${JSON.stringify(currentOwner())}\n`);
    utimesSync(`${file}.zapi-journal.jsonl.lock`, new Date(), new Date());
    const ran = await run(add(file), cliEnv(mock.url));
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`Another run (process ${process.pid}`);
    expect(mock.batches).toEqual([]);
  });
});

function write(dir: string, name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}
