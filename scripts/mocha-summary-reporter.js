// Mocha's spec reporter plus one closing line "N passed, N failed, N skipped" that CI can read.
// When LARK_TEST_RESULTS names a file, the counts are also written there as JSON for scripts/test.js.
const Mocha = require('mocha');
const fs = require('fs');

class SummaryReporter extends Mocha.reporters.Spec {
	constructor(runner, options) {
		super(runner, options);
		runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
			const { passes, failures, pending } = this.stats;
			console.log(`${passes} passed, ${failures} failed, ${pending} skipped`);
			if (process.env.LARK_TEST_RESULTS) {
				fs.writeFileSync(process.env.LARK_TEST_RESULTS, JSON.stringify({ passed: passes, failed: failures, skipped: pending }));
			}
		});
	}
}

module.exports = SummaryReporter;
