import type { ErrorReason } from "../../generated/errors.js";
import { keepName, ZApiError } from "./zapi-error.js";

/** What the HTTP errors carry; every text in it was redacted before it was cut. */
export interface HttpErrorDetails {
  readonly status: number;
  /** The parsed JSON body, or its text (cut to 2,000 characters), with any secret redacted. */
  readonly body: unknown;
  /** The URL called, with the token redacted. */
  readonly url: string;
}

/**
 * Z-API answered with an error: a status outside 2xx (a redirect included: it is never
 * followed, so no credential reaches another origin), or a 2xx whose body is Z-API's error
 * body (`{"error": …}`), which the service has been seen to send with 200.
 */
export class ZApiHttpError extends ZApiError {
  static {
    keepName(this, "ZApiHttpError");
  }
  override readonly name = "ZApiHttpError";
  readonly status: number;
  readonly body: unknown;
  readonly url: string;
  /** The method of the call. */
  readonly method: string;
  /**
   * Z-API's own words, redacted and cut to 200 characters: its `error`, with its `message`
   * after a colon when it gives both (`NOT_FOUND: Unable to find matching target resource
   * method`), or the first line of a body that is not JSON. Undefined when it said nothing.
   */
  readonly serverText: string | undefined;
  /**
   * Why, as a program can branch on it: a reason of the spec's table of known error texts
   * (`client-token-missing`, `instance-not-found`, …), or `unknown`, keeping the text.
   */
  readonly reason: ErrorReason;
  /** What to do next. */
  readonly hint: string;
  /** The server's `Retry-After`, in milliseconds, when it sent a valid one. */
  readonly retryAfterMs: number | undefined;
  /** A redirect's `Location`, redacted, when the answer was a 3xx. */
  readonly location: string | undefined;

  constructor(
    details: HttpErrorDetails & {
      readonly method: string;
      readonly serverText?: string | undefined;
      readonly reason: ErrorReason;
      readonly hint: string;
      readonly retryAfterMs?: number | undefined;
      readonly location?: string | undefined;
    },
  ) {
    const { status, method, serverText, reason, hint, location } = details;
    const said = serverText ? `: ${JSON.stringify(serverText)}` : location ? `, redirecting to ${JSON.stringify(location)}` : "";
    const how = status >= 200 && status <= 299 ? ` with an error body` : "";
    super(`Z-API answered HTTP ${status} to ${method}${how}${said} (${reason}: ${hint})`);
    this.status = status;
    this.body = details.body;
    this.url = details.url;
    this.method = method;
    this.serverText = serverText;
    this.reason = reason;
    this.hint = hint;
    this.retryAfterMs = details.retryAfterMs;
    this.location = location;
  }
}
