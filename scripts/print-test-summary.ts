/**
 * Prints vitest's JSON report (written in CI) as one plain closing line,
 * "tests: N passed, N failed, N skipped", for tools that read a run's last lines.
 * Exits 1 when the report is missing or names a failure.
 */
import { readFileSync } from "node:fs";

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
}

const report = JSON.parse(readFileSync("test-results/vitest.json", "utf8")) as VitestReport;
process.stdout.write(
  `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped\n`,
);
if (report.numFailedTests > 0) process.exit(1);
