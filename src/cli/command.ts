// `zapi-client add-participants`: read, plan, print the plan, then send what the journal
// does not show as answered. Returns the exit code: 0 every batch answered true, 1 some
// did not (failed, unknown, error, not sent), 2 bad usage or input (nothing sent).
import { accessSync, constants } from "node:fs";
import { dirname, resolve } from "node:path";
import { createZApiClient, DEFAULT_BASE_URL, ZApiError, type ZApiClient } from "../index.js";
import { COMMAND, parseCommandLine, USAGE, UsageError, type CommandOptions } from "./args.js";
import { InputError, readInput, type InputList } from "./input.js";
import { JournalError, loadJournal, lockJournal, openJournal, type BatchState, type LoadedJournal } from "./journal.js";
import { JITTER } from "./pacing.js";
import { estimateMs, formatCount, formatDuration, makePlan, plural, type Plan } from "./plan.js";
import { createProgress, type Output } from "./progress.js";
import { allAdded, lineResults, summarize, writeReport } from "./report.js";
import { sendBatches, shouldSend, type SendResult } from "./send.js";

export interface CommandIO {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Calls `handler` on each Ctrl-C (SIGINT); returns the undo. */
  onInterrupt(handler: () => void): () => void;
  /** The fetch the client uses; the global one by default. */
  readonly fetch?: typeof globalThis.fetch;
}

/** How many invalid or duplicate lines the plan lists; the report has them all. */
const LISTED = 20;

export async function runCommand(argv: readonly string[], io: CommandIO): Promise<number> {
  // Belt and braces: no output line can carry a credential, whatever it quotes.
  const scrub = scrubber([io.env["ZAPI_TOKEN"], io.env["ZAPI_CLIENT_TOKEN"]]);
  const stdout: Output = { write: (text) => io.stdout.write(scrub(text)), isTTY: io.stdout.isTTY === true, columns: io.stdout.columns ?? 80 };
  const say = (text: string) => stdout.write(`${text}\n`);
  const fail = (text: string) => io.stderr.write(`${scrub(`zapi-client: ${text}`)}\n`);

  let options: CommandOptions;
  try {
    const parsed = parseCommandLine(argv);
    if ("help" in parsed) {
      say(parsed.help);
      return 0;
    }
    options = parsed.options;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail(`${error.message}\n${USAGE}\nRun "zapi-client ${COMMAND} --help" for every option and examples.`);
    return 2;
  }

  const journalPath = options.journal ?? `${options.file}.zapi-journal.jsonl`;
  const clash = pathClash(options.file, journalPath, options.report);
  if (clash) {
    fail(clash);
    return 2;
  }

  // Credentials are checked before the file is read, so a missing token fails at once.
  let client: ZApiClient | undefined;
  if (!options.dryRun) {
    const missing = ["ZAPI_INSTANCE_ID", "ZAPI_TOKEN"].filter((name) => !io.env[name]);
    if (missing.length > 0) {
      fail(`Set ${missing.join(" and ")}: the credentials come from ZAPI_INSTANCE_ID and ZAPI_TOKEN (and ZAPI_CLIENT_TOKEN when your account has it). --dry-run needs none.`);
      return 2;
    }
    try {
      client = createZApiClient({
        instanceId: io.env["ZAPI_INSTANCE_ID"] || undefined,
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
  try {
    input = readInput(options.file, options.column);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    fail(error.message);
    return 2;
  }
  const plan = makePlan(input.records, options);

  let release: (() => void) | undefined;
  try {
    // The lock comes before reading the journal: two runs must not both decide to send.
    if (!options.dryRun) release = lockJournal(journalPath);
    const loaded = loadJournal(journalPath, plan);
    const states = new Map<number, BatchState>(loaded?.states ?? []);
    for (const line of describePlan(plan, input, options, journalPath, loaded, states)) say(line);

    if (plan.batches.length === 0) {
      if (options.report) writeReport(options.report, lineResults(plan, states));
      fail(`Nothing to send: ${options.file} holds no valid phone.`);
      return 2;
    }
    if (options.dryRun) {
      if (options.report) writeReport(options.report, lineResults(plan, states));
      say(`Dry run: nothing was sent and no journal was written.${options.report ? ` Report: ${options.report}` : ""}`);
      return 0;
    }

    const result = await send(plan, states, loaded, options, journalPath, client!, io, stdout);
    say("");
    for (const line of summarize(plan, states)) say(line);
    if (options.report) {
      try {
        writeReport(options.report, lineResults(plan, states));
        say(`Report: ${options.report}`);
      } catch (error) {
        // Everything is in the journal: a rerun sends nothing more and writes the report.
        fail(`Cannot write the report ${options.report}: ${(error as Error).message}. Run the same command again to write it; nothing will be sent twice.`);
      }
    }
    say(`Journal: ${journalPath}`);
    if (result.ended === "error") {
      const notSent = plan.batches.some((batch) => batch.index > result.batch && states.get(batch.index) === undefined);
      fail(`Stopped at batch ${result.batch}: ${result.message}.${notSent ? " Batches after it were not sent." : ""} Fix the cause, then run the same command again; answered batches are skipped.`);
    }
    if (result.ended === "stopped") say("Stopped by Ctrl-C. The journal is on the disk.");
    if (result.ended !== "done") say(`\nTo resume, run:\n  ${resumeCommand(argv)}`);
    return allAdded(plan, states) ? 0 : 1;
  } catch (error) {
    if (!(error instanceof JournalError)) throw error;
    fail(error.message);
    return 2;
  } finally {
    release?.();
  }
}

async function send(
  plan: Plan,
  states: Map<number, BatchState>,
  loaded: LoadedJournal | undefined,
  options: CommandOptions,
  journalPath: string,
  client: ZApiClient,
  io: CommandIO,
  stdout: Output,
): Promise<SendResult> {
  const toSend = plan.batches.filter((batch) => shouldSend(states.get(batch.index), options.resendUnknown));
  if (toSend.length === 0) {
    stdout.write("Every batch already has its answer in the journal: nothing to send.\n");
    return { ended: "done" };
  }
  stdout.write(`Sending to ${host(io.env["ZAPI_BASE_URL"])}. Ctrl-C stops after the batch in flight.\n`);
  const journal = openJournal(journalPath, plan, loaded);
  const progress = createProgress(stdout, {
    phones: toSend.reduce((sum, batch) => sum + batch.phones.length, 0),
    batches: toSend.length,
    lastBatch: plan.batches.length,
    pauseMs: options.pauseMs,
  });
  const stop = new AbortController();
  const abort = new AbortController();
  let interrupts = 0;
  const undo = io.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) {
      stop.abort();
      progress.line("Ctrl-C: stopping after the batch in flight, if any. Ctrl-C again abandons it (its phones would be reported unknown).");
    } else abort.abort();
  });
  try {
    const result = await sendBatches({
      plan,
      states,
      journal,
      client,
      pauseMs: options.pauseMs,
      resendUnknown: options.resendUnknown,
      lastActivity: loaded?.lastActivity,
      stop: stop.signal,
      abort: abort.signal,
      progress,
    });
    return result;
  } finally {
    undo();
    progress.end();
    journal.close();
  }
}

function describePlan(plan: Plan, input: InputList, options: CommandOptions, journalPath: string, loaded: LoadedJournal | undefined, states: ReadonlyMap<number, BatchState>): string[] {
  const { target, autoInvite } = plan;
  const lines = [
    `Plan: add to ${target.kind} ${target.id}, ${autoInvite ? "with --auto-invite (Z-API privately invites whoever WhatsApp refuses to add)" : "with --no-auto-invite (no invitations)"}`,
    `  input      ${options.file}: ${input.description}, ${plural(plan.entries.length, "line")} with a phone`,
    `  valid      ${plural(plan.phones.length, "phone")} (numbers written without a country are read as ${options.country})`,
    `  invalid    ${plural(plan.invalid.length, "line")}${plan.invalid.length ? ", never sent:" : ""}`,
    ...plan.invalid.slice(0, LISTED).map((e) => `               line ${e.line}: ${JSON.stringify(e.raw)}: ${e.invalid}`),
    ...more(plan.invalid.length, options.report),
    `  duplicate  ${plural(plan.duplicates.length, "line")}${plan.duplicates.length ? ", dropped:" : ""}`,
    ...plan.duplicates.slice(0, LISTED).map((e) => `               line ${e.line}: ${e.phone}, same phone as line ${e.duplicateOf}`),
    ...more(plan.duplicates.length, options.report),
  ];
  const toSend = plan.batches.filter((batch) => shouldSend(states.get(batch.index), options.resendUnknown)).length;
  const pause = options.pauseMs === 0 ? "no pause between batches" : `${options.pauseMs / 1000} s (±${JITTER * 100}%) between batches`;
  const time = toSend === 0 ? "nothing left to send" : `about ${formatDuration(estimateMs(toSend, options.pauseMs))} for ${plural(toSend, "batch")} to send, taking ~1 s a call`;
  lines.push(
    `  batches    ${formatCount(plan.batches.length)} of up to ${plural(plan.batchSize, "phone")}`,
    `  pacing     ${pause}: ${time}`,
    `  journal    ${journalPath}${loaded ? `: resuming; ${journalState(plan, states, options.resendUnknown)}` : " (new)"}`,
  );
  return lines;
}

function journalState(plan: Plan, states: ReadonlyMap<number, BatchState>, resendUnknown: boolean): string {
  const count = { added: 0, failed: 0, unknown: [] as number[], error: 0 };
  for (const [batch, state] of states) {
    if (state.state === "sending" || state.state === "unknown") count.unknown.push(batch);
    else count[state.state]++;
  }
  const answered = count.added + count.failed;
  const unknown = count.unknown.length;
  const parts = [`${plural(answered, "batch")} answered (${formatCount(count.added)} added, ${formatCount(count.failed)} failed)`];
  if (unknown > 0) {
    const which = unknown <= 10 ? ` (${count.unknown.sort((a, b) => a - b).join(", ")})` : "";
    parts.push(`${formatCount(unknown)} unknown${which}: ${resendUnknown ? "sent again, as --resend-unknown asks" : "not sent again; --resend-unknown would"}`);
  }
  if (count.error > 0) parts.push(`${formatCount(count.error)} refused with an error, sent again`);
  const left = plan.batches.length - answered - (resendUnknown ? 0 : unknown);
  parts.push(`${formatCount(left)} to send`);
  return parts.join(", ");
}

function more(total: number, report: string | undefined): string[] {
  return total > LISTED ? [`               ... and ${formatCount(total - LISTED)} more${report ? `: ${report} lists every line` : "; --report PATH lists every line"}`] : [];
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
      return `--report ${JSON.stringify(report)}: cannot write in ${folder}`;
    }
  }
  if (same(journal, file)) return `--journal ${JSON.stringify(journal)} is the input file itself: it would be overwritten`;
  if (report !== undefined && same(report, file)) return `--report ${JSON.stringify(report)} is the input file itself: it would be overwritten`;
  if (report !== undefined && same(report, journal)) return `--report ${JSON.stringify(report)} is the journal: give them different paths`;
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

function scrubber(secrets: (string | undefined)[]): (text: string) => string {
  const kept = secrets.filter((s): s is string => s !== undefined && s.length >= SCRUBBED_LENGTH);
  const forms = [...new Set(kept.flatMap((s) => [s, encodeURIComponent(s)]))].sort((a, b) => b.length - a.length);
  return (text) => forms.reduce((out, secret) => out.replaceAll(secret, "[redacted]"), text);
}
