import { defineConfig } from "vitest/config";

/** Test runner settings: real servers on port 0, so files may run in parallel workers. */
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    reporters: ["default"],
  },
});
