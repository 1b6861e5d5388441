import { keepName, ZApiError } from "./zapi-error.js";

/**
 * The request failed below HTTP: refused, reset, DNS, TLS. `cause` is the underlying
 * error, with any secret redacted.
 */
export class ZApiNetworkError extends ZApiError {
  static {
    keepName(this, "ZApiNetworkError");
  }
  override readonly name = "ZApiNetworkError";
  /** The system error code, such as `ECONNREFUSED`, when the runtime gives one. */
  readonly code: string | undefined;
  /** The host called, from `baseUrl` (such as `api.z-api.io`). */
  readonly host: string | undefined;

  constructor(message: string, cause: unknown, code: string | undefined, host?: string) {
    super(message, { cause });
    this.code = code;
    this.host = host;
  }
}
