// The command line: `zapi-client add-participants ...`, checked before anything is read
// or sent. Every mistake is a UsageError (exit 2) that names the value at fault.
import { parseArgs } from "node:util";
import type { CountryCode } from "libphonenumber-js/max";
import { isCountry } from "../phones.js";
import type { Target } from "./plan.js";

export const COMMAND = "add-participants";
export const DEFAULT_BATCH_SIZE = 10;
export const DEFAULT_PAUSE_SECONDS = 30;
export const MAX_BATCH_SIZE = 1000;
const MAX_PAUSE_SECONDS = 86_400;
// The spec's two group id formats.
const GROUP_ID = /^[0-9]+-(group|[0-9]+)$/;

export interface CommandOptions {
  readonly target: Target;
  readonly file: string;
  readonly column: string | undefined;
  readonly country: CountryCode;
  readonly autoInvite: boolean;
  readonly batchSize: number;
  readonly pauseMs: number;
  readonly journal: string | undefined;
  readonly dryRun: boolean;
  readonly resendUnknown: boolean;
  readonly report: string | undefined;
}

export type Parsed = { readonly help: string } | { readonly options: CommandOptions };

export class UsageError extends Error {}

export const USAGE = `Usage: zapi-client add-participants (--community ID | --group ID) --file PATH
                                    (--auto-invite | --no-auto-invite) [options]`;

export const HELP = `${USAGE}

Adds every phone of a list to a WhatsApp community or group through Z-API, in paced
batches. A journal makes the run resumable: running it again never re-sends an
answered batch, nor, unless told to, one whose answer was lost.

Target (one):
  --community ID       the community id, such as 120363019502650977
  --group ID           the group id, such as 120363019502650977-group

Input:
  --file PATH          a CSV whose header names the phone column (phone, telefone,
                       celular, whatsapp...), comma, semicolon or tab separated; or a
                       file with one phone per line. UTF-8, with or without a BOM.
  --column NAME        the phone column's header, when it is not recognised
  --country CC         the country of numbers written without one (default BR)

Invitations (one is required; an invitation reaches a real person):
  --auto-invite        Z-API privately invites whoever WhatsApp refuses to add
  --no-auto-invite     no invitations; refused people are just not added

Pacing:
  --batch-size N       phones per call, 1 to ${MAX_BATCH_SIZE} (default ${DEFAULT_BATCH_SIZE})
  --pause SECONDS      pause between calls, with +/-25% jitter (default ${DEFAULT_PAUSE_SECONDS})

Runs:
  --journal PATH       where the journal is kept (default: next to the file,
                       PATH.zapi-journal.jsonl); running again resumes from it
  --dry-run            print the plan and stop; nothing is sent, no journal written
  --resend-unknown     send again the batches whose answer never came (they may
                       have sent invitations already)
  --report PATH        write a CSV with one row per input line and its outcome
  -h, --help           this help

Credentials come from ZAPI_INSTANCE_ID and ZAPI_TOKEN (and ZAPI_CLIENT_TOKEN,
ZAPI_BASE_URL when set); they are never printed or written.

Examples:
  # See what would be sent, without credentials and without sending anything:
  npx zapi-client add-participants --community 120363019502650977 \\
      --file contacts.csv --auto-invite --dry-run

  # Send, 10 phones a call, 30 s apart, and keep a per-line report:
  ZAPI_INSTANCE_ID=... ZAPI_TOKEN=... npx zapi-client add-participants \\
      --group 120363019502650977-group --file signups.csv --column "WhatsApp" \\
      --no-auto-invite --report outcome.csv

  # Interrupted or crashed? Run the same command again: it resumes.

Exit codes: 0 every batch answered true; 1 some failed, are unknown, hit an error or
were not sent (Ctrl-C); 2 bad usage or input, nothing sent.`;

export const TOP_HELP = `Usage: zapi-client <command> [options]

Commands:
  add-participants     add a list of phones to a community or group, resumably

Run "zapi-client add-participants --help" for its options and examples.`;

/** Parses `argv` (without node and the script). */
export function parseCommandLine(argv: readonly string[]): Parsed {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") return { help: TOP_HELP };
  if (command !== COMMAND) throw new UsageError(`Unknown command ${JSON.stringify(command)}: the only command is ${COMMAND}`);
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...rest],
      strict: true,
      allowPositionals: true,
      options: {
        community: { type: "string" },
        group: { type: "string" },
        file: { type: "string" },
        column: { type: "string" },
        country: { type: "string" },
        "auto-invite": { type: "boolean" },
        "no-auto-invite": { type: "boolean" },
        "batch-size": { type: "string" },
        pause: { type: "string" },
        journal: { type: "string" },
        "dry-run": { type: "boolean" },
        "resend-unknown": { type: "boolean" },
        report: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    // node's messages name the option: "Unknown option '--batch'", "Option '--file <value>' argument missing".
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  if (values.help) return { help: HELP };
  if (positionals.length > 0) throw new UsageError(`Unexpected argument ${JSON.stringify(positionals[0])}: every value follows its option, as --file PATH`);

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
  const options: CommandOptions = {
    target: check(() => parseTarget(values.community, values.group)),
    file: check(() => required(values.file, "--file PATH", "the list of phones to add")),
    column: check(() => optionalText(values.column, "--column")),
    country: check(() => parseCountry(values.country)),
    autoInvite: check(() => parseAutoInvite(values["auto-invite"], values["no-auto-invite"])),
    batchSize: check(() => parseBatchSize(values["batch-size"])),
    pauseMs: check(() => parsePause(values.pause)),
    journal: check(() => optionalText(values.journal, "--journal")),
    dryRun: values["dry-run"] ?? false,
    resendUnknown: values["resend-unknown"] ?? false,
    report: check(() => optionalText(values.report, "--report")),
  };
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return { options };
}

function parseTarget(community: string | undefined, group: string | undefined): Target {
  if (community !== undefined && group !== undefined) throw new UsageError("Give --community or --group, not both");
  if (community === undefined && group === undefined) throw new UsageError("Missing the target: give --community ID or --group ID");
  if (community !== undefined) {
    if (GROUP_ID.test(community)) throw new UsageError(`--community ${JSON.stringify(community)} is a group id: use --group ${community}`);
    if (!/^[0-9]+$/.test(community)) throw new UsageError(`--community ${JSON.stringify(community)} is not a community id: those are digits, such as 120363019502650977`);
    return { kind: "community", id: community };
  }
  if (!GROUP_ID.test(group!)) {
    throw new UsageError(`--group ${JSON.stringify(group)} is not a group id: those read 120363019502650977-group (or, for old groups, 5511999999999-1623281429)`);
  }
  return { kind: "group", id: group! };
}

function parseAutoInvite(yes: boolean | undefined, no: boolean | undefined): boolean {
  if (yes && no) throw new UsageError("Give --auto-invite or --no-auto-invite, not both");
  if (!yes && !no) {
    throw new UsageError("Say whether Z-API should invite people WhatsApp refuses to add: give --auto-invite or --no-auto-invite (an invitation reaches a real person)");
  }
  return yes === true;
}

function parseCountry(value: string | undefined): CountryCode {
  if (value === undefined) return "BR";
  const code = value.toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) || !isCountry(code)) throw new UsageError(`--country ${JSON.stringify(value)} is not a country code libphonenumber knows: use two letters, such as BR, PT or US`);
  return code;
}

function parseBatchSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_BATCH_SIZE;
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_BATCH_SIZE)) throw new UsageError(`--batch-size ${JSON.stringify(value)} must be a whole number from 1 to ${MAX_BATCH_SIZE}`);
  return n;
}

function parsePause(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PAUSE_SECONDS * 1000;
  const n = /^[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : NaN;
  if (!(n >= 0 && n <= MAX_PAUSE_SECONDS)) throw new UsageError(`--pause ${JSON.stringify(value)} must be a number of seconds from 0 to ${MAX_PAUSE_SECONDS}`);
  return Math.round(n * 1000);
}

function required(value: string | undefined, option: string, what: string): string {
  if (value === undefined || value === "") throw new UsageError(`Missing ${option}: ${what}`);
  return value;
}

function optionalText(value: string | undefined, option: string): string | undefined {
  if (value === "") throw new UsageError(`${option} needs a value`);
  return value;
}
