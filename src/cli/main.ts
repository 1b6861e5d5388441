// The `zapi-client` executable (dist/cli.js). Everything is in command.ts, which tests
// also run in-process; this file only binds it to the real process.
import { runCommand, scrubber } from "./command.js";

// A closed stdout or stderr (`zapi-client ... | head`, a terminal that went away) must not
// kill a run mid-batch: the journal, not the screen, is what makes a run safe. Writes to a
// closed pipe fail with EPIPE as an 'error' event, which would otherwise end the process.
let closed = false;
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") closed = true;
    else throw error;
  });
}
const guarded = (stream: NodeJS.WriteStream) => ({
  write: (text: string) => (closed || stream.destroyed ? false : stream.write(text)),
  get isTTY() {
    return stream.isTTY;
  },
  get columns() {
    return stream.columns;
  },
});

try {
  process.exitCode = await runCommand(process.argv.slice(2), {
    stdout: guarded(process.stdout),
    stderr: guarded(process.stderr),
    env: process.env,
    onInterrupt(handler) {
      process.on("SIGINT", handler);
      return () => process.off("SIGINT", handler);
    },
  });
} catch (error) {
  // A bug: the journal has whatever reached it, and a batch sent without its answer
  // recorded will show as unknown.
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const scrub = scrubber([process.env["ZAPI_TOKEN"], process.env["ZAPI_CLIENT_TOKEN"]]);
  process.stderr.write(`zapi-client: unexpected error: ${scrub(text)}\n`);
  process.exitCode = 1;
}
