import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/setup/prism.global.ts"],
    testTimeout: 30_000,
    // Random order on every run proves the tests share no state; the seed is printed.
    sequence: { shuffle: true },
    hookTimeout: 60_000,
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "tsconfig.json" },
  },
});
