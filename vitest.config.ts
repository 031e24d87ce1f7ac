import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests spawn the real codex binary; two cores, so keep the fan-out small.
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ["default"],
    // Type tests (`*.test-d.ts`) are checked by the compiler, not run.
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
