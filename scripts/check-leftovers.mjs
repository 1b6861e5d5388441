// @ts-check
// Run after the tests: fails if any Prism process started from this project is still alive.
import { readdirSync, readFileSync } from "node:fs";
import { PRISM_BIN } from "./prism.mjs";

if (process.platform !== "linux") {
  console.log(`check-leftovers: skipped, it reads /proc, which ${process.platform} does not have.`);
  process.exit(0);
}
const leftovers = [];
for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
  let cmdline = "";
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    continue; // it ended while we looked
  }
  if (cmdline.includes(PRISM_BIN)) leftovers.push(`${pid}: ${cmdline.trim()}`);
}
if (leftovers.length > 0) {
  console.error(`check-leftovers: ${leftovers.length} Prism process(es) still running:\n${leftovers.join("\n")}`);
  process.exit(1);
}
console.log("check-leftovers: no Prism process left running.");
