import { ZApiError } from "./zapi-error.js";

/** What the HTTP errors carry; the URL has its token redacted. */
export interface HttpErrorDetails {
  readonly status: number;
  /** The parsed JSON body, or its text (truncated), with any secret redacted. */
  readonly body: unknown;
  readonly url: string;
}

/** Z-API (or something in between) answered with a status outside 2xx. */
export class ZApiHttpError extends ZApiError {
  override readonly name = "ZApiHttpError";
  readonly status: number;
  readonly body: unknown;
  readonly url: string;
  /** The server's `Retry-After`, in milliseconds, when it sent a valid one. */
  readonly retryAfterMs: number | undefined;

  constructor(details: HttpErrorDetails & { readonly retryAfterMs?: number | undefined }) {
    super(`Z-API answered HTTP ${details.status}${hint(details.status)}`);
    this.status = details.status;
    this.body = details.body;
    this.url = details.url;
    this.retryAfterMs = details.retryAfterMs;
  }
}

// The spec's guidance for its documented statuses.
function hint(status: number): string {
  if (status === 405) return ": the method was not allowed (add-participant is a POST)";
  if (status === 415) return ": the Content-Type was not accepted (send application/json)";
  return "";
}
