/**
 * Prints vitest's JSON report (written in CI) as one plain closing line,
 * "tests: N passed, N failed, N skipped", for tools that read a run's last lines.
 * Exits 1 when the report is missing, names a failure, or names a test that did not run
 * (skipped, pending, todo) that `.ci/allowed-skips.json` does not allow, by name and with a reason.
 */
import { readFileSync } from "node:fs";
import { type AllowedSkip, summarize, type VitestReport } from "./test-summary.js";

const report = JSON.parse(readFileSync("test-results/vitest.json", "utf8")) as VitestReport;
const allowed = JSON.parse(readFileSync(".ci/allowed-skips.json", "utf8")) as AllowedSkip[];
const { line, problems } = summarize(report, allowed, process.cwd());
for (const problem of problems) process.stderr.write(`${problem}\n`);
process.stdout.write(`${line}\n`);
if (problems.length > 0) process.exit(1);
