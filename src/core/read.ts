/** The most of an error answer's body that is read; the rest is cancelled, not downloaded. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** The most of an error body's text an error keeps, after redaction. */
export const MAX_ERROR_TEXT = 2_000;

/** A body as text, and whether it was cut at the limit. */
export interface Body {
  readonly text: string;
  readonly truncated: boolean;
}

/**
 * Reads at most `limit` bytes of the body, as the stream gives them: after any
 * `Content-Encoding` was undone, whatever `Content-Length` says. `interrupt` (or what it
 * returns, asked for only when the body is streamed) rejects on a timeout or an abort, and
 * wins even against a stream (or a `fetch`) that ignores the signal.
 */
export async function readBody(
  message: { readonly body: ReadableStream<Uint8Array> | null; readonly headers?: Headers; text?(): Promise<string> },
  limit: number,
  interrupt: Promise<never> | (() => Promise<never>) | undefined,
  trustLength = false,
): Promise<Body> {
  // The runtime's own fetch stops at Content-Length; without Content-Encoding that is the size.
  if (trustLength && message.headers && message.text && message.headers.get("Content-Encoding") === null) {
    const declared = message.headers.get("Content-Length");
    if (declared !== null && Number(declared) <= limit) return { text: await message.text(), truncated: false };
  }
  const stream = message.body;
  const stop = typeof interrupt === "function" ? interrupt() : interrupt;
  if (!stream) return { text: "", truncated: false };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await (stop ? Promise.race([reader.read(), stop]) : reader.read());
      if (done) return { text: decode(chunks, received), truncated: false };
      if (!(value instanceof Uint8Array)) throw new TypeError("the response body gave a chunk that is not bytes");
      if (received + value.byteLength > limit) {
        chunks.push(value.subarray(0, limit - received));
        return { text: decode(chunks, limit), truncated: true };
      }
      received += value.byteLength;
      chunks.push(value);
    }
  } finally {
    // Not awaited: a hostile stream's cancel may never settle. Releasing stops the download.
    reader.cancel().catch(() => {});
  }
}

function decode(chunks: readonly Uint8Array[], length: number): string {
  const decoder = new TextDecoder();
  if (chunks.length === 1) return decoder.decode(chunks[0]);
  const whole = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decoder.decode(whole);
}
