import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * `npm run test:chaos`: the full chaos suite (test/chaos/*.chaos.ts), which `npm test` does not
 * run (its files end in .test.ts). The base settings (the graphql alias, forks), with only its
 * files and longer deadlines: it starts its own Redis, sandbox and two gateway processes.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/chaos/**/*.chaos.ts"],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    outputFile: { json: "test-results/vitest-chaos.json" },
  },
});
