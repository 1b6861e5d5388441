// The command's modules one by one: CSV, phones, the terminal, the plan, members, the
// journal, the lock, the daily limit, pacing, progress, the command line.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { buildSync } from "esbuild";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closest, parseCommandLine } from "../../src/cli/args.js";
import { CsvSplitter, csvField, detectDelimiter, parseCsv } from "../../src/cli/csv.js";
import { DailyLimit, DAY_MS } from "../../src/cli/daily.js";
import { stateDirectory } from "../../src/cli/state.js";
import { diskWriter, JournalError, loadJournal, openJournal, type LineWriter } from "../../src/cli/journal.js";
import { acquireLock, currentOwner, lockPathFor, LockError } from "../../src/cli/lock.js";
import { findMember, matchKey, membersOf } from "../../src/cli/members.js";
import { JournalRegistry } from "../../src/cli/registry.js";
import { JITTER, jitteredPause } from "../../src/cli/pacing.js";
import { estimateMs, formatDuration, makePlan, planIdV1, planPhones } from "../../src/cli/plan.js";
import { createProgress } from "../../src/cli/progress.js";
import { showCell } from "../../src/cli/terminal.js";
import { PhoneSet } from "../../src/cli/table.js";
import { normalizePhone } from "../../src/phones.js";
import { projectRoot } from "../helpers/project.js";
import { workDir } from "./harness.js";

const rows = (...raws: string[]) => raws.map((raw, i) => ({ line: i + 2, raw, fields: [raw] }));
const TARGET = { kind: "community", id: "1" } as const;
const EXPECTED = { command: "add-participants", target: TARGET, instance: "inst" } as const;

describe("csv", () => {
  it("splits quoted fields with separators, doubled quotes and line ends inside, numbering records by their first line", () => {
    const text = 'a;b\r\n"x; y";"say ""hi"""\r\n"two\nlines";z\n\nlast;"q"\n';
    expect(parseCsv(text, ";")).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["x; y", 'say "hi"'] },
      { line: 3, fields: ["two\nlines", "z"] },
      { line: 5, fields: [""] },
      { line: 6, fields: ["last", "q"] },
    ]);
  });

  it("gives the same records however the text is cut into chunks (CRLF and quotes cut in two included)", () => {
    const text = 'nome;tel\r\n"Ana; ""A""";11\r\n"dois\r\nlinhas";22\r\r\nx;"y"\n"fim";"z"';
    const whole = parseCsv(text, ";");
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 8 }), (cuts) => {
        const splitter = new CsvSplitter(";");
        const records = [];
        let at = 0;
        for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
          records.push(...splitter.push(text.slice(at, cut)));
          at = cut;
        }
        records.push(...splitter.push(text.slice(at)), ...splitter.end());
        expect(records).toEqual(whole);
      }),
    );
  });

  it("refuses a quote that never closes, naming the line it opens on, and a record longer than the limit", () => {
    expect(() => parseCsv('a,b\n1,2\n"3,4\n5,6\n', ",")).toThrow("line 3: a quoted field opens here and is never closed");
    const splitter = new CsvSplitter(",", 100);
    expect(() => splitter.push(`a,b\n"${"x".repeat(200)}`)).toThrow("line 2 holds more than 0 KiB before its end");
  });

  it("takes the separator the header uses most, outside quotes", () => {
    expect(detectDelimiter("nome;telefone;cidade")).toBe(";");
    expect(detectDelimiter('"a,b";c;d')).toBe(";");
    expect(detectDelimiter("name,phone")).toBe(",");
    expect(detectDelimiter("name\tphone")).toBe("\t");
    expect(detectDelimiter("+55 (44) 99999-9999")).toBeUndefined();
  });

  it("writes fields a spreadsheet reads back as written, and will not run as formulas", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
    expect(csvField("a;b")).toBe('"a;b"');
    expect(csvField("a\tb")).toBe('"a\tb"');
    expect(csvField("+55 (44) 99999-9999")).toBe("+55 (44) 99999-9999");
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("-2+3")).toBe("'-2+3");
    expect(csvField(undefined)).toBe("");
  });
});

describe("phones", () => {
  it.each([
    ["(44) 99999-9999", "5544999999999"],
    ["+55 (44) 99999-9999", "5544999999999"],
    ["5544999999999", "5544999999999"],
    ["44 3222-1234", "554432221234"],
    ["+44 7911 123456", "447911123456"],
    ["+1 202 555 0123", "12025550123"],
  ])("%s becomes %s with country BR", (raw, phone) => {
    expect(normalizePhone(raw, "BR")).toEqual({ ok: true, phone });
  });

  it.each([
    ["", "no phone on this line"],
    ["abc", "not a phone number"],
    ["(44) 1234", "too short for a BR number"],
    ["(44) 09999-9999", "no such number in BR"],
    ["+999 1234567", "unknown country calling code"],
    ["+55 44 99999-9999 ext. 12", "has an extension (12)"],
  ])("%j is refused: %s", (raw, reason) => {
    const result = normalizePhone(raw, "BR");
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.reason).toContain(reason);
  });

  it.each([
    ["(0xx47) 97206-0080", "5547972060080"],
    ["(0XX47) 97206-0080", "5547972060080"],
    ["0xx 47 97206 0080", "5547972060080"],
    ["0 47 97206-0080", "5547972060080"],
    ["047 97206 0080", "5547972060080"],
    ["0 41 47 97206-0080", "5547972060080"],
  ])("Brazil's carrier-code and trunk-prefix form %j becomes %s", (raw, phone) => {
    expect(normalizePhone(raw, "BR")).toEqual({ ok: true, phone });
  });

  it.each([
    ["(00) 99999-9999", "area code 00 does not exist in Brazil"],
    ["+55 20 99999-9999", "area code 20 does not exist in Brazil"],
    ["55 (10) 3222-1234", "area code 10 does not exist in Brazil"],
  ])("an impossible area code is named as such: %j", (raw, reason) => {
    expect(normalizePhone(raw, "BR")).toEqual({ ok: false, reason });
  });

  it.each(["5,54499E+12", "5.54499E+12", "1,2E+11"])("spreadsheet scientific notation %j is refused with a hint to format the column as text", (raw) => {
    const result = normalizePhone(raw, "BR");
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("scientific notation") as unknown, hint: expect.stringContaining("format the phone column as Text") as unknown });
  });

  it("a Brazilian mobile written with 8 digits is read with its ninth digit; a Linked ID is never read as a phone", () => {
    expect(normalizePhone("(11) 8765-4321", "BR")).toEqual({ ok: true, phone: "5511987654321" });
    expect(normalizePhone("554499999999", "BR")).toEqual({ ok: true, phone: "5544999999999" });
    expect(normalizePhone("+55 44 9999-9999", "PT")).toEqual({ ok: true, phone: "5544999999999" });
    // A landline of 8 digits stays a landline: no ninth digit is added to one.
    expect(normalizePhone("(44) 3222-1111", "BR")).toEqual({ ok: true, phone: "554432221111" });
    expect(normalizePhone("123456789012@lid", "BR")).toMatchObject({ ok: false, reason: expect.stringContaining("Linked ID") as unknown });
    expect(normalizePhone("0xx 912 345 678", "PT").ok).toBe(false);
  });

  it("reads numbers without a country in the country given", () => {
    expect(normalizePhone("912 345 678", "PT")).toEqual({ ok: true, phone: "351912345678" });
  });
});

describe("terminal", () => {
  it("shows control and bidi characters as escapes, and cuts a long cell, saying so", () => {
    expect(showCell("Ana\u202Egnp.exe")).toBe('"Ana\\u202Egnp.exe"');
    expect(showCell("\x1b[2J\x9b\u2066x\u2069\u200e\u200f\r\n")).toBe('"\\u001B[2J\\u009B\\u2066x\\u2069\\u200E\\u200F\\u000D\\u000A"');
    expect(showCell('a "quoted" \\ cell')).toBe('"a \\"quoted\\" \\\\ cell"');
    const long = showCell("9".repeat(500));
    expect(long).toBe(`"${"9".repeat(80)}"… (500 characters)`);
    // Cut by characters, not UTF-16 units: an emoji is never split in two.
    expect(showCell("😀".repeat(100))).toBe(`"${"😀".repeat(80)}"… (100 characters)`);
  });
});

describe("plan", () => {
  it("drops repeats (naming the first line), keeps invalid lines out, and keeps the unique phones in input order", () => {
    const plan = makePlan(rows("(44) 99999-9999", "(44) 1234", "+55 11 91234-5678", "44999999999", "11 98765-4321"), "BR");
    expect([...planPhones(plan)]).toEqual(["5544999999999", "5511912345678", "5511987654321"]);
    expect(plan.invalidShown.map((e) => e.line)).toEqual([3]);
    expect(plan.duplicateShown).toEqual([{ line: 5, phone: "5544999999999", firstLine: 2 }]);
    expect([plan.rows, plan.invalid, plan.duplicates]).toEqual([5, 1, 1]);
    expect(Array.from({ length: plan.rows }, (_, i) => plan.codes.at(i))).toEqual([0, -1, 1, 0, 2]);
  });

  it("counts each hint once per line, for the plan to print it once", () => {
    const plan = makePlan(rows("5,5E+12", "1,2E+11", "(11) 8765-4321"), "BR");
    // Two lines in scientific notation share one hint; the mobile without its ninth digit is valid.
    expect([...plan.hintCounts.values()]).toEqual([2]);
    expect(plan.invalid).toBe(2);
  });

  it("keeps phones as numbers: a set of phones finds each one and gives it back as written", () => {
    const set = new PhoneSet(2);
    const phones = Array.from({ length: 5000 }, (_, i) => String(5511_9000_00000 + i * 7919));
    for (const phone of phones) expect(set.add(phone).added).toBe(true);
    expect(set.add(phones[1234]!)).toEqual({ index: 1234, added: false });
    expect(set.indexOf("447911123456")).toBe(-1);
    expect(set.get(4999)).toBe(phones[4999]);
    expect(set.size).toBe(5000);
  });

  it("estimates calls of about a second and the pauses between them", () => {
    expect(estimateMs(0, 30_000)).toBe(0);
    expect(estimateMs(3, 30_000)).toBe(63_000);
    expect(formatDuration(63_000)).toBe("1 min 3 s");
    expect(formatDuration(5 * 3600_000 + 60_000)).toBe("5 h 1 min");
    expect(formatDuration(3 * 86_400_000)).toBe("3 d");
  });
});

describe("members", () => {
  it("matches a Brazilian mobile with or without its ninth digit, never a mobile with a landline", () => {
    const members = membersOf("1-group", [{ phone: "554499999999" }, { phone: "5511912345678" }, { phone: "554432221234" }, { phone: "123@lid", lid: "123@lid" }, { lid: "456@lid" }, {}]);
    expect(findMember(members, "5544999999999")).toBe("554499999999");
    expect(findMember(members, "551112345678")).toBeUndefined();
    expect(findMember(members, "5511912345678")).toBe("5511912345678");
    expect(findMember(members, "554432221234")).toBe("554432221234");
    // 55 44 9 3222-1234 is a mobile; 55 44 3222-1234 a landline: they are two people.
    expect(findMember(members, "5544932221234")).toBeUndefined();
    expect([...members.lidOnly]).toEqual(["123@lid", "456@lid"]);
    expect(members.total).toBe(6);
    expect(matchKey("447911123456")).toBe("447911123456");
  });
});

describe("journal", () => {
  const write = (path: string, lines: object[]) => writeFileSync(path, lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
  const header = { journal: "zapi-client journal", version: 2, command: "add-participants", target: TARGET, instance: "inst", created: "2026-01-01T00:00:00.000Z" };

  it("reads back each phone's last send, its answers by --auto-invite choice, and its outcome", () => {
    const path = join(workDir(), "j.jsonl");
    expect(loadJournal(path, EXPECTED)).toBeUndefined();
    const journal = openJournal(path, EXPECTED, undefined);
    journal.batch(1, ["5511960000000", "5511960000001"], false);
    journal.sending(1);
    journal.answered(1, "true");
    journal.outcomes([["5511960000000", "not-added"], ["5511960000001", "added", "why"]]);
    journal.batch(2, ["5511960000000"], true);
    journal.sending(2);
    journal.close();
    const loaded = loadJournal(path, EXPECTED)!;
    expect(loaded.phones.get("5511960000001")).toEqual({ last: "true", autoInvite: false, answered: 1, sends: 1, outcome: "added", outcomeDetail: "why" });
    expect(loaded.phones.get("5511960000000")).toEqual({ last: "sending", autoInvite: true, answered: 1, sends: 2 });
    expect(loaded.nextBatch).toBe(3);
  });

  it("a batch declared but never marked sending was not sent; a torn line right after it is its sending line: unknown, kept unknown once appended to", () => {
    const dir = workDir();
    const declared = join(dir, "declared.jsonl");
    write(declared, [header, { e: "batch", b: 1, autoInvite: true, phones: ["5511960000000"] }]);
    expect(loadJournal(declared, EXPECTED)!.phones.size).toBe(0);

    const torn = join(dir, "torn.jsonl");
    write(torn, [header, { e: "batch", b: 1, autoInvite: true, phones: ["5511960000000"] }]);
    appendFileSync(torn, '{"e":"sen');
    const loaded = loadJournal(torn, EXPECTED)!;
    expect(loaded.phones.get("5511960000000")?.last).toBe("sending");
    // Appending drops the torn text and writes the sending line whole: still unknown after.
    const journal = openJournal(torn, EXPECTED, loaded);
    journal.batch(2, ["5511960000001"], true);
    journal.close();
    expect(readFileSync(torn, "utf8")).not.toContain('"sen\n');
    expect(loadJournal(torn, EXPECTED)!.phones.get("5511960000000")?.last).toBe("sending");

    // A torn line after an answer is not a sending line: nothing was sent with it.
    const after = join(dir, "after.jsonl");
    write(after, [header, { e: "batch", b: 1, phones: ["5511960000000"], autoInvite: true }, { e: "sending", b: 1 }, { e: "answered", b: 1, answer: "true" }]);
    appendFileSync(after, '{"e":"batch","b":2,"phones":["55119600');
    expect([...loadJournal(after, EXPECTED)!.phones.keys()]).toEqual(["5511960000000"]);
  });

  it("a line the disk takes short, or not at all, throws: the caller sends nothing, and the rerun reads what was whole", () => {
    const path = join(workDir(), "j.jsonl");
    let writes = 0;
    // The third line is cut in half, then the disk is full.
    const full: LineWriter = {
      append(fd, text) {
        writes++;
        if (writes < 3) return appendFileSync(fd, text);
        appendFileSync(fd, text.slice(0, Math.floor(text.length / 2)));
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      },
    };
    const journal = openJournal(path, EXPECTED, undefined, full);
    journal.batch(1, ["5511960000000"], true);
    expect(() => journal.sending(1)).toThrow("Cannot write the journal");
    expect(() => journal.sending(1)).toThrow("the disk is full");
    journal.close();
    // The torn sending line counts as sent: unknown, never unsent.
    expect(loadJournal(path, EXPECTED)!.phones.get("5511960000000")?.last).toBe("sending");
  });

  it("refuses another command, target or instance, a damaged line, and a file that is not a journal", () => {
    const dir = workDir();
    const path = join(dir, "j.jsonl");
    openJournal(path, EXPECTED, undefined).close();
    expect(() => loadJournal(path, { ...EXPECTED, command: "remove-participants" })).toThrow("was written by add-participants, and this is remove-participants");
    expect(() => loadJournal(path, { ...EXPECTED, target: { kind: "group", id: "1-group" } })).toThrow("was written for --community 1, not --group 1-group");
    expect(() => loadJournal(path, { ...EXPECTED, instance: "other" })).toThrow("was written for the Z-API instance inst, and ZAPI_INSTANCE_ID is other");
    expect(loadJournal(path, { ...EXPECTED, instance: undefined })).toBeDefined();
    appendFileSync(path, "not json\n");
    expect(() => loadJournal(path, EXPECTED)).toThrow(/j\.jsonl is damaged: line 2 is not JSON/);
    const other = join(dir, "other.jsonl");
    writeFileSync(other, '{"hello":1}\n');
    expect(() => loadJournal(other, EXPECTED)).toThrow(JournalError);
    expect(() => loadJournal(other, EXPECTED)).toThrow("is not a journal of this command");
  });

  it("reads a version 1 journal written for this list as per-person entries, and writes it back as version 2", () => {
    const path = join(workDir(), "v1.jsonl");
    const phones = ["5511960000000", "5511960000001", "5511960000002"];
    write(path, [
      { journal: "zapi-client add-participants journal", version: 1, id: planIdV1(TARGET, true, phones), target: TARGET, autoInvite: true, batchSize: 2, batches: 2, phones: 3, created: "x" },
      { batch: 1, event: "sending", at: "2026-01-01T00:00:00.000Z" },
      { batch: 1, event: "answered", outcome: "added", at: "2026-01-01T00:00:01.000Z" },
      { batch: 2, event: "sending", at: "2026-01-01T00:00:02.000Z" },
    ]);
    const loaded = loadJournal(path, { ...EXPECTED, v1Phones: () => phones })!;
    expect(loaded.fromV1).toBe(true);
    expect(Object.fromEntries([...loaded.phones].map(([p, s]) => [p, s.last]))).toEqual({ "5511960000000": "true", "5511960000001": "true", "5511960000002": "sending" });
    expect(() => loadJournal(path, { ...EXPECTED, v1Phones: () => phones.slice(1) })).toThrow("Run the command once with the list it was written for and --check");
    const journal = openJournal(path, EXPECTED, loaded);
    expect(journal.nextBatch).toBe(3);
    journal.close();
    const again = loadJournal(path, EXPECTED)!;
    expect(again.header).toMatchObject({ version: 2, instance: "inst" });
    expect(Object.fromEntries([...again.phones].map(([p, s]) => [p, [s.last, s.answered]]))).toEqual({ "5511960000000": ["true", 2], "5511960000001": ["true", 2], "5511960000002": ["sending", 0] });
  });
});

describe("lock", () => {
  const self = currentOwner();
  // What /proc says of this process, read here rather than through the code under test.
  const proc = {
    pidns: readOrUndefined(() => readlinkSync("/proc/self/ns/pid")),
    start: readOrUndefined(() => {
      const stat = readFileSync("/proc/self/stat", "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    }),
    boot: readOrUndefined(() => readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim()),
  };
  // A check that needs a fact only /proc gives runs where it is there, and says why not elsewhere.
  const given = (fact: keyof typeof proc, check: () => void) => {
    if (proc[fact] !== undefined) check();
    else console.warn(`lock test: the ${fact} check is skipped: this system has no /proc entry for it (${process.platform})`);
  };

  it("holds its owner from the start, refuses a second taker while held, and is released", () => {
    const path = join(workDir(), "j.jsonl");
    const lock = acquireLock(path, { what: "the journal" });
    const held = JSON.parse(readFileSync(lock.path, "utf8")) as Record<string, unknown>;
    expect(held).toMatchObject({ host: self.host, pid: process.pid });
    given("boot", () => expect(held["boot"]).toBe(proc.boot));
    given("pidns", () => expect(held["pidns"]).toBe(proc.pidns));
    given("start", () => expect(held["start"]).toBe(proc.start));
    expect(() => acquireLock(path, { what: "the journal" })).toThrow(`Another run (process ${process.pid} on ${self.host}`);
    expect(lock.held()).toBe(true);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it("is named after the journal's real path: a symlink to the journal, or to its folder, finds the same lock", () => {
    const dir = workDir();
    mkdirSync(join(dir, "real"));
    writeFileSync(join(dir, "real", "j.jsonl"), "");
    symlinkSync(join(dir, "real", "j.jsonl"), join(dir, "link.jsonl"));
    symlinkSync(join(dir, "real"), join(dir, "alias"));
    expect(lockPathFor(join(dir, "link.jsonl"))).toBe(lockPathFor(join(dir, "real", "j.jsonl")));
    const lock = acquireLock(join(dir, "real", "j.jsonl"), { what: "the journal" });
    expect(() => acquireLock(join(dir, "link.jsonl"), { what: "the journal" })).toThrow(LockError);
    expect(() => acquireLock(join(dir, "alias", "j.jsonl"), { what: "the journal" })).toThrow(LockError);
    lock.release();
  });

  it("a symlink to a journal not yet written names the same lock as the journal: two fresh runs through the two paths cannot both take it", () => {
    const dir = workDir();
    mkdirSync(join(dir, "real"));
    const real = join(dir, "real", "j.jsonl");
    // Relative links, one through another, as a user might make them; neither target exists yet.
    symlinkSync(join("real", "j.jsonl"), join(dir, "link.jsonl"));
    symlinkSync("link.jsonl", join(dir, "link2.jsonl"));
    expect(existsSync(real)).toBe(false);
    expect(lockPathFor(join(dir, "link.jsonl"))).toBe(lockPathFor(real));
    expect(lockPathFor(join(dir, "link2.jsonl"))).toBe(lockPathFor(real));
    const lock = acquireLock(join(dir, "link2.jsonl"), { what: "the journal" });
    expect(() => acquireLock(real, { what: "the journal" })).toThrow(LockError);
    expect(() => acquireLock(join(dir, "link.jsonl"), { what: "the journal" })).toThrow(LockError);
    lock.release();
    // A loop of links names a lock of its own rather than spinning.
    symlinkSync("loop-b", join(dir, "loop-a"));
    symlinkSync("loop-a", join(dir, "loop-b"));
    expect(lockPathFor(join(dir, "loop-a"))).toMatch(/loop-[ab]\.lock$/);
  });

  it("takes over only from a dead run on this machine: a gone process, a reused PID, a dead container's lock left silent, a machine restarted", () => {
    const path = join(workDir(), "j.jsonl");
    const lockPath = lockPathFor(path);
    const take = (owner: object | string, ageMs = 0) => {
      writeFileSync(lockPath, typeof owner === "string" ? owner : `${JSON.stringify({ ...owner, since: "then" })}\n`);
      const at = new Date(Date.now() - ageMs);
      utimesSync(lockPath, at, at);
      acquireLock(path, { what: "the journal" }).release();
    };
    // Process ids above the kernel's largest (4194304) never run.
    take({ ...self, pid: 4194305 });
    // Our own PID with another start time: the PID was reused, the holder is gone.
    given("start", () => take({ ...self, start: "1" }));
    // PID 1 in a container that is gone: another namespace, silent for more than 5 minutes.
    given("pidns", () => take({ ...self, pid: 1, pidns: "pid:[1]" }, 6 * 60_000));
    // The same host name with another boot id: the machine restarted since.
    given("boot", () => take({ ...self, boot: "another-boot" }));
    // Version 1's lock held only a PID.
    take("4194305\n");
  });

  it("never takes over from a live run, one in another container that keeps its lock fresh, or another machine", () => {
    const path = join(workDir(), "j.jsonl");
    const lockPath = lockPathFor(path);
    const refused = (owner: object, message: string) => {
      writeFileSync(lockPath, `${JSON.stringify({ ...owner, since: "then" })}\n`);
      expect(() => acquireLock(path, { what: "the journal" })).toThrow(message);
      expect(readFileSync(lockPath, "utf8")).toContain('"since":"then"');
    };
    refused({ ...self }, "Wait for it to end");
    given("pidns", () => refused({ ...self, pid: 1, pidns: "pid:[1]" }, "in another container or PID namespace on this machine"));
    refused({ ...self, host: "elsewhere", boot: "another-boot" }, "A lock held on another machine is never taken over");
    refused({ ...self, host: "elsewhere", boot: undefined, pidns: undefined }, "A lock held on another machine is never taken over");
    writeFileSync(lockPath, "garbage");
    expect(() => acquireLock(path, { what: "the journal" })).toThrow("A lock that this command did not write");
  });

  it("of processes starting at the same instant, exactly one takes the lock, and no reader ever sees it empty or half-written", async () => {
    const dir = workDir();
    buildSync({ entryPoints: [`${projectRoot}src/cli/lock.ts`], bundle: true, platform: "node", format: "esm", outfile: join(dir, "lock.mjs"), logLevel: "warning" });
    // The winner holds the lock until the reader has seen it (the test then writes "done").
    writeFileSync(
      join(dir, "take.mjs"),
      `import { existsSync } from "node:fs";
      import { acquireLock } from "./lock.mjs";
      const [path, start] = [process.argv[2], Number(process.argv[3])];
      while (Date.now() < start) {}
      try {
        const lock = acquireLock(path, { what: "the journal" });
        process.stdout.write("got");
        const timer = setInterval(() => { if (existsSync(path + ".done")) { clearInterval(timer); lock.release(); } }, 10);
      } catch (error) { process.stdout.write(error.constructor.name); }`,
    );
    writeFileSync(
      join(dir, "read.mjs"),
      `import { readFileSync } from "node:fs";
      const [path, start] = [process.argv[2], Number(process.argv[3])];
      let seen = 0;
      while (seen < 200 && Date.now() < start + 10000) {
        let text; try { text = readFileSync(path, "utf8"); } catch { continue; }
        seen++; if (!text.endsWith("}\\n") || typeof JSON.parse(text).pid !== "number") { process.stdout.write("torn:" + JSON.stringify(text)); process.exit(1); }
      }
      process.stdout.write("read " + seen);`,
    );
    const path = join(dir, "j.jsonl");
    const start = String(Date.now() + 500);
    // Each process's first words (a taker's attempt, the reader's count), and its end.
    const children = ["take", "take", "take", "take", "read"].map((script) => {
      const child = spawn(process.execPath, [join(dir, `${script}.mjs`), script === "read" ? lockPathFor(path) : path, start], { stdio: ["ignore", "pipe", "inherit"] });
      const said = new Promise<string>((resolve) => child.stdout.once("data", (chunk: Buffer) => resolve(String(chunk))));
      const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
      return { said, closed };
    });
    const outputs = await Promise.all(children.map((child) => child.said));
    // Released only once every taker has tried, however late it started.
    writeFileSync(`${path}.done`, "");
    await Promise.all(children.map((child) => child.closed));
    expect(outputs[4]).toBe("read 200");
    expect(outputs.slice(0, 4).sort()).toEqual(["LockError", "LockError", "LockError", "got"]);
    expect(existsSync(lockPathFor(path))).toBe(false);
  });

  it("of runs that all find a dead run's lock at once, exactly one takes it", () => {
    const path = join(workDir(), "j.jsonl");
    writeFileSync(lockPathFor(path), `${JSON.stringify({ ...self, pid: 4194305 })}\n`);
    let taken = 0;
    const locks = [];
    for (let i = 0; i < 5; i++) {
      try {
        locks.push(acquireLock(path, { what: "the journal" }));
        taken++;
      } catch (error) {
        expect(error).toBeInstanceOf(LockError);
      }
    }
    expect(taken).toBe(1);
    for (const lock of locks) lock.release();
  });
});

describe("journal registry", () => {
  const target = { kind: "community", id: "1" } as const;

  it("keeps every journal of a target, first written first, those not there now too, reads version 1, and is written whole", () => {
    const dir = workDir();
    const registry = new JournalRegistry(join(dir, "state"), "inst", diskWriter);
    const [first, second] = [join(dir, "a.jsonl"), join(dir, "b.jsonl")];
    expect(registry.lookup("add-participants", target)).toEqual([]);
    expect(registry.claim("add-participants", target, first)).toEqual([first]);
    writeFileSync(first, "");
    // Another journal for the same target joins the first; other commands and targets are apart.
    expect(registry.claim("add-participants", target, second)).toEqual([first, second]);
    expect(registry.claim("add-participants", target, second)).toEqual([first, second]);
    expect(registry.claim("remove-participants", target, second)).toEqual([second]);
    expect(registry.claim("add-participants", { kind: "group", id: "1-group" }, second)).toEqual([second]);
    expect(registry.lookup("add-participants", target)).toEqual([first, second]);
    // Not there now (deleted, or a share not mounted): kept, so it is read again once back.
    rmSync(first);
    expect(registry.claim("add-participants", target, second)).toEqual([first, second]);
    expect(new JournalRegistry(join(dir, "state"), "inst", diskWriter).lookup("add-participants", target)).toEqual([first, second]);
    expect(readdirSync(join(dir, "state")).sort()).toEqual(["instance-inst.journals.json"]);
    expect(statSync(registry.file).mode & 0o777).toBe(0o600);
    // A record of the first version, one journal per target, is read as a list of one.
    writeFileSync(registry.file, JSON.stringify({ kind: "zapi-client journals", version: 1, journals: { "add-participants community 1": first } }));
    expect(registry.lookup("add-participants", target)).toEqual([first]);
  });

  it("refuses a record it cannot read, and one it cannot write, with a JournalError", () => {
    const dir = workDir();
    const registry = new JournalRegistry(dir, "inst", diskWriter);
    for (const damaged of ["{", "[]", '{"kind":"zapi-client journals","version":1,"journals":{"x":1}}', '{"kind":"zapi-client journals","version":2,"journals":{"x":"/j"}}']) {
      writeFileSync(registry.file, damaged);
      expect(() => registry.lookup("add-participants", target)).toThrow(JournalError);
      expect(() => registry.claim("add-participants", target, "/j")).toThrow(`Cannot read ${registry.file}`);
    }
    rmSync(registry.file);
    const full: LineWriter = {
      append() {
        throw Object.assign(new Error("ENOSPC"), { code: "ENOSPC" });
      },
    };
    expect(() => new JournalRegistry(dir, "inst", full).claim("add-participants", target, "/j")).toThrow(`Cannot write ${registry.file}, which records the journals of each target: the disk is full`);
    // Nothing left behind, not even the temporary file.
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("daily limit", () => {
  it("counts across instances' runs in the last 24 hours, grants what is left, gives back refusals, and says when more fits", () => {
    const dir = workDir();
    let now = Date.parse("2026-12-07T10:00:00Z");
    const limit = (kind: "add" | "remove" = "add") => new DailyLimit(dir, "inst", kind, 25, undefined, () => now);
    expect(limit().reserve(10)).toBe(10);
    now += 3600_000;
    expect(limit().reserve(10)).toBe(10);
    expect(limit().reserve(10)).toBe(5);
    expect(limit().reserve(10)).toBe(0);
    expect(limit("remove").reserve(10)).toBe(10);
    limit().refund(5);
    expect(limit().usage().used).toBe(20);
    expect(new DailyLimit(dir, "other", "add", 25, undefined, () => now).usage().used).toBe(0);
    // 20 used: 10 more fit once the first batch is 24 hours old.
    expect(limit().usage().nextAt(10)).toBe(Date.parse("2026-12-08T10:00:00Z"));
    now = Date.parse("2026-12-08T10:00:01Z");
    expect(limit().reserve(15)).toBe(15);
    expect(readFileSync(limit().file, "utf8")).not.toMatch(/token/i);
  });

  it("lives in the user's state folder on each platform, or ZAPI_STATE_DIR", () => {
    expect(stateDirectory({ ZAPI_STATE_DIR: "/x" }, "linux", "/home/a")).toBe("/x");
    expect(stateDirectory({}, "linux", "/home/a")).toBe("/home/a/.local/state/zapi-client");
    expect(stateDirectory({ XDG_STATE_HOME: "/s" }, "linux", "/home/a")).toBe("/s/zapi-client");
    // Relative: ignored, as the XDG spec says; it would move with the working folder.
    expect(stateDirectory({ XDG_STATE_HOME: "state" }, "linux", "/home/a")).toBe("/home/a/.local/state/zapi-client");
    expect(stateDirectory({}, "darwin", "/Users/a")).toBe("/Users/a/Library/Application Support/zapi-client");
    expect(stateDirectory({ LOCALAPPDATA: "C:\\L" }, "win32", "C:\\U")).toMatch(/^C:\\L.zapi-client$/);
    expect(DAY_MS).toBe(86_400_000);
  });

  it("a count that cannot be written grants nothing", () => {
    const dir = workDir();
    const full: LineWriter = {
      append() {
        throw Object.assign(new Error("no space"), { code: "ENOSPC" });
      },
    };
    expect(() => new DailyLimit(dir, "inst", "add", 25, full).reserve(10)).toThrow("Cannot write the daily count");
    expect(new DailyLimit(dir, "inst", "add", 25).usage().used).toBe(0);
    expect(statSync(dir).isDirectory()).toBe(true);
  });
});

describe("pacing", () => {
  it("jitters each pause by at most a quarter either way", () => {
    expect(jitteredPause(30_000, () => 0)).toBe(30_000 * (1 - JITTER));
    expect(jitteredPause(30_000, () => 0.5)).toBe(30_000);
    expect(jitteredPause(30_000, () => 0.999999)).toBeLessThanOrEqual(30_000 * (1 + JITTER));
    expect(jitteredPause(0, () => 0.7)).toBe(0);
  });
});

describe("progress", () => {
  const sink = (isTTY: boolean) => {
    const out = { text: "", isTTY, columns: 100, write: (t: string) => (out.text += t) };
    return out;
  };

  it("on a terminal, redraws one bar with the count, the rate and the ETA", () => {
    const out = sink(true);
    let now = 0;
    const progress = createProgress(out, { phones: 30, batches: 3, pauseMs: 0, now: () => now });
    now = 60_000;
    progress.batch(1, 10, "true");
    progress.end();
    expect(out.text).toContain("\r\x1b[2K[");
    expect(out.text).toContain("10/30 phones · 10.0/min · ETA 2 min");
    expect(out.text).not.toContain("batch 1");
  });

  it("elsewhere, prints one plain line a batch, without control characters", () => {
    const out = sink(false);
    let now = 0;
    const progress = createProgress(out, { phones: 20, batches: 2, pauseMs: 0, now: () => now });
    now = 30_000;
    progress.batch(4, 10, "false");
    progress.batch(5, 10, "unknown", "ZApiTimeoutError");
    progress.end();
    expect(out.text).toBe("batch 4: 10 phones, answered false · 10/20 phones · 20.0/min · ETA 30 s\n" + "batch 5: 10 phones, no answer (ZApiTimeoutError) · 20/20 phones · 40.0/min · done\n");
  });
});

describe("command line", () => {
  it("suggests the nearest option or command", () => {
    expect(closest("--batch", ["batch-size", "pause"])).toBe("batch-size");
    expect(closest("--autoinvite", ["auto-invite", "no-auto-invite"])).toBe("auto-invite");
    expect(closest("--reprot", ["report", "resend-unknown"])).toBe("report");
    expect(closest("--xyz", ["report", "pause"])).toBeUndefined();
    expect(closest("add-participant", ["add-participants", "remove-participants"])).toBe("add-participants");
  });

  it("--check needs no invitation choice; remove-participants takes none", () => {
    expect(parseCommandLine(["add-participants", "--group", "1-group", "--file", "x", "--check"])).toMatchObject({ options: { check: true, autoInvite: undefined } });
    expect(() => parseCommandLine(["remove-participants", "--group", "1-group", "--file", "x", "--auto-invite"])).toThrow("remove-participants takes no --auto-invite");
    expect(() => parseCommandLine(["add-participants", "--group", "1-group", "--file", "x", "--check", "--dry-run"])).toThrow("Give --dry-run or --check, not both");
  });
});

function readOrUndefined(read: () => string | undefined): string | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
