import { keepName, ZApiError } from "./zapi-error.js";

/** The caller's `signal` aborted the call. `cause` is the signal's reason. */
export class ZApiAbortError extends ZApiError {
  static {
    keepName(this, "ZApiAbortError");
  }
  override readonly name = "ZApiAbortError";

  constructor(reason: unknown) {
    super("The call was aborted by its signal", { cause: reason });
  }
}
