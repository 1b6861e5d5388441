// `zapi-client add-participants` and `zapi-client remove-participants`: read the list, read
// who is in the target, print the plan, send what the journal does not show as answered
// (within the daily limit), read the members again, and give each person an outcome.
// Returns the exit code: 0 the run finished and everyone is where the command was to put
// them; 1 someone is not, or the run stopped early; 2 bad usage or input, nothing sent.
import { accessSync, constants } from "node:fs";
import { dirname, resolve } from "node:path";
import { VERSION } from "../../generated/version.js";
import { createZApiClient, DEFAULT_BASE_URL, ZApiError, type ZApiClient } from "../index.js";
import { parseCommandLine, TOP_HELP, usage, UsageError, type CommandOptions } from "./args.js";
import { DailyError, DailyLimit, type Usage } from "./daily.js";
import { lockTarget, stateDirectory } from "./state.js";
import { InputError, readInput, type InputList } from "./input.js";
import { answeredBit, diskWriter, JournalError, loadJournal, openJournal, type Command, type JournalWriter, type LineWriter, type LoadedJournal, type Outcome, type PhoneState } from "./journal.js";
import { acquireLock, LockError, type Lock } from "./lock.js";
import { findMember, MembersError, readMembers, type Members } from "./members.js";
import { apply, evaluate, resultOf, SUCCESS, summarize, type Reading, type Result, type ResultContext } from "./outcomes.js";
import { JITTER } from "./pacing.js";
import { estimateMs, formatCount, formatDuration, makePlan, planPhones, plural, type Plan } from "./plan.js";
import { createProgress, type Output } from "./progress.js";
import { writeReport } from "./report.js";
import { chooseJournal, type JournalChoice } from "./registry.js";
import { sendBatches, type SendResult } from "./send.js";
import { IntList } from "./table.js";
import { showCell, visibleLines } from "./terminal.js";
import { credentialRedactor } from "../core/redact.js";

export interface CommandIO {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Calls `handler` on each Ctrl-C (SIGINT); returns the undo. */
  onInterrupt(handler: () => void): () => void;
  /** The fetch the client uses; the global one by default. */
  readonly fetch?: typeof globalThis.fetch;
  /** How journal and daily-count lines reach the disk; tests put a full disk here. */
  readonly writer?: LineWriter;
  /** The largest input read; tests lower it. */
  readonly maxInputBytes?: number;
}

type Client = Pick<ZApiClient, "addParticipant" | "removeParticipant" | "getCommunityMetadata" | "getLightGroupMetadata">;

export async function runCommand(argv: readonly string[], io: CommandIO): Promise<number> {
  // Belt and braces: no output line can carry a credential, whatever it quotes.
  const scrub = scrubber([io.env["ZAPI_TOKEN"], io.env["ZAPI_CLIENT_TOKEN"]]);
  const stdout: Output = { write: (text) => io.stdout.write(scrub(text)), isTTY: io.stdout.isTTY === true, columns: io.stdout.columns ?? 80 };
  const say = (text: string) => stdout.write(`${text}\n`);
  const fail = (text: string) => io.stderr.write(`${visibleLines(scrub(`zapi-client: ${text}`))}\n`);

  // Credentials come from the environment only. One pasted as an argument would be quoted
  // by a usage error, cut to a cell's length: a cut secret escapes the scrubber.
  const holding = argv.findIndex((arg) => scrub(arg) !== arg);
  if (holding >= 0) {
    fail(`Argument ${holding + 1} holds the value of ZAPI_TOKEN or ZAPI_CLIENT_TOKEN (not shown): credentials are read from those variables, never from the command line`);
    return 2;
  }

  let options: CommandOptions;
  try {
    const parsed = parseCommandLine(argv);
    if ("help" in parsed) {
      say(parsed.help);
      return 0;
    }
    if ("version" in parsed) {
      say(`zapi-client ${VERSION}`);
      return 0;
    }
    options = parsed.options;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (argv.length === 0) {
      io.stderr.write(`${TOP_HELP}\n`);
      return 2;
    }
    const more = error.command ? `Run "zapi-client ${error.command} --help" for every option and examples.` : `Run "zapi-client --help" for the commands.`;
    fail(`${error.message}\n${usage(error.command)}\n${more}`);
    return 2;
  }

  // The journal: --journal, the one next to the list, or the one the state folder records
  // for this instance and target (a corrected list saved under another name).
  const instance = io.env["ZAPI_INSTANCE_ID"] || undefined;
  // One run at a time per command and target on this machine's state folder, from before
  // its journals are chosen to its end.
  let targetLock: Lock | undefined;
  let choice: JournalChoice;
  try {
    if (!options.dryRun && instance !== undefined) targetLock = lockTarget(stateDirectory(io.env), options.command, options.target);
    choice = chooseJournal(options, instance, stateDirectory(io.env), io.writer ?? diskWriter);
  } catch (error) {
    targetLock?.release();
    if (!(error instanceof JournalError || error instanceof LockError)) throw error;
    fail(error.message);
    return 2;
  }
  try {
    return await runWithJournal(options, io, stdout, fail, choice, instance, argv);
  } finally {
    targetLock?.release();
  }
}

async function runWithJournal(
  options: CommandOptions,
  io: CommandIO,
  stdout: Output,
  fail: (text: string) => void,
  choice: JournalChoice,
  instance: string | undefined,
  argv: readonly string[],
): Promise<number> {
  const journalPath = choice.path;
  const clash = pathClash(options.file, journalPath, options.report);
  if (clash) {
    fail(clash);
    return 2;
  }

  // Credentials are checked before the file is read, so a missing token fails at once.
  const haveCredentials = instance !== undefined && !!io.env["ZAPI_TOKEN"];
  let client: Client | undefined;
  if (!options.dryRun && !haveCredentials) {
    const missing = ["ZAPI_INSTANCE_ID", "ZAPI_TOKEN"].filter((name) => !io.env[name]);
    fail(`Set ${missing.join(" and ")}: the credentials come from ZAPI_INSTANCE_ID and ZAPI_TOKEN (and ZAPI_CLIENT_TOKEN when your account has it). --dry-run needs none.`);
    return 2;
  }
  if (haveCredentials) {
    try {
      client = createZApiClient({
        instanceId: instance,
        token: io.env["ZAPI_TOKEN"] || undefined,
        clientToken: io.env["ZAPI_CLIENT_TOKEN"] || undefined,
        baseUrl: io.env["ZAPI_BASE_URL"] || undefined,
        // The command speaks for itself, through its scrubbed output.
        logLevel: "off",
        ...(io.fetch ? { fetch: io.fetch } : {}),
      });
    } catch (error) {
      if (!(error instanceof ZApiError)) throw error;
      fail(error.message);
      return 2;
    }
  }

  let input: InputList;
  let plan: Plan;
  try {
    input = readInput(options.file, options.column, io.maxInputBytes);
    plan = makePlan(input.rows(), options.country);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    fail(error.message);
    return 2;
  }

  let lock: Lock | undefined;
  const alsoLocks: Lock[] = [];
  try {
    // The lock comes before reading the journal: two runs must not both decide to send.
    if (!options.dryRun) lock = acquireLock(journalPath, { what: `the journal ${journalPath}` });
    // And the target's other journals, read too: a run sending from one would not see this one.
    if (!options.dryRun) for (const other of choice.also) alsoLocks.push(acquireLock(other, { what: `the journal ${other}` }));
    const run = new Run(options, io, stdout, choice, input, plan, client, instance, lock);
    return await run.go(argv);
  } catch (error) {
    if (!(error instanceof JournalError || error instanceof LockError || error instanceof DailyError || error instanceof InputError)) throw error;
    fail(error.message);
    return 2;
  } finally {
    for (const other of alsoLocks) other.release();
    lock?.release();
  }
}

/** One run, from the journal to the exit code. */
class Run {
  private readonly say: (text: string) => void;
  private readonly fail: (text: string) => void;
  private readonly states: Map<string, PhoneState>;
  private loaded: LoadedJournal | undefined;
  private before: Members | undefined;
  private beforeError: string | undefined;
  private readonly skipped = new Set<string>();
  /** The phones to send, as indexes in the plan's phones (a list of millions stays small). */
  private readonly toSend = new IntList();
  private daily: DailyLimit | undefined;
  private usage: Usage | undefined;
  private readonly journalPath: string;

  constructor(
    private readonly options: CommandOptions,
    private readonly io: CommandIO,
    private readonly stdout: Output,
    private readonly journalChoice: JournalChoice,
    private readonly input: InputList,
    private readonly plan: Plan,
    private readonly client: Client | undefined,
    private readonly instance: string | undefined,
    private readonly lock: Lock | undefined,
  ) {
    this.say = (text) => stdout.write(`${text}\n`);
    this.journalPath = journalChoice.path;
    const scrub = scrubber([io.env["ZAPI_TOKEN"], io.env["ZAPI_CLIENT_TOKEN"]]);
    this.fail = (text) => io.stderr.write(`${visibleLines(scrub(`zapi-client: ${text}`))}\n`);
    this.loaded = loadJournal(this.journalPath, {
      command: options.command,
      target: options.target,
      instance,
      v1Phones: () => [...planPhones(plan)],
    });
    this.states = this.loaded?.phones ?? new Map();
    // The target's other journals, on any instance: whoever was answered in one counts as
    // answered here, so no second journal sends anyone twice. Only this list's people are
    // taken: the others stay those journals' business.
    for (const path of journalChoice.also) {
      const other = loadJournal(path, { command: options.command, target: options.target, instance: undefined, v1Phones: () => [...planPhones(plan)] });
      if (!other) continue;
      for (const phone of planPhones(plan)) {
        const state = other.phones.get(phone);
        if (state !== undefined) this.states.set(phone, mergeStates(this.states.get(phone), state));
      }
    }
  }

  async go(argv: readonly string[]): Promise<number> {
    const { options, plan } = this;
    if (this.client) {
      try {
        this.before = await readMembers(this.client, options.target);
      } catch (error) {
        if (!(error instanceof MembersError)) throw error;
        this.beforeError = error.message;
      }
    }
    this.choose();
    if (this.instance !== undefined && !options.check) {
      this.daily = new DailyLimit(stateDirectory(this.io.env), this.instance, options.command === "add-participants" ? "add" : "remove", options.maxPerDay, this.io.writer ?? diskWriter);
      this.usage = this.daily.usage();
    }
    for (const line of this.describe()) this.say(line);

    if (plan.phones.size === 0) {
      this.writeReport("not sent: the list holds no valid phone");
      this.fail(`Nothing to send: ${options.file} holds no valid phone.`);
      return 2;
    }
    if (options.dryRun) {
      const reading: Reading = { members: this.before, before: undefined, sentNow: new Set() };
      if (this.before) apply(this.states, evaluate(options.command, this.journalPhones(), this.states, reading));
      const report = this.writeReport("not sent: dry run");
      this.say(`Dry run: nothing was sent and no journal was written.${report ? ` Report: ${this.options.report}` : ""}`);
      return 0;
    }
    if (this.beforeError !== undefined) {
      this.fail(`Cannot read the members of ${options.target.kind} ${options.target.id}: ${this.beforeError}. Nothing was sent: the command reads who is in before it sends anyone. Run it again once this is fixed.`);
      return 1;
    }
    // A journal this run reads is recorded as its target's even if nothing is written to it
    // (one from before the record existed, or nobody left to send): a list saved under
    // another name then finds it.
    if (this.loaded) this.journalChoice.register?.();
    if (options.check) return this.check();
    return await this.send(argv);
  }

  // Who is sent: valid phones not already where the command is to put them, and not
  // answered before with the same --auto-invite choice; unknown ones only when asked.
  private choose(): void {
    const { options, before } = this;
    const adding = options.command === "add-participants";
    for (let index = 0; index < this.plan.phones.size; index++) {
      const phone = this.plan.phones.get(index);
      if (before) {
        const member = findMember(before, phone) !== undefined;
        if (adding && member) {
          this.skipped.add(phone);
          continue;
        }
        // A phone not found may still be a member known only by a Linked ID: sent anyway.
        if (!adding && !member && before.lidOnly.size === 0) {
          this.skipped.add(phone);
          continue;
        }
      }
      if (!options.check && shouldSend(this.states.get(phone), options.command, options.autoInvite, options.resendUnknown)) this.toSend.push(index);
    }
  }

  private async check(): Promise<number> {
    const changes = evaluate(this.options.command, this.journalPhones(), this.states, { members: this.before, before: undefined, sentNow: new Set() });
    apply(this.states, changes);
    this.record(changes);
    this.say(`Checked: ${plural(changes.length, "outcome")} updated in the journal${this.loaded ? "" : " (there is no journal yet: nothing was ever sent from this list)"}. Nothing was sent.`);
    return this.finish(true, "not sent: --check sends nothing");
  }

  private async send(argv: readonly string[]): Promise<number> {
    const { options, io } = this;
    if (this.toSend.length === 0) {
      this.say("Nobody to send: everyone is answered in the journal, or already where this command puts them.");
      const changes = evaluate(options.command, this.journalPhones(), this.states, { members: this.before, before: this.before, sentNow: new Set() });
      apply(this.states, changes);
      this.record(changes);
      return this.finish(true, "not sent");
    }
    this.say(`Sending to ${host(io.env["ZAPI_BASE_URL"])}. Ctrl-C stops after the batch in flight.`);
    const journal = this.openJournal();
    const progress = createProgress(this.stdout, {
      phones: this.toSend.length,
      batches: Math.ceil(this.toSend.length / options.batchSize),
      pauseMs: options.pauseMs,
    });
    const stop = new AbortController();
    const abort = new AbortController();
    let interrupts = 0;
    const undo = io.onInterrupt(() => {
      interrupts++;
      if (interrupts === 1) {
        stop.abort();
        progress.line("Ctrl-C: stopping after the batch in flight, if any. Ctrl-C again abandons it (its people would be reported unknown).");
      } else abort.abort();
    });
    let result: SendResult;
    let reading: Reading;
    const sentNow = new Set<string>();
    try {
      const lastCalls = [this.loaded?.lastActivity, this.usage?.lastCall].filter((t): t is number => t !== undefined);
      result = await sendBatches({
        command: options.command,
        target: options.target,
        autoInvite: options.autoInvite,
        phones: { length: this.toSend.length, at: (i) => this.plan.phones.get(this.toSend.at(i)) },
        ...(options.command === "remove-participants" && this.before ? { wire: wireOf(this.before) } : {}),
        batchSize: options.batchSize,
        states: this.states,
        journal,
        daily: this.daily,
        lock: this.lock,
        client: this.client!,
        pauseMs: options.pauseMs,
        lastActivity: lastCalls.length > 0 ? Math.max(...lastCalls) : undefined,
        stop: stop.signal,
        abort: abort.signal,
        progress,
      });
      progress.end();
      for (let i = 0; i < result.sent; i++) sentNow.add(this.plan.phones.get(this.toSend.at(i)));
      // Who got in: the members, read again.
      if (result.sent > 0) {
        try {
          reading = { members: await readMembers(this.client!, options.target, abort.signal), before: this.before, sentNow };
        } catch (error) {
          if (!(error instanceof MembersError)) throw error;
          reading = { members: undefined, error: error.message, before: this.before, sentNow };
        }
      } else reading = { members: this.before, before: this.before, sentNow };
      const changes = evaluate(options.command, this.journalPhones(), this.states, reading);
      apply(this.states, changes);
      try {
        journal.outcomes(changes);
      } catch (error) {
        if (!(error instanceof JournalError)) throw error;
        this.fail(`${error.message}. The outcomes above were not recorded: run the command again with --check to record them.`);
      }
    } finally {
      undo();
      journal.close();
    }

    this.say("");
    const finished = result.ended === "done";
    const pending =
      result.ended === "limit" ? "not sent: the daily limit was reached" : result.ended === "stopped" ? "not sent: the run was stopped (Ctrl-C)" : result.ended === "done" ? "not sent" : "not sent: the run stopped at the batch that failed";
    const code = this.finish(finished, pending);
    this.say(`Journal: ${this.journalPath}`);
    if (result.ended === "error") {
      this.fail(`Stopped at a batch: ${result.message}. ${result.answer === "error" ? "Z-API refused it before acting: the next run sends it again." : "Its people are unknown: they may have been reached, so they are not sent again unless --resend-unknown."} Fix the cause, then run the same command again.`);
    }
    if (result.ended === "write") {
      this.fail(`${result.message}. The batch it was for was not sent${result.sent > 0 ? `, nor anything after it (${plural(result.sent, "phone")} had been sent before)` : ", and nothing else was"}. Free some space (or fix the cause), then run the same command again.`);
      if (result.sent === 0) return 2;
    }
    if (result.ended === "limit" && this.daily) {
      const usage = this.daily.usage();
      const left = this.toSend.length - result.sent;
      const at = usage.nextAt(Math.min(options.batchSize, left));
      this.say(
        `Daily limit reached: ${formatCount(usage.used)} of ${formatCount(usage.limit)} phones sent on instance ${this.instance} in the last 24 hours (--max-per-day ${formatCount(usage.limit)}). ` +
          `${plural(left, "phone")} ${left === 1 ? "waits" : "wait"}. You may go on from ${formatTime(at)}.`,
      );
    }
    if (result.ended === "stopped") this.say("Stopped by Ctrl-C. The journal is on the disk.");
    if (result.ended !== "done") this.say(`\nTo resume, run:\n  ${resumeCommand(argv)}`);
    return code;
  }

  // The summary and the report; the exit code.
  private finish(finished: boolean, pending: string): number {
    const { options, plan } = this;
    const context: ResultContext = { command: options.command, skipped: this.skipped, pending };
    const counts = new Map<Result, number>();
    let everyoneIn = true;
    for (const phone of planPhones(plan)) {
      const [result] = resultOf(phone, this.states.get(phone), context);
      counts.set(result, (counts.get(result) ?? 0) + 1);
      if (!SUCCESS[options.command].has(result)) everyoneIn = false;
    }
    counts.set("invalid", plan.invalid);
    counts.set("duplicate", plan.duplicates);
    this.say("");
    for (const line of summarize(options.command, counts, plan.rows, plan.phones.size, pending)) this.say(line);
    if (options.report) {
      try {
        this.writeReport(pending);
        this.say(`Report: ${options.report}`);
      } catch (error) {
        if (error instanceof InputError) throw error;
        // Everything is in the journal: a rerun sends nothing more and writes the report.
        this.fail(`Cannot write the report ${options.report}: ${(error as Error).message}. Run the same command again to write it; nobody will be sent twice.`);
      }
    }
    return finished && everyoneIn ? 0 : 1;
  }

  private writeReport(pending: string): boolean {
    const { options, plan } = this;
    if (!options.report) return false;
    const context: ResultContext = { command: options.command, skipped: this.skipped, pending };
    const { changed } = writeReport(options.report, {
      input: this.input,
      plan,
      country: options.country,
      resultOf: (index) => {
        const phone = plan.phones.get(index);
        return resultOf(phone, this.states.get(phone), context);
      },
    });
    if (changed) this.say(`Note: ${options.file} changed while the command ran; the report matched its rows to people by phone.`);
    return true;
  }

  // Outcomes into the journal, when there is one; a version 1 journal is written back per
  // person even when no outcome changed.
  private record(changes: readonly [string, Outcome, string?][]): void {
    if (!this.loaded || (changes.length === 0 && !this.loaded.fromV1)) return;
    const journal = this.openJournal();
    try {
      journal.outcomes(changes);
    } finally {
      journal.close();
    }
  }

  // Opens the journal to append, and records it in the state folder as the journal of this
  // target before anything is sent, so that a list saved under another name finds it.
  // Recorded before the journal is created: a run killed right after writing the header
  // leaves a journal that the record names, never one that a renamed list cannot find.
  private openJournal(): JournalWriter {
    this.journalChoice.register?.();
    return openJournal(this.journalPath, this.journalIdentity(), this.loaded, this.io.writer);
  }

  /** The plan's phones that the journal knows. */
  private *journalPhones(): Generator<string> {
    if (this.states.size === 0) return;
    for (const phone of planPhones(this.plan)) if (this.states.has(phone)) yield phone;
  }

  private journalIdentity(): { command: Command; target: CommandOptions["target"]; instance: string } {
    return { command: this.options.command, target: this.options.target, instance: this.instance! };
  }

  private describe(): string[] {
    const { options, plan, input } = this;
    const { target } = options;
    const adding = options.command === "add-participants";
    const invite = options.autoInvite === undefined ? "" : options.autoInvite ? ", with --auto-invite (Z-API privately invites whoever WhatsApp refuses to add)" : ", with --no-auto-invite (no invitations)";
    const lines = [
      `Plan: ${options.check ? "check who is in" : adding ? "add to" : "remove from"} ${target.kind} ${target.id}${options.check ? "" : invite}`,
      `  input        ${options.file}: ${input.shape.description}, ${plural(plan.rows, "line")} with a phone`,
      `  valid        ${plural(plan.phones.size, "phone")}, one person each (numbers written without a country are read as ${options.country})`,
      `  invalid      ${plural(plan.invalid, "line")}${plan.invalid ? ", never sent:" : ""}`,
      ...plan.invalidShown.map((e) => `                 line ${e.line}: ${showCell(e.raw)}: ${e.reason}`),
      ...more(plan.invalid, plan.invalidShown.length, options.report),
      ...[...plan.hintCounts].map(([hint, n]) => `                 ${plural(n, "line")}: ${hint}`),
      `  duplicate    ${plural(plan.duplicates, "line")}${plan.duplicates ? ", dropped:" : ""}`,
      ...plan.duplicateShown.map((e) => `                 line ${e.line}: ${e.phone}, same phone as line ${e.firstLine}`),
      ...more(plan.duplicates, plan.duplicateShown.length, options.report),
      `  members      ${this.describeMembers()}`,
      `  journal      ${this.describeJournal()}`,
      ...this.journalChoice.notes.map((note) => `                 ${note}`),
    ];
    if (options.check) return lines;
    const batches = Math.ceil(this.toSend.length / options.batchSize);
    const pause = options.pauseMs === 0 ? "no pause between calls" : `${options.pauseMs / 1000} s (±${JITTER * 100}%) between calls`;
    lines.push(
      `  to send      ${plural(this.toSend.length, "phone")}${batches ? ` in ${plural(batches, "call")} of up to ${options.batchSize}` : ""}`,
      `  pacing       ${pause}${batches ? `: about ${formatDuration(estimateMs(batches, options.pauseMs))}, taking ~1 s a call` : ""}`,
      `  daily limit  ${this.describeDaily()}`,
    );
    return lines;
  }

  private describeMembers(): string {
    const adding = this.options.command === "add-participants";
    if (!this.client) return "not read: no credentials. With ZAPI_INSTANCE_ID and ZAPI_TOKEN set, a dry run reads who is in already";
    if (!this.before) return `could not be read: ${this.beforeError ?? "no answer"}`;
    const { total, lidOnly, groupId } = this.before;
    const where = this.options.target.kind === "community" ? ` (its announcement group ${groupId})` : "";
    const lids = lidOnly.size > 0 ? `${plural(lidOnly.size, "member")} shown only by a Linked ID (@lid), which no phone can be matched to` : "";
    const sending = this.options.check ? "" : ": not sent";
    let found: string;
    if (adding) found = `${formatCount(this.skipped.size)} of your phones already in${sending}${lids ? `; ${lids}` : ""}`;
    else if (lidOnly.size === 0) found = `${formatCount(this.skipped.size)} of your phones not in${sending}`;
    else {
      let matched = 0;
      for (const phone of planPhones(this.plan)) if (findMember(this.before, phone) !== undefined) matched++;
      found = `${formatCount(matched)} of your phones found; ${lids}, so the other ${formatCount(this.plan.phones.size - matched)} ${this.options.check ? "may be among them" : "are sent too, as they may be among them"}`;
    }
    return `${plural(total, "member")}${where}: ${found}`;
  }

  private describeJournal(): string {
    const tags = [...(this.loaded ? [] : ["new"]), ...(this.loaded?.fromV1 ? ["version 1: rewritten per person when this run writes to it"] : []), ...(this.journalChoice.tag ? [this.journalChoice.tag] : [])];
    const head = `${this.journalPath}${tags.length > 0 ? ` (${tags.join("; ")})` : ""}`;
    if (!this.loaded) return head;
    let answered = 0;
    const unknown: string[] = [];
    let refused = 0;
    for (const phone of planPhones(this.plan)) {
      const state = this.states.get(phone);
      if (!state) continue;
      if (state.last === "sending" || state.last === "unknown") unknown.push(phone);
      else if (state.last === "error") refused++;
      else answered++;
    }
    const parts = answered > 0 ? [`${formatCount(answered)} of this list's people answered before: not sent again`] : [];
    if (unknown.length > 0) parts.push(`${formatCount(unknown.length)} unknown: ${this.options.resendUnknown ? "sent again, as --resend-unknown asks" : "not sent again; --resend-unknown would"}`);
    if (refused > 0) parts.push(`${formatCount(refused)} refused before Z-API acted: sent again`);
    const others = this.loaded.phones.size - answered - unknown.length - refused;
    if (others > 0) parts.push(`${plural(others, "other phone")} from earlier lists, kept`);
    if (parts.length === 0) parts.push("nobody of this list in it yet");
    return `${head}: ${parts.join(", ")}`;
  }

  private describeDaily(): string {
    if (!this.usage) return `${formatCount(this.options.maxPerDay)} phones per instance in any 24 hours; not counted: no ZAPI_INSTANCE_ID`;
    const { used, limit } = this.usage;
    const left = Math.max(0, limit - used);
    const kind = this.options.command === "add-participants" ? "adds" : "removals";
    const head = `${formatCount(limit)} ${kind} per 24 hours on instance ${this.instance}; ${formatCount(used)} used in the last 24 hours`;
    const wanted = this.toSend.length;
    if (wanted <= left) return `${head}; this run would use ${formatCount(wanted)} of the ${formatCount(left)} left`;
    return `${head}; this run would use all ${formatCount(left)} left and stop, the other ${formatCount(wanted - left)} from ${formatTime(this.usage.nextAt(Math.min(this.options.batchSize, wanted - left)))} at the earliest`;
  }
}

/** Whether this run sends a phone the journal knows as `state`. */
export function shouldSend(state: PhoneState | undefined, command: Command, autoInvite: boolean | undefined, resendUnknown: boolean): boolean {
  if (state === undefined) return true;
  if (state.outcome === (command === "add-participants" ? "added" : "removed")) return false;
  if (state.answered & answeredBit(autoInvite)) return false;
  if (state.last === "sending" || state.last === "unknown") return resendUnknown;
  return true;
}

// A removal names the member as the group lists it (with or without the ninth digit).
function wireOf(members: Members): (phone: string) => string {
  return (phone) => findMember(members, phone) ?? phone;
}

function more(total: number, shown: number, report: string | undefined): string[] {
  return total > shown ? [`                 ... and ${formatCount(total - shown)} more${report ? `: ${report} lists every line` : "; --report PATH lists every line"}`] : [];
}

// The journal and the report are written: neither may be the input, nor each other, and
// the report's folder must take it (found out now, not after hours of sending).
function pathClash(file: string, journal: string, report: string | undefined): string | undefined {
  const same = (a: string, b: string) => resolve(a) === resolve(b);
  if (report !== undefined) {
    const folder = dirname(resolve(report));
    try {
      accessSync(folder, constants.W_OK);
    } catch {
      return `--report ${showCell(report)}: cannot write in ${folder}`;
    }
  }
  if (same(journal, file)) return `--journal ${showCell(journal)} is the input file itself: it would be overwritten`;
  if (report !== undefined && same(report, file)) return `--report ${showCell(report)} is the input file itself: it would be overwritten`;
  if (report !== undefined && same(report, journal)) return `--report ${showCell(report)} is the journal: give them different paths`;
  return undefined;
}

// The same command, to resume; never with --resend-unknown, which must stay a choice.
function resumeCommand(argv: readonly string[]): string {
  const kept = argv.filter((arg) => arg !== "--resend-unknown");
  return ["npx", "zapi-client", ...kept].map(shellQuote).join(" ");
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

// Local time, to the minute, with how long from now: "2026-12-08 14:05 (in 23 h 10 min)".
function formatTime(at: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, "0");
  const wait = at - Date.now();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())} local time${wait > 0 ? ` (in ${formatDuration(wait)})` : ""}`;
}

// Where calls go, without any user:password a URL might carry.
function host(baseUrl: string | undefined): string {
  try {
    const url = new URL(baseUrl || DEFAULT_BASE_URL);
    return `${url.protocol}//${url.host}`;
  } catch {
    return "ZAPI_BASE_URL";
  }
}

// A secret of a few characters cannot be hidden by replacing it (it would blank out
// ordinary words: a token "t" would eat every t); Z-API's tokens are far longer.
const SCRUBBED_LENGTH = 8;

/** The client's redactor over the credentials as the client sends them (trimmed), every form it knows. */
export function scrubber(secrets: (string | undefined)[]): (text: string) => string {
  return credentialRedactor(secrets, SCRUBBED_LENGTH).text;
}

/**
 * One person's state from two journals: answered if either says so, the final outcome if
 * either has one, and unknown rather than refused when one send's answer never came.
 */
function mergeStates(mine: PhoneState | undefined, theirs: PhoneState): PhoneState {
  if (mine === undefined) return theirs;
  const final = (state: PhoneState) => state.outcome === "added" || state.outcome === "removed";
  const doubtful = (state: PhoneState) => state.last === "sending" || state.last === "unknown";
  return {
    ...mine,
    answered: mine.answered | theirs.answered,
    sends: mine.sends + theirs.sends,
    last: doubtful(theirs) && !doubtful(mine) && mine.last === "error" ? theirs.last : mine.last,
    ...(final(theirs) && !final(mine) ? { outcome: theirs.outcome, outcomeDetail: theirs.outcomeDetail } : {}),
  };
}
