/** One test in vitest's JSON report (its Jest-compatible shape). */
export interface ReportedTest {
  fullName: string;
  /** "passed", "failed", "skipped", "pending" or "todo". */
  status: string;
}

/** One test file in vitest's JSON report. */
export interface ReportedFile {
  /** The file's absolute path. */
  name: string;
  assertionResults: ReportedTest[];
}

/** The parts of vitest's JSON report (`--reporter=json`) the summary reads. */
export interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests?: number;
  numFailedTestSuites?: number;
  testResults: ReportedFile[];
}

/** A skip CI accepts: the test's name as the summary prints it, and why it may not run. */
export interface AllowedSkip {
  test: string;
  reason: string;
}

/** What a run amounts to: its closing line, and the problems that fail CI. */
export interface TestSummary {
  line: string;
  problems: string[];
}

const NOT_RUN = new Set(["skipped", "pending", "todo"]);

/** A test's name as the summary prints it: `<file relative to root> > <describe …> <title>`. */
export function testName(file: ReportedFile, test: ReportedTest, root: string): string {
  const prefix = root.endsWith("/") ? root : `${root}/`;
  const path = file.name.startsWith(prefix) ? file.name.slice(prefix.length) : file.name;
  return `${path} > ${test.fullName}`;
}

/**
 * Sums up a vitest report: "tests: N passed, N failed, N skipped". A failed test or file fails
 * CI, and so does every test that did not run (skipped, pending or todo) unless `allowed` names
 * it with a reason: a test that silently stops running passes nothing. Throws on an allow-list
 * entry without a reason.
 */
export function summarize(
  report: VitestReport,
  allowed: readonly AllowedSkip[],
  root: string,
): TestSummary {
  for (const entry of allowed) {
    if (entry.reason.trim() === "") throw new Error(`allowed skip without a reason: ${entry.test}`);
  }
  const allowedNames = new Set(allowed.map((entry) => entry.test));
  const notRun = report.testResults.flatMap((file) =>
    file.assertionResults
      .filter((test) => NOT_RUN.has(test.status))
      .map((test) => testName(file, test, root)),
  );
  const problems: string[] = [];
  if (report.numFailedTests > 0) problems.push(`${report.numFailedTests} tests failed`);
  if ((report.numFailedTestSuites ?? 0) > 0) {
    problems.push(`${report.numFailedTestSuites} test files failed`);
  }
  for (const name of notRun) {
    if (!allowedNames.has(name)) problems.push(`skipped, and not an allowed skip: ${name}`);
  }
  return {
    line: `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${notRun.length} skipped`,
    problems,
  };
}
