// Type-aware lint of the TypeScript sources; only rules whose findings are real bugs, each said why.
import tseslint from "typescript-eslint";

export default tseslint.config(
  // Plain .js/.mjs (fixture servers, the bin shim, helpers run as-is) are outside the TypeScript project.
  { ignores: ["**/node_modules/**", "steadystate-runs/**", "test-output/**", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A promise nobody awaits or catches turns a failure into an unhandled rejection (a crash) or silence.
      "@typescript-eslint/no-floating-promises": "error",
      // An async callback where void is expected (emitters, timers): its rejection is never handled.
      "@typescript-eslint/no-misused-promises": "error",
      // Awaiting a non-promise is a mistake about what a call returns.
      "@typescript-eslint/await-thenable": "error",
      // `return promise` inside try/catch/finally skips the catch and runs finally too early.
      "@typescript-eslint/return-await": ["error", "error-handling-correctness-only"],
    },
  },
);
