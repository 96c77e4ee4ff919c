/**
 * CI's closing summary (scripts/print-test-summary.ts): a test that did not run fails CI unless
 * `.ci/allowed-skips.json` allows it by name, with a reason.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type AllowedSkip, summarize, type VitestReport } from "../../scripts/test-summary.js";

const ROOT = "/repo";
const report = (statuses: string[]): VitestReport => ({
  numPassedTests: statuses.filter((status) => status === "passed").length,
  numFailedTests: statuses.filter((status) => status === "failed").length,
  numPendingTests: statuses.filter((status) => status !== "passed" && status !== "failed").length,
  testResults: [
    {
      name: `${ROOT}/test/a.test.ts`,
      assertionResults: statuses.map((status, index) => ({ fullName: `case ${index}`, status })),
    },
  ],
});

describe("the CI test summary", () => {
  it("passes a run where every test ran and passed", () => {
    expect(summarize(report(["passed", "passed"]), [], ROOT)).toEqual({
      line: "tests: 2 passed, 0 failed, 0 skipped",
      problems: [],
    });
  });

  it("fails a run with a skipped, pending or todo test, naming each", () => {
    const summary = summarize(report(["passed", "skipped", "pending", "todo"]), [], ROOT);
    expect(summary.line).toBe("tests: 1 passed, 0 failed, 3 skipped");
    expect(summary.problems).toEqual([
      "skipped, and not an allowed skip: test/a.test.ts > case 1",
      "skipped, and not an allowed skip: test/a.test.ts > case 2",
      "skipped, and not an allowed skip: test/a.test.ts > case 3",
    ]);
  });

  it("accepts a skip the allow-list names with a reason, and only that one", () => {
    const allowed: AllowedSkip[] = [{ test: "test/a.test.ts > case 1", reason: "needs a GPU" }];
    expect(summarize(report(["passed", "skipped", "skipped"]), allowed, ROOT).problems).toEqual([
      "skipped, and not an allowed skip: test/a.test.ts > case 2",
    ]);
  });

  it("refuses an allow-list entry without a reason", () => {
    expect(() =>
      summarize(report(["skipped"]), [{ test: "test/a.test.ts > case 0", reason: " " }], ROOT),
    ).toThrow("allowed skip without a reason: test/a.test.ts > case 0");
  });

  it("fails a run with a failed test or test file", () => {
    expect(summarize(report(["failed"]), [], ROOT).problems).toEqual(["1 tests failed"]);
    expect(summarize({ ...report(["passed"]), numFailedTestSuites: 1 }, [], ROOT).problems).toEqual(
      ["1 test files failed"],
    );
  });

  it("CI's allow-list names, with a reason, tests of files that exist", () => {
    const allowed = JSON.parse(readFileSync(".ci/allowed-skips.json", "utf8")) as AllowedSkip[];
    for (const entry of allowed) {
      expect(entry.reason.trim()).not.toBe("");
      expect(existsSync(entry.test.split(" > ")[0] ?? "")).toBe(true);
    }
  });
});
