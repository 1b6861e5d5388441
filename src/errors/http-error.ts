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
 * Z-API (or something in between) answered with a status outside 2xx. A redirect (3xx) is
 * one too: it is never followed, so no credential reaches another origin.
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
  /** The server's `Retry-After`, in milliseconds, when it sent a valid one. */
  readonly retryAfterMs: number | undefined;
  /** A redirect's `Location`, redacted, when the answer was a 3xx. */
  readonly location: string | undefined;

  constructor(
    details: HttpErrorDetails & {
      readonly method: string;
      /** The server's own short error text, redacted and cut. */
      readonly serverText?: string | undefined;
      readonly retryAfterMs?: number | undefined;
      readonly location?: string | undefined;
    },
  ) {
    const said = details.serverText ? `: ${JSON.stringify(details.serverText)}` : "";
    super(`Z-API answered HTTP ${details.status} to ${details.method}${said}${hint(details)}`);
    this.status = details.status;
    this.body = details.body;
    this.url = details.url;
    this.method = details.method;
    this.retryAfterMs = details.retryAfterMs;
    this.location = details.location;
  }
}

// The docs' guidance for their documented answers.
function hint({ status, method, serverText, location }: { status: number; method: string; serverText?: string | undefined; location?: string | undefined }): string {
  if (serverText === "null not allowed") {
    return " (the account's Client-Token is active and none was sent: set `clientToken` or ZAPI_CLIENT_TOKEN)";
  }
  if (status >= 300 && status < 400) {
    return ` (a redirect${location ? ` to ${location}` : ""}; redirects are not followed, so the credentials never leave baseUrl's origin)`;
  }
  if (status === 405) return ` (the method was not allowed: this operation is a ${method})`;
  if (status === 415) return " (the Content-Type was not accepted: send application/json)";
  return "";
}
