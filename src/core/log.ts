import { invalid } from "./options.js";

/** How much is logged: each level includes the ones before it. */
export const LOG_LEVELS = ["off", "error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Where log lines go: `console` by default, or any object with these four methods (a pino or
 * winston logger, wrapped if its argument order differs). Each line is a message and, where
 * there is something to add, an object of fields.
 */
export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

/** The options that choose a logger, shared by the client and the webhook handler. */
export interface LogOptions {
  /** Default `"warn"`, or `ZAPI_LOG` when set. */
  logLevel?: LogLevel | undefined;
  /** Default `console`. */
  logger?: Logger | undefined;
}

/** A logger behind a level: a method is `undefined` when its level is off, so a line that is not logged costs nothing to build. */
export interface Log {
  readonly error: ((message: string, fields?: Record<string, unknown>) => void) | undefined;
  readonly warn: ((message: string, fields?: Record<string, unknown>) => void) | undefined;
  readonly info: ((message: string, fields?: Record<string, unknown>) => void) | undefined;
  readonly debug: ((message: string, fields?: Record<string, unknown>) => void) | undefined;
}

const METHODS = ["error", "warn", "info", "debug"] as const;

/**
 * The log an option set asks for: `logLevel`, else `ZAPI_LOG`, else `"warn"`; `logger`, else
 * `console`. A logger that throws never breaks a call: its error is dropped.
 */
export function createLog(options: LogOptions, env: Readonly<Record<string, string | undefined>>): Log {
  const fromVariable = options.logLevel === undefined && env["ZAPI_LOG"] ? env["ZAPI_LOG"].trim().toLowerCase() : undefined;
  const level = options.logLevel ?? fromVariable ?? "warn";
  if (!(LOG_LEVELS as readonly unknown[]).includes(level)) invalid(fromVariable === undefined ? "logLevel" : "ZAPI_LOG", `one of ${LOG_LEVELS.map((l) => `"${l}"`).join(", ")}`, level);
  const logger = options.logger ?? (globalThis as { console?: Logger }).console;
  if (options.logger !== undefined) {
    const missing = METHODS.filter((name) => typeof (logger as unknown as Record<string, unknown>)?.[name] !== "function");
    if (missing.length > 0) invalid("logger", `an object with error, warn, info and debug methods (missing: ${missing.join(", ")})`, logger);
  }
  const rank = LOG_LEVELS.indexOf(level as LogLevel);
  const method = (name: (typeof METHODS)[number]) => {
    if (!logger || rank < LOG_LEVELS.indexOf(name)) return undefined;
    return (message: string, fields?: Record<string, unknown>) => {
      try {
        if (fields === undefined) logger[name](message);
        else logger[name](message, fields);
      } catch {
        // A broken logger must not turn a call that worked into one that failed.
      }
    };
  };
  return { error: method("error"), warn: method("warn"), info: method("info"), debug: method("debug") };
}
