// The command line: `zapi-client add-participants ...` and `zapi-client remove-participants
// ...`, checked before anything is read or sent. Every mistake is a UsageError (exit 2)
// that names the value at fault, and an unknown option or command names the nearest one.
import { parseArgs } from "node:util";
import type { CountryCode } from "libphonenumber-js/max";
import { isCountry } from "../phones.js";
import { DEFAULT_MAX_PER_DAY } from "./daily.js";
import type { Command } from "./journal.js";
import type { Target } from "./plan.js";
import { showCell } from "./terminal.js";

export const COMMANDS: readonly Command[] = ["add-participants", "remove-participants"];
export const DEFAULT_BATCH_SIZE = 10;
export const DEFAULT_PAUSE_SECONDS = 30;
export const MAX_BATCH_SIZE = 1000;
const MAX_PER_DAY = 1_000_000;
const MAX_PAUSE_SECONDS = 86_400;
// The spec's two group id formats.
const GROUP_ID = /^[0-9]+-(group|[0-9]+)$/;

export interface CommandOptions {
  readonly command: Command;
  readonly target: Target;
  readonly file: string;
  readonly column: string | undefined;
  readonly country: CountryCode;
  /** add-participants: the --auto-invite choice; undefined with --check, and for removals. */
  readonly autoInvite: boolean | undefined;
  readonly batchSize: number;
  readonly pauseMs: number;
  readonly maxPerDay: number;
  readonly journal: string | undefined;
  readonly dryRun: boolean;
  readonly check: boolean;
  readonly resendUnknown: boolean;
  readonly report: string | undefined;
}

export type Parsed = { readonly help: string } | { readonly version: true } | { readonly options: CommandOptions };

export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to print after the message. */
    readonly command?: Command,
  ) {
    super(message);
  }
}

const USAGES: Record<Command, string> = {
  "add-participants": `Usage: zapi-client add-participants (--community ID | --group ID) --file PATH
                                    (--auto-invite | --no-auto-invite) [options]`,
  "remove-participants": `Usage: zapi-client remove-participants (--community ID | --group ID) --file PATH [options]`,
};

export function usage(command?: Command): string {
  return command ? USAGES[command] : `Usage: zapi-client <command> [options]   (commands: ${COMMANDS.join(", ")}; --help for more)`;
}

const COMMON_HELP = `Target (one):
  --community ID       the community id, such as 120363019502650977
  --group ID           the group id, such as 120363019502650977-group

Input:
  --file PATH          a CSV whose header names the phone column (phone, telefone,
                       celular, whatsapp...), comma, semicolon or tab separated; or a
                       file with one phone per line. UTF-8, with or without a BOM.
  --column NAME        the phone column's header, when it is not recognised
  --country CC         the country of numbers written without one (default BR)`;

const PACING_HELP = `Pacing:
  --batch-size N       phones per call, 1 to ${MAX_BATCH_SIZE} (default ${DEFAULT_BATCH_SIZE})
  --pause SECONDS      pause between calls, with +/-25% jitter (default ${DEFAULT_PAUSE_SECONDS})
  --max-per-day N      phones sent per instance in any 24 hours, over every run and
                       every list on this machine (default ${DEFAULT_MAX_PER_DAY}; counted apart
                       for adds and removals); at the limit the run stops and says
                       when it may go on`;

const RUNS_HELP = (verb: string) => `Runs:
  --journal PATH       where the journal is kept (default: next to the file, or, if
                       there is none there, the journal of earlier runs for the same
                       target on this instance); running again, even with a corrected
                       list under another name, ${verb} only people never answered
  --dry-run            print the plan (with who is already in, when credentials are
                       set) and stop; nothing is sent, no journal written
  --check              read the members and update the journal and the report;
                       nothing is sent (for instance once invited people have joined)
  --resend-unknown     send again the people whose call was never answered (they may
                       have been reached already)
  --report PATH        write the input back as a CSV, each row with its outcome
  -h, --help           this help
  --version            the version`;

const CREDENTIALS_HELP = `Credentials come from ZAPI_INSTANCE_ID and ZAPI_TOKEN (and ZAPI_CLIENT_TOKEN,
ZAPI_BASE_URL when set); they are never printed or written. The daily count, and which
journal holds each target's runs, are kept in the user's state folder (ZAPI_STATE_DIR to
choose another).`;

const HELPS: Record<Command, string> = {
  "add-participants": `${USAGES["add-participants"]}

Adds every phone of a list to a WhatsApp community or group through Z-API, in paced
batches, and tells who got in. It reads the members first (people already in are not
sent), and again after sending, so each person gets an outcome: added, already-in,
invited, not-added, unconfirmed, unknown. A journal makes runs safe to repeat: nobody
answered is sent again, nor, unless told to, anybody whose answer was lost.

${COMMON_HELP}

Invitations (one is required to send; an invitation reaches a real person):
  --auto-invite        Z-API privately invites whoever WhatsApp refuses to add
  --no-auto-invite     no invitations; refused people are just not added

${PACING_HELP}

${RUNS_HELP("sends")}

${CREDENTIALS_HELP}

Examples:
  # See what would be sent (add credentials to see who is already in):
  npx zapi-client add-participants --community 120363019502650977 \\
      --file contacts.csv --auto-invite --dry-run

  # Send, 10 phones a call, 30 s apart, and write the list back with outcomes:
  ZAPI_INSTANCE_ID=... ZAPI_TOKEN=... npx zapi-client add-participants \\
      --group 120363019502650977-group --file signups.csv --column "WhatsApp" \\
      --no-auto-invite --report outcome.csv

  # Interrupted, stopped at the daily limit, or the list corrected? Run it again.
  # Invited people joined since? Add --check to update the outcomes.

Exit codes: 0 the run finished and everyone is added, already-in or invited (with
--auto-invite); 1 someone is not-added, unconfirmed or unknown, a batch hit an error,
or the run stopped early (Ctrl-C, the daily limit); 2 bad usage or input, nothing sent.`,
  "remove-participants": `${USAGES["remove-participants"]}

Removes every phone of a list from a WhatsApp community or group through Z-API (refunds,
cancellations), in paced batches. It reads the members first (people not in are not
sent), and again after sending, so each person gets an outcome: removed, not-a-member,
still-a-member, unconfirmed, unknown. Same input, journal, pacing and report as
add-participants; removals count against a daily limit of their own.

${COMMON_HELP}

${PACING_HELP}

${RUNS_HELP("removes")}

${CREDENTIALS_HELP}

Examples:
  npx zapi-client remove-participants --community 120363019502650977 --file refunds.csv --dry-run
  ZAPI_INSTANCE_ID=... ZAPI_TOKEN=... npx zapi-client remove-participants \\
      --community 120363019502650977 --file refunds.csv --report removed.csv

Exit codes: 0 the run finished and everyone is removed or not-a-member; 1 someone is
still-a-member, unconfirmed or unknown, a batch hit an error, or the run stopped early;
2 bad usage or input, nothing sent.`,
};

export const TOP_HELP = `Usage: zapi-client <command> [options]

Commands:
  add-participants     add a list of phones to a community or group, and tell who got in
  remove-participants  remove a list of phones from a community or group

Run "zapi-client <command> --help" for its options and examples; --version for the version.`;

const OPTIONS = {
  community: { type: "string" },
  group: { type: "string" },
  file: { type: "string" },
  column: { type: "string" },
  country: { type: "string" },
  "auto-invite": { type: "boolean" },
  "no-auto-invite": { type: "boolean" },
  "batch-size": { type: "string" },
  pause: { type: "string" },
  "max-per-day": { type: "string" },
  journal: { type: "string" },
  "dry-run": { type: "boolean" },
  check: { type: "boolean" },
  "resend-unknown": { type: "boolean" },
  report: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

/** Parses `argv` (without node and the script). */
export function parseCommandLine(argv: readonly string[]): Parsed {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError("Give a command: add-participants or remove-participants");
  if (command === "-h" || command === "--help" || command === "help") return { help: TOP_HELP };
  if (command === "-V" || command === "--version" || command === "version") return { version: true };
  if (!(COMMANDS as readonly string[]).includes(command)) {
    const nearest = closest(command, COMMANDS);
    throw new UsageError(`Unknown command ${showCell(command)}${nearest ? `: did you mean ${nearest}?` : `: the commands are ${COMMANDS.join(" and ")}`}`);
  }
  const name = command as Command;
  const known = Object.keys(OPTIONS).filter((option) => name === "add-participants" || !option.endsWith("auto-invite"));
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({ args: [...rest], strict: true, allowPositionals: true, options: OPTIONS }));
  } catch (error) {
    // node's messages name the option: "Unknown option '--batch'", "Option '--file <value>' argument missing".
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    const unknown = /^Unknown option '(-{1,2})([^']*)'/.exec(message);
    if (unknown) {
      const nearest = closest(unknown[2]!, known);
      throw new UsageError(`Unknown option ${showCell(`${unknown[1]}${unknown[2]}`)}${nearest ? `: did you mean --${nearest}?` : ""}`, name);
    }
    throw new UsageError(message, name);
  }
  if (values.help) return { help: HELPS[name] };
  if (values.version) return { version: true };
  if (positionals.length > 0) throw new UsageError(`Unexpected argument ${showCell(positionals[0]!)}: every value follows its option, as --file PATH`, name);

  // Every problem at once, so a command line is fixed in one go.
  const problems: string[] = [];
  const check = <T>(parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error.message);
      return undefined as T;
    }
  };
  const dryRun = values["dry-run"] ?? false;
  const checkOnly = values.check ?? false;
  if (dryRun && checkOnly) problems.push("Give --dry-run or --check, not both: --check already sends nothing, and updates the journal");
  if (checkOnly && values["resend-unknown"]) problems.push("--resend-unknown sends, and --check sends nothing: give one of them");
  const options: CommandOptions = {
    command: name,
    target: check(() => parseTarget(values.community, values.group)),
    file: check(() => required(values.file, "--file PATH", `the list of phones to ${name === "add-participants" ? "add" : "remove"}`)),
    column: check(() => optionalText(values.column, "--column")),
    country: check(() => parseCountry(values.country)),
    autoInvite: check(() => (name === "add-participants" ? parseAutoInvite(values["auto-invite"], values["no-auto-invite"], checkOnly) : noAutoInvite(values["auto-invite"], values["no-auto-invite"]))),
    batchSize: check(() => parseBatchSize(values["batch-size"])),
    pauseMs: check(() => parsePause(values.pause)),
    maxPerDay: check(() => parseMaxPerDay(values["max-per-day"])),
    journal: check(() => optionalText(values.journal, "--journal")),
    dryRun,
    check: checkOnly,
    resendUnknown: values["resend-unknown"] ?? false,
    report: check(() => optionalText(values.report, "--report")),
  };
  if (problems.length > 0) throw new UsageError(problems.join("\n"), name);
  return { options };
}

/** The nearest of `names` to `given` (a prefix, or at most a third of its letters off), if any. */
export function closest(given: string, names: readonly string[]): string | undefined {
  const bare = given.replace(/^-+/, "").toLowerCase();
  if (bare === "") return undefined;
  const prefixed = names.filter((name) => name.startsWith(bare));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const distance = levenshtein(bare, name);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(bare.length / 3)) ? best : undefined;
}

export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

function parseTarget(community: string | undefined, group: string | undefined): Target {
  if (community !== undefined && group !== undefined) throw new UsageError("Give --community or --group, not both");
  if (community === undefined && group === undefined) throw new UsageError("Missing the target: give --community ID or --group ID");
  if (community !== undefined) {
    if (GROUP_ID.test(community)) throw new UsageError(`--community ${showCell(community)} is a group id: use --group ${community}`);
    if (!/^[0-9]+$/.test(community)) throw new UsageError(`--community ${showCell(community)} is not a community id: those are digits, such as 120363019502650977`);
    return { kind: "community", id: community };
  }
  if (!GROUP_ID.test(group!)) {
    throw new UsageError(`--group ${showCell(group!)} is not a group id: those read 120363019502650977-group (or, for old groups, 5511999999999-1623281429)`);
  }
  return { kind: "group", id: group! };
}

function parseAutoInvite(yes: boolean | undefined, no: boolean | undefined, checkOnly: boolean): boolean | undefined {
  if (yes && no) throw new UsageError("Give --auto-invite or --no-auto-invite, not both");
  if (!yes && !no) {
    if (checkOnly) return undefined;
    throw new UsageError("Say whether Z-API should invite people WhatsApp refuses to add: give --auto-invite or --no-auto-invite (an invitation reaches a real person)");
  }
  return yes === true;
}

function noAutoInvite(yes: boolean | undefined, no: boolean | undefined): undefined {
  if (yes || no) throw new UsageError(`remove-participants takes no ${yes ? "--auto-invite" : "--no-auto-invite"}: a removal invites no one`);
  return undefined;
}

function parseCountry(value: string | undefined): CountryCode {
  if (value === undefined) return "BR";
  const code = value.toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) || !isCountry(code)) throw new UsageError(`--country ${showCell(value)} is not a country code libphonenumber knows: use two letters, such as BR, PT or US`);
  return code;
}

function parseBatchSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_BATCH_SIZE;
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_BATCH_SIZE)) throw new UsageError(`--batch-size ${showCell(value)} must be a whole number from 1 to ${MAX_BATCH_SIZE}`);
  return n;
}

function parsePause(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PAUSE_SECONDS * 1000;
  const n = /^[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : NaN;
  if (!(n >= 0 && n <= MAX_PAUSE_SECONDS)) throw new UsageError(`--pause ${showCell(value)} must be a number of seconds from 0 to ${MAX_PAUSE_SECONDS}`);
  return Math.round(n * 1000);
}

function parseMaxPerDay(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_PER_DAY;
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_PER_DAY)) throw new UsageError(`--max-per-day ${showCell(value)} must be a whole number from 1 to ${MAX_PER_DAY.toLocaleString("en-US")}`);
  return n;
}

function required(value: string | undefined, option: string, what: string): string {
  if (value === undefined || value === "") throw new UsageError(`Missing ${option}: ${what}`);
  return value;
}

function optionalText(value: string | undefined, option: string): string | undefined {
  if (value === "") throw new UsageError(`${option} needs a value`);
  return value;
}
