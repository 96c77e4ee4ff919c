import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

/**
 * Test runner settings: real servers on port 0, so files may run in parallel workers.
 * `graphql` is pinned to the entry Node itself loads (graphql 16 has no exports map, so Node
 * loads its CommonJS build while Vite would pick the .mjs one): our code and the libraries
 * Node loads must share one graphql module, as they do outside tests.
 */
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }] },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    // In CI, also a JSON report, from which .ci/run prints a plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: "test-results/vitest.json" },
  },
});
