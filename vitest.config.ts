import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // Groups run from the lowest order to the highest, each once the one before has finished: the unit
          // tests (CPU-heavy: fuzzing, rendering) first, so that they never share the machine with the
          // integration tests, which run real containers and load.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          // Real containers and real load on a 2-core machine: one file at a time, generous timeouts.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 180_000,
          hookTimeout: 180_000,
          globalSetup: ["test/integration/global-setup.ts"],
          env: { TESTCONTAINERS_RYUK_DISABLED: "true", TESTCONTAINERS_HOST_OVERRIDE: "127.0.0.1" },
        },
      },
    ],
  },
});
