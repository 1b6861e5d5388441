/**
 * The base of every error this client throws, so one `instanceof ZApiError` catches them
 * all. No error ever holds the instance token or the Client-Token: messages are built
 * without them and everything that comes from the server or the network is redacted.
 */
export class ZApiError extends Error {
  static {
    keepName(this, "ZApiError");
  }
  override readonly name: string = "ZApiError";
}

/**
 * Gives a class its name for good: the published code is minified, and loggers (pino's
 * `type`) and `util.inspect` read `constructor.name`.
 */
export function keepName(errorClass: abstract new (...args: never[]) => Error, name: string): void {
  Object.defineProperty(errorClass, "name", { value: name });
}
