import createClient, { type Client } from "openapi-fetch";
import { ZApiResponseError } from "../errors/response-error.js";
import { ZApiError } from "../errors/zapi-error.js";
import type { CredentialedPaths } from "../types.js";
import { Deadline } from "./deadline.js";
import { FOLLOWED_REDIRECT, isOk, networkError, tooLarge, type Connection } from "./engine.js";
import { MAX_ERROR_BODY_BYTES, MAX_ERROR_TEXT, readBody } from "./read.js";
import { cut } from "./redact.js";

// Statuses whose Response cannot have a body.
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * The openapi-fetch client for the spec, behind the same protections as the methods: no
 * redirect is followed, every body is read bounded in bytes and time, error bodies and
 * thrown errors are redacted, and the answer handed back no longer carries the URL.
 */
export function createApi(connection: Connection): Client<CredentialedPaths> {
  const { options, redact } = connection;
  const client = createClient<CredentialedPaths>({
    baseUrl: connection.prefix,
    // openapi-fetch sets Content-Type itself when there is a body.
    headers: connection.headers,
    fetch: async (request: Request) => {
      // openapi-fetch's request carries the caller's signal: the deadline follows it.
      const deadline = new Deadline(options.timeoutMs, request.signal);
      try {
        let response: Response;
        try {
          const outgoing = new Request(request, { redirect: "manual", signal: deadline.signal });
          response = await deadline.race(options.fetch(outgoing));
        } catch (error) {
          throw deadline.stopped() ?? networkError(error, redact, connection.host);
        }
        const ok = isOk(response);
        let body;
        try {
          body = await readBody(response, ok ? options.maxResponseBytes : MAX_ERROR_BODY_BYTES, deadline);
        } catch (error) {
          throw deadline.stopped() ?? networkError(error, redact, connection.host);
        }
        const status = response.type === "opaqueredirect" ? 0 : response.status;
        if (ok && body.truncated) {
          throw new ZApiResponseError(tooLarge(options), { status, url: "", body: cut(redact.read(body), MAX_ERROR_TEXT) });
        }
        // As in the methods: an answer from wherever a redirect led is not Z-API's answer.
        if (response.redirected) {
          throw new ZApiResponseError(FOLLOWED_REDIRECT, { status, url: "", body: cut(redact.read(body), MAX_ERROR_TEXT) });
        }
        const headers = new Headers();
        // A header whose name echoes a secret is dropped: a name cannot be redacted in place.
        response.headers.forEach((value, name) => {
          if (redact.text(name) === name) headers.append(name, redact.text(value));
        });
        headers.delete("content-encoding");
        headers.delete("content-length");
        const text = ok ? body.text : redact.read(body);
        // A status the Response constructor refuses (an opaque redirect's 0) becomes 502.
        return new Response(NULL_BODY.has(status) ? null : text, { status: status >= 200 && status <= 599 ? status : 502, statusText: redact.text(response.statusText), headers });
      } finally {
        deadline.dispose();
      }
    },
  });
  // openapi-fetch throws what building the request throws (a bad header value, say), which
  // may quote the URL: every method's rejection leaves here redacted.
  const guarded = { ...client } as Record<string, unknown>;
  for (const [key, method] of Object.entries(client)) {
    if (typeof method !== "function" || key === "use" || key === "eject") continue;
    guarded[key] = async (...args: unknown[]) => {
      refuseBypass(args[key === "request" ? 2 : 1]);
      try {
        return await (method as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (error) {
        if (error instanceof ZApiError) throw error;
        // JSON.parse's message quotes ten characters around the fault: a cut through the body
        // made before anything could redact it, which can end inside a secret.
        if (error instanceof SyntaxError) throw new SyntaxError("The answer's body is not valid JSON (not quoted here: it may hold a secret)");
        throw redact.error(error);
      }
    };
  }
  return guarded as unknown as Client<CredentialedPaths>;
}

// openapi-fetch takes these per call, and each would skip the protections above: its own
// fetch follows redirects (Client-Token and body included) and reads without bounds; another
// baseUrl gets the Client-Token, even over clear-text http.
const BYPASSES = ["fetch", "Request", "baseUrl"] as const;

function refuseBypass(init: unknown): void {
  if (typeof init !== "object" || init === null) return;
  const given = BYPASSES.filter((name) => (init as Record<string, unknown>)[name] !== undefined);
  if (given.length > 0) {
    throw new ZApiError(`api calls take no ${given.map((name) => `\`${name}\``).join(" or ")} of their own: it would bypass the redirect, size and time limits; pass fetch or baseUrl to createZApiClient`);
  }
}
