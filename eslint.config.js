import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["docs/**", "coverage/**", "dist/**", "node_modules/**", "src/transport/app-server/protocol/generated/**"] },
  js.configs.recommended,
  // Type-checked rules: every .ts file (src, test, bench, scripts, examples) is in tsconfig.json,
  // which the project service finds on its own.
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // A promise nobody awaits or catches is an unhandled rejection waiting to happen; a promise
      // where a void callback is expected is the same bug one step removed.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
    },
  },
  {
    files: ["test/**"],
    rules: {
      // vitest types its asymmetric matchers (expect.any, objectContaining, stringMatching, ...) as
      // `any`, so every expected object that uses one is an "unsafe assignment". The other no-unsafe-*
      // rules still catch an `any` that is read, called, passed or returned.
      "@typescript-eslint/no-unsafe-assignment": "off",
    },
  },
  // Plain JavaScript files are in no tsconfig project (no allowJs), so they get the untyped rules.
  { files: ["**/*.js", "**/*.mjs", "**/*.cjs"], ...tseslint.configs.disableTypeChecked },
);
