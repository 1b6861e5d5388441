// The command's modules one by one: CSV, phones, plan, journal, pacing, progress, report.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { csvField, detectDelimiter, parseCsv } from "../../src/cli/csv.js";
import { JournalError, loadJournal, lockJournal, openJournal } from "../../src/cli/journal.js";
import { JITTER, jitteredPause } from "../../src/cli/pacing.js";
import { normalizePhone } from "../../src/phones.js";
import { estimateMs, formatDuration, makePlan, type PlanSettings } from "../../src/cli/plan.js";
import { createProgress } from "../../src/cli/progress.js";
import { lineResults, summarize } from "../../src/cli/report.js";
import { workDir } from "./harness.js";

const settings: PlanSettings = { target: { kind: "community", id: "1" }, autoInvite: true, batchSize: 2, country: "BR" };
const records = (...raws: string[]) => raws.map((raw, i) => ({ line: i + 2, raw }));

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

  it("refuses a quote that never closes, naming the line it opens on", () => {
    expect(() => parseCsv('a,b\n1,2\n"3,4\n5,6\n', ",")).toThrow("line 3: a quoted field opens here and is never closed");
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
    expect(csvField("+55 (44) 99999-9999")).toBe("+55 (44) 99999-9999");
    expect(csvField("=HYPERLINK(\"x\")")).toBe("\"'=HYPERLINK(\"\"x\"\")\"");
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

  it("a Brazilian mobile written with 8 digits is refused with the ninth digit as the hint; a Linked ID is never read as a phone", () => {
    expect(normalizePhone("(11) 8765-4321", "BR")).toMatchObject({ ok: false, hint: "add the ninth digit: (11) 98765-4321" });
    expect(normalizePhone("554499999999", "BR")).toMatchObject({ ok: false, hint: "add the ninth digit: (44) 99999-9999" });
    expect(normalizePhone("123456789012@lid", "BR")).toMatchObject({ ok: false, reason: expect.stringContaining("Linked ID") as unknown });
    expect(normalizePhone("0xx 912 345 678", "PT").ok).toBe(false);
  });

  it("reads numbers without a country in the country given", () => {
    expect(normalizePhone("912 345 678", "PT")).toEqual({ ok: true, phone: "351912345678" });
  });
});

describe("plan", () => {
  it("drops repeats (naming the first line), keeps invalid lines out, and batches the rest in input order", () => {
    const plan = makePlan(records("(44) 99999-9999", "(44) 1234", "+55 11 91234-5678", "44999999999", "11 98765-4321"), settings);
    expect(plan.phones).toEqual(["5544999999999", "5511912345678", "5511987654321"]);
    expect(plan.batches).toEqual([
      { index: 1, phones: ["5544999999999", "5511912345678"] },
      { index: 2, phones: ["5511987654321"] },
    ]);
    expect(plan.invalid.map((e) => e.line)).toEqual([3]);
    expect(plan.duplicates).toEqual([{ line: 5, raw: "44999999999", phone: "5544999999999", duplicateOf: 2 }]);
    expect(plan.entries.map((e) => e.batch)).toEqual([1, undefined, 1, undefined, 2]);
  });

  it("identifies a list by its phones, target and autoInvite: the same input gives the same id, any change another", () => {
    const input = records("(44) 99999-9999", "11 91234-5678");
    const id = makePlan(input, settings).id;
    expect(makePlan(records("+55 44 99999-9999", "+55 11 91234-5678"), settings).id).toBe(id);
    expect(makePlan(input.slice().reverse(), settings).id).not.toBe(id);
    expect(makePlan(input, { ...settings, autoInvite: false }).id).not.toBe(id);
    expect(makePlan(input, { ...settings, target: { kind: "group", id: "1" } }).id).not.toBe(id);
    expect(makePlan(input.slice(1), settings).id).not.toBe(id);
  });

  it("estimates calls of about a second and the pauses between them", () => {
    expect(estimateMs(0, 30_000)).toBe(0);
    expect(estimateMs(3, 30_000)).toBe(63_000);
    expect(formatDuration(63_000)).toBe("1 min 3 s");
    expect(formatDuration(5 * 3600_000 + 60_000)).toBe("5 h 1 min");
    expect(formatDuration(3 * 86_400_000)).toBe("3 d");
  });
});

describe("journal", () => {
  const plan = makePlan(records("(44) 99999-9999", "11 91234-5678", "11 98765-4321"), settings);

  it("reads back each batch's last state, and how often it was sent", () => {
    const path = join(workDir(), "j.jsonl");
    expect(loadJournal(path, plan)).toBeUndefined();
    const journal = openJournal(path, plan, undefined);
    journal.sending(1);
    journal.answered(1, "added");
    journal.sending(2);
    journal.close();
    const loaded = loadJournal(path, plan)!;
    expect(Object.fromEntries(loaded.states)).toEqual({ 1: { state: "added", sends: 1 }, 2: { state: "sending", sends: 1 } });
    const again = openJournal(path, plan, loaded);
    again.sending(2);
    again.answered(2, "unknown", "ZApiTimeoutError");
    again.close();
    expect(loadJournal(path, plan)!.states.get(2)).toEqual({ state: "unknown", error: "ZApiTimeoutError", sends: 2 });
  });

  it("drops a torn last line (the process died mid-write) and appends after the last whole one", () => {
    const path = join(workDir(), "j.jsonl");
    const journal = openJournal(path, plan, undefined);
    journal.sending(1);
    journal.close();
    appendFileSync(path, '{"batch":1,"event":"answ');
    const loaded = loadJournal(path, plan)!;
    expect(loaded.states.get(1)?.state).toBe("sending");
    const again = openJournal(path, plan, loaded);
    again.answered(2, "added");
    again.close();
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toHaveLength(3);
  });

  it("refuses a damaged journal or a file that is not one, naming it", () => {
    const dir = workDir();
    const path = join(dir, "j.jsonl");
    openJournal(path, plan, undefined).close();
    appendFileSync(path, "not json\n");
    expect(() => loadJournal(path, plan)).toThrow(/j\.jsonl is damaged: line 2 is not JSON/);
    const other = join(dir, "other.jsonl");
    writeFileSync(other, '{"hello":1}\n');
    expect(() => loadJournal(other, plan)).toThrow(JournalError);
    expect(() => loadJournal(other, plan)).toThrow("is not a journal of this command");
  });

  it("lock: a second lock on the same journal is refused; a lock left by a dead process is taken over", () => {
    const path = join(workDir(), "j.jsonl");
    const release = lockJournal(path);
    expect(() => lockJournal(path)).toThrow(`Another run (process ${process.pid})`);
    release();
    expect(existsSync(`${path}.lock`)).toBe(false);
    // Process ids above the kernel's largest (4194304) never run.
    writeFileSync(`${path}.lock`, "4194305\n");
    lockJournal(path)();
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
    const progress = createProgress(out, { phones: 30, batches: 3, lastBatch: 3, pauseMs: 0, now: () => now });
    now = 60_000;
    progress.batch(1, 10, "added");
    progress.end();
    expect(out.text).toContain("\r\x1b[2K[");
    expect(out.text).toContain("10/30 phones · 10.0/min · ETA 2 min");
    expect(out.text).not.toContain("batch 1/3");
  });

  it("elsewhere, prints one plain line a batch, without control characters", () => {
    const out = sink(false);
    let now = 0;
    const progress = createProgress(out, { phones: 20, batches: 2, lastBatch: 5, pauseMs: 0, now: () => now });
    now = 30_000;
    progress.batch(4, 10, "failed");
    progress.batch(5, 10, "unknown", "ZApiTimeoutError");
    progress.end();
    expect(out.text).toBe(
      "batch 4/5: 10 phones, failed · 10/20 phones · 20.0/min · ETA 30 s\n" + "batch 5/5: 10 phones, unknown (ZApiTimeoutError) · 20/20 phones · 40.0/min · done\n",
    );
  });
});

describe("report", () => {
  it("gives each line its outcome: batch state, invalid or duplicate", () => {
    const plan = makePlan(records("(44) 99999-9999", "x", "(44) 99999-9999", "11 91234-5678", "11 98765-4321"), settings);
    const states = new Map([
      [1, { state: "added" as const, sends: 1 }],
      [2, { state: "sending" as const, sends: 1 }],
    ]);
    expect(lineResults(plan, states).map((r) => `${r.entry.line} ${r.outcome}`)).toEqual(["2 added", "3 invalid", "4 duplicate", "5 added", "6 unknown"]);
    const summary = summarize(plan, states).join("\n");
    expect(summary).toMatch(/added +2 phones in 1 batch\n/);
    expect(summary).toMatch(/unknown +1 phone in 1 batch \(2\): no answer/);
  });
});
