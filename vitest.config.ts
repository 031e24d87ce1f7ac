import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** The package's own names resolve to its sources, as tsconfig.json's `paths` do for tsx and tsc. */
const source = (file: string): string => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^codexkit$/, replacement: source("index.ts") },
      { find: /^codexkit\/testing$/, replacement: source("testing/index.ts") },
      { find: /^codexkit\/telemetry$/, replacement: source("telemetry/public.ts") },
      { find: /^codexkit\/queue$/, replacement: source("queue/index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests spawn the real codex binary; two cores, so keep the fan-out small.
    maxWorkers: 2,
    // What a test polls for comes from real processes on a loaded 2-core machine: give it time.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    fileParallelism: true,
    reporters: ["default"],
    // Type tests (`*.test-d.ts`) are checked by the compiler, not run.
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    // `npm test` runs with --coverage: the gate below holds. Code run only in child processes
    // (user-program scripts, the doctor command run as a user would) is not counted; nothing is
    // excluded to reach the numbers.
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      reporter: ["text-summary", "json-summary"],
      thresholds: { lines: 93, branches: 84, functions: 90, statements: 91 },
    },
  },
});
