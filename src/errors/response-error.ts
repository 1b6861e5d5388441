import type { HttpErrorDetails } from "./http-error.js";
import { keepName, ZApiError } from "./zapi-error.js";

/**
 * Z-API answered 2xx, but the body is not what the spec says (not JSON, the wrong shape,
 * too large). The call may have been carried out; it is never retried.
 */
export class ZApiResponseError extends ZApiError {
  static {
    keepName(this, "ZApiResponseError");
  }
  override readonly name = "ZApiResponseError";
  readonly status: number;
  readonly body: unknown;
  readonly url: string;

  constructor(reason: string, details: HttpErrorDetails) {
    super(`Z-API answered HTTP ${details.status} with an unexpected body: ${reason}`);
    this.status = details.status;
    this.body = details.body;
    this.url = details.url;
  }
}
