// The `zapi-client` executable (dist/cli.js). Everything is in command.ts, which tests
// also run in-process; this file only binds it to the real process.
import { runCommand } from "./command.js";

try {
  process.exitCode = await runCommand(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onInterrupt(handler) {
      process.on("SIGINT", handler);
      return () => process.off("SIGINT", handler);
    },
  });
} catch (error) {
  // A bug or an I/O failure (disk full, journal unwritable): the journal has whatever
  // reached it, and a batch sent without its answer recorded will show as unknown.
  let text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  for (const secret of [process.env["ZAPI_TOKEN"], process.env["ZAPI_CLIENT_TOKEN"]]) {
    if (secret) text = text.replaceAll(secret, "[redacted]").replaceAll(encodeURIComponent(secret), "[redacted]");
  }
  process.stderr.write(`zapi-client: unexpected error: ${text}\n`);
  process.exitCode = 1;
}
