// @ts-check
// `npm run mock`: the Prism mock of spec/zapi.yaml on 127.0.0.1, for trying the client
// without an account.
//   npm run mock                      serves until Ctrl-C, and prints the variables to set
//   npm run mock -- node flow.mjs     runs the command with ZAPI_* pointed at the mock, then stops
import { spawn } from "node:child_process";
import { startPrism } from "./prism.mjs";

const command = process.argv.slice(2);
console.error("Starting the Prism mock of spec/zapi.yaml ...");
const prism = await startPrism();
// Any instance id and token will do: the mock checks their shape, not their value.
const env = { ZAPI_BASE_URL: prism.url, ZAPI_INSTANCE_ID: "mock-instance", ZAPI_TOKEN: "mock-token" };
let stopping = false;
const stop = async (/** @type {number} */ code) => {
  if (stopping) return;
  stopping = true;
  await prism.stop();
  process.exit(code);
};
process.on("SIGINT", () => void stop(command.length > 0 ? 130 : 0));
process.on("SIGTERM", () => void stop(143));

if (command.length === 0) {
  console.log(`The mock answers on ${prism.url}. In another shell:\n`);
  for (const [name, value] of Object.entries(env)) console.log(`  export ${name}=${value}`);
  console.log("\nthen run your code; createZApiClient() reads those. Ctrl-C stops the mock.");
} else {
  // ZAPI_CLIENT_TOKEN is cleared: the mock has no account, and a real one must not reach it.
  const child = spawn(command[0] ?? "", command.slice(1), { stdio: "inherit", env: { ...process.env, ...env, ZAPI_CLIENT_TOKEN: "" } });
  child.on("error", (error) => {
    console.error(`npm run mock: could not run ${JSON.stringify(command[0])}: ${error.message}`);
    void stop(2);
  });
  child.on("exit", (code, signal) => void stop(code ?? (signal ? 1 : 0)));
}
