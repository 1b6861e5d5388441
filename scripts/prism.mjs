// @ts-check
// Starts `prism mock` on the spec, on 127.0.0.1 and a free port, for the tests and the demo.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
/** The path that appears in every Prism process this project starts (see check-leftovers.mjs). */
export const PRISM_BIN = `${projectRoot}node_modules/@stoplight/prism-cli/dist/index.js`;
const SPEC = `${projectRoot}spec/zapi.yaml`;

/**
 * @param {{ readyTimeoutMs?: number, onWait?: (message: string) => void }} [options]
 * @returns {Promise<{ url: string, pid: number, stop: () => Promise<void> }>}
 */
export async function startPrism({ readyTimeoutMs = 30_000, onWait = () => {} } = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // --errors: a request that breaks the spec gets an error response, not a mock answer.
  const child = spawn(process.execPath, [PRISM_BIN, "mock", SPEC, "--host", "127.0.0.1", "--port", String(port), "--errors"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (/** @type {Buffer} */ chunk) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const stop = async () => {
    process.off("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };

  onWait(`Starting the Prism mock of spec/zapi.yaml on ${url} ...`);
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`Prism (pid ${child.pid}) exited with code ${child.exitCode} before it was ready. Its output:\n${output}`);
    }
    if (await answers(url)) return { url, pid: /** @type {number} */ (child.pid), stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Prism (pid ${child.pid}) did not answer on ${url} within ${readyTimeoutMs} ms. Its output:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Any HTTP answer means Prism is listening. */
async function answers(/** @type {string} */ url) {
  try {
    const response = await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
