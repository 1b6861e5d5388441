/**
 * The base of every error this client throws, so one `instanceof ZApiError` catches them
 * all. No error ever holds the instance token or the Client-Token: messages are built
 * without them and everything that comes from the server or the network is redacted.
 */
export class ZApiError extends Error {
  override readonly name: string = "ZApiError";
}
