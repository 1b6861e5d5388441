// Shared by the command's tests: a temp dir, phone lists, a stateful stand-in for Z-API's
// membership calls, and the built command run as a child process.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { onTestFinished } from "vitest";
import { runCommand, type CommandIO } from "../../src/cli/command.js";
import { projectRoot } from "../helpers/project.js";
import { personKey } from "../../src/phones.js";
import { CLIENT_TOKEN, SECRETS, TOKEN } from "../helpers/secrets.js";
import { json, startServer } from "../helpers/server.js";

export const CLI = `${projectRoot}dist/cli.js`;
export const COMMUNITY = "120363019502650977";
/** The community's announcement group, whose members are the community's. */
export const ANNOUNCEMENTS = "120363019502650978-group";
export const GROUP = "120363111111111111-group";
export const INSTANCE = "cli-instance";

/** A fresh directory under test-output/, removed when the test passes (kept to look at when it fails). */
export function workDir(): string {
  mkdirSync(`${projectRoot}test-output`, { recursive: true });
  const dir = mkdtempSync(join(projectRoot, "test-output", "cli-"));
  onTestFinished(({ task }) => {
    if (task.result?.state === "pass") rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** `count` distinct valid Brazilian mobiles, written as people do: "+55 11 96000-0007". */
export function writtenPhones(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => {
    const digits = String(60_000_000 + from + i);
    return `+55 11 9${digits.slice(0, 4)}-${digits.slice(4)}`;
  });
}

/** What the command sends for {@link writtenPhones}: 55119 and the 8 digits. */
export function sentPhones(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => `55119${60_000_000 + from + i}`);
}

/** What WhatsApp does with a phone added: it joins (shown by phone, by Linked ID only, or by its id without the ninth digit), or it refuses. */
export type Fate = "join" | "lid" | "nine" | "refuse";

/** A fault on one call, found by its number among the calls of its kind (1-based). */
export interface Fault {
  /** Destroy the socket: before acting, or after acting (the answer is lost). */
  drop?: "before" | "after";
  /** Answer with this status and body (after acting, unless `act` is false). */
  status?: number;
  body?: unknown;
  /** Answer 2xx with no body. */
  empty?: boolean;
  /** Whether the call acts before this answer (default true, except drop "before"). */
  act?: boolean;
  delayMs?: number;
  headers?: Record<string, string>;
}

export type Operation = "add" | "remove" | "light" | "community";

export interface MockOptions {
  /** What becomes of each phone sent to add-participant (default: it joins). */
  fate?: (phone: string) => Fate;
  /** Members before the test, by phone (digits) or Linked ID ("123@lid"), with the phone behind a Linked ID. */
  members?: readonly (string | { lid: string; phone: string })[];
  /** A fault for the call numbered `n` of kind `op`. */
  fault?: (op: Operation, n: number) => Fault | undefined;
  /** add/remove calls (numbered among add and remove calls) held until {@link ZApiMock.release}. */
  hold?: number[];
}

interface Member {
  /** The phone as WhatsApp knows it. */
  readonly phone: string;
  /** How the metadata shows it. */
  readonly shown: { phone: string; lid?: string };
}

export interface ZApiMock {
  readonly url: string;
  /** Each add-participant call's phones, in arrival order. */
  readonly batches: string[][];
  /** How often each phone arrived in add-participant. */
  readonly seen: Map<string, number>;
  /** Each remove-participant call's phones. */
  readonly removals: string[][];
  /** When each add and remove call arrived (Date.now()), in order. */
  readonly arrivals: { readonly op: "add" | "remove"; readonly at: number }[];
  /** Every call, by kind. */
  readonly calls: Record<Operation, number>;
  /** Phones invited (refused with autoInvite). */
  readonly invited: Map<string, number>;
  /** The members now, as phones (Linked ID members by the phone behind them). */
  memberPhones(): string[];
  /** Someone joins by themselves (an invited person accepting). */
  join(phone: string, shown?: "phone" | "lid"): void;
  /** Resolves once no call is being handled (a killed client's call may still be on its way in). */
  idle(): Promise<void>;
  /** Resolves when the add/remove call numbered `n` has arrived and is held. */
  held(n: number): Promise<void>;
  release(): void;
}

let lidCounter = 900_000_000_000;

/**
 * Z-API's membership calls on 127.0.0.1, with a member list that changes as calls arrive:
 * add-participant, remove-participant, light-group-metadata and communities-metadata. The
 * community's members are those of its announcement group; any other group id is a group
 * of its own, empty at first. Checks the credentials; faults on demand.
 */
export async function zapiMock(options: MockOptions = {}): Promise<ZApiMock> {
  const groups = new Map<string, Map<string, Member>>();
  const group = (id: string) => {
    let members = groups.get(id);
    if (!members) groups.set(id, (members = new Map()));
    return members;
  };
  const withoutNine = (phone: string) => phone.slice(0, 4) + phone.slice(5);
  const addMember = (members: Map<string, Member>, phone: string, fate: Exclude<Fate, "refuse">) => {
    const lid = `${lidCounter++}@lid`;
    const shown = fate === "lid" ? { phone: lid, lid } : fate === "nine" ? { phone: withoutNine(phone), lid } : { phone, lid };
    members.set(phone, { phone, shown });
  };
  for (const member of options.members ?? []) {
    const target = group(ANNOUNCEMENTS);
    if (typeof member === "string") target.set(member, { phone: member, shown: { phone: member } });
    else target.set(member.phone, { phone: member.phone, shown: { phone: member.lid, lid: member.lid } });
  }
  const batches: string[][] = [];
  const removals: string[][] = [];
  const arrivals: { op: "add" | "remove"; at: number }[] = [];
  const seen = new Map<string, number>();
  const invited = new Map<string, number>();
  const calls: Record<Operation, number> = { add: 0, remove: 0, light: 0, community: 0 };
  let changes = 0;
  const arrived = new Map<number, () => void>();
  const waiting = new Map<number, Promise<void>>();
  for (const n of options.hold ?? []) waiting.set(n, new Promise((resolve) => arrived.set(n, resolve)));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const prefix = `/instances/${INSTANCE}/token/${encodeURIComponent(TOKEN)}/`;

  let inFlight = 0;
  const server = await startServer(async (request, response: ServerResponse, n) => {
    inFlight++;
    try {
      await handle(request, response, n);
    } finally {
      inFlight--;
    }
  });
  const handle = async (request: IncomingMessage, response: ServerResponse, n: number) => {
    const url = request.url ?? "";
    if (!url.startsWith(prefix) || request.headers["client-token"] !== CLIENT_TOKEN) {
      json(response, 401, { error: "bad credentials" });
      return;
    }
    const route = url.slice(prefix.length);
    const op: Operation | undefined = route === "add-participant" ? "add" : route === "remove-participant" ? "remove" : route.startsWith("light-group-metadata/") ? "light" : route.startsWith("communities-metadata/") ? "community" : undefined;
    if (op === undefined) {
      json(response, 200, { error: "NOT_FOUND", message: "Unable to find matching target resource method" });
      return;
    }
    const k = ++calls[op];
    if (op === "add" || op === "remove") arrivals.push({ op, at: Date.now() });
    const fault = options.fault?.(op, k);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    const act = fault?.act !== false && fault?.drop !== "before";
    let answer: unknown = { value: true };
    if (op === "add" || op === "remove") {
      const body = JSON.parse(server.requests[n - 1]!.body) as { phones: string[]; autoInvite?: boolean; communityId?: string; groupId?: string };
      const target = group(body.communityId !== undefined ? ANNOUNCEMENTS : body.groupId!);
      const change = ++changes;
      if (op === "add") {
        batches.push(body.phones);
        for (const phone of body.phones) seen.set(phone, (seen.get(phone) ?? 0) + 1);
      } else removals.push(body.phones);
      if (waiting.has(change)) {
        arrived.get(change)!();
        await released;
      }
      if (act) {
        for (const phone of body.phones) {
          if (op === "add") {
            const fate = options.fate?.(phone) ?? "join";
            if (fate === "refuse") {
              if (body.autoInvite) invited.set(phone, (invited.get(phone) ?? 0) + 1);
            } else if (!target.has(phone)) addMember(target, phone, fate);
          } else {
            // Removed by the phone as listed, or the phone behind it, with or without the
            // ninth digit: Z-API takes numbers either way (docs/contacts/get-iswhatsapp-batch.md).
            for (const [key, member] of target) if (personKey(member.phone) === personKey(phone) || member.shown.phone === phone) target.delete(key);
          }
        }
      }
    } else if (op === "community") {
      answer = {
        name: "Comunidade",
        id: COMMUNITY,
        subGroups: [
          { name: "Comunidade", phone: ANNOUNCEMENTS, isGroupAnnouncement: true },
          { name: "Outro grupo", phone: "120363000000000001-group", isGroupAnnouncement: false },
        ],
      };
    } else {
      const id = decodeURIComponent(route.slice("light-group-metadata/".length));
      answer = { phone: id, subject: "Grupo", participants: [...group(id).values()].map((m) => ({ ...m.shown, isAdmin: false, isSuperAdmin: false })) };
    }
    if (fault?.drop !== undefined) {
      response.destroy();
      return;
    }
    if (fault?.empty) {
      response.writeHead(fault.status ?? 200);
      response.end();
      return;
    }
    json(response, fault?.status ?? 200, fault?.body ?? answer, fault?.headers);
  };
  return {
    url: server.url,
    batches,
    seen,
    removals,
    arrivals,
    calls,
    invited,
    memberPhones: () => [...group(ANNOUNCEMENTS).keys()].sort(),
    join: (phone, shown = "phone") => addMember(group(ANNOUNCEMENTS), phone, shown === "lid" ? "lid" : "join"),
    held: (n) => waiting.get(n) ?? Promise.reject(new Error(`call ${n} is not held`)),
    release,
    async idle() {
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
}

/** The environment the command reads its credentials from, pointing at `url`, with a state folder of its own. */
export function cliEnv(url: string, stateDir = mkdtempSync(join(workDir(), "state-"))): NodeJS.ProcessEnv {
  return { ...process.env, ZAPI_BASE_URL: url, ZAPI_INSTANCE_ID: INSTANCE, ZAPI_TOKEN: TOKEN, ZAPI_CLIENT_TOKEN: CLIENT_TOKEN, ZAPI_STATE_DIR: stateDir };
}

/** Runs the command in-process; fails the test if a credential shows up in its output. */
export async function run(argv: string[], env: NodeJS.ProcessEnv, more: Partial<CommandIO> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCommand(argv, {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    onInterrupt: () => () => {},
    ...more,
  });
  for (const secret of SECRETS) {
    if ((stdout + stderr).includes(secret)) throw new Error("a credential leaked");
  }
  return { code, stdout, stderr };
}

export interface Child {
  readonly pid: number;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
  /** Resolves once stdout contains `text`. */
  printed(text: string): Promise<void>;
  /** Closes the child's stdout pipe from the reading end. */
  closeStdout(): void;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Runs `node dist/cli.js ...args` in `cwd`; it is killed when the test finishes, if still running. */
export function startCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Child {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const watchers: { text: string; resolve: () => void }[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const watcher of watchers.filter((w) => stdout.includes(w.text))) {
      watchers.splice(watchers.indexOf(watcher), 1);
      watcher.resolve();
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return {
    pid: child.pid!,
    stdout: () => stdout,
    stderr: () => stderr,
    kill: (signal) => child.kill(signal),
    closeStdout: () => child.stdout.destroy(),
    printed: (text) =>
      stdout.includes(text)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            watchers.push({ text, resolve });
            void exited.then(() => reject(new Error(`the command ended without printing ${JSON.stringify(text)}:\n${stdout}\n${stderr}`)));
          }),
    exited,
  };
}

/** Runs the command to its end. */
export function runCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  return startCli(args, options).exited;
}

/** A CSV's rows as arrays of fields: the report's header first. Handles quotes; no BOM. */
export function csvRows(path: string, separator = ","): string[][] {
  let text = readFileSync(path, "utf8");
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) row.push(field), (field = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** The report as rows keyed by its header. */
export function reportRows(path: string, separator?: string): Record<string, string>[] {
  const text = readFileSync(path, "utf8");
  const sep = separator ?? (text.split(/\r?\n/)[0]!.includes(";") ? ";" : ",");
  const [header, ...rows] = csvRows(path, sep);
  return rows.map((row) => Object.fromEntries(row.map((value, i) => [header![i], value])));
}
