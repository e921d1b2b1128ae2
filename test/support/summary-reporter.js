/* global process */
// Prints one plain closing line ("suivi: N passed, N failed, N skipped") after
// Jest's own summary, so CI logs state the counts in a runner-neutral form.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(
      `\nsuivi: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`,
    );
  }
}
