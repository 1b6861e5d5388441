import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/setup/global.ts"],
    testTimeout: 30_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: "test-output/vitest-report.json" }]],
    // Random order of the tests in each file on every run proves they share no state; the
    // seed is printed. Files start longest first (vitest's own order), so the three that
    // wait on npm, tsc and Chromium do not meet at the end of a run with one worker idle.
    sequence: { shuffle: { files: false, tests: true } },
    // So a worker imports vitest, fast-check and the client once, not once per file: on
    // 2 cores that was a fifth of the suite's CPU time. The tests keep no state between
    // files (environment stubs are undone after each test, servers are closed).
    isolate: false,
    // Two workers on 2 cores (vitest's default there is one): much of the suite waits on
    // child processes (tsc, npm, Redocly, Chromium, Prism), and the other worker runs
    // meanwhile. 89 s became 55 s here with everything else unchanged.
    maxWorkers: 2,
    hookTimeout: 60_000,
    // The type tests (test/**/*.test-d.ts) are enforced by `npm run typecheck`, which runs
    // tsc over the whole project, test-d files included: a second tsc here would only
    // report them as tests, at a cost of 10 s or more on 2 cores.
    typecheck: { enabled: false },
  },
});
