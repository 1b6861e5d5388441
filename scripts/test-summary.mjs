// @ts-check
// Prints vitest's JSON report as one plain closing line: "tests: N passed, N failed, N skipped".
import { readFileSync } from "node:fs";

const label = process.argv[2] ?? "tests";
const report = JSON.parse(readFileSync(new URL("../test-output/vitest-report.json", import.meta.url), "utf8"));
console.log(`${label}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`);
