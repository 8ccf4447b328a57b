// `npm test`: lint, type-check, build, compile the tests, run every suite, and end with one combined
// "N passed, N failed, N skipped" line. Exits non-zero if any step or any test fails.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(title, command, args, env = {}) {
	console.log(`\n> ${title}`);
	const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
	return result.status === 0;
}

const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lark-dl-results-'));
const suites = [];

function runSuite(name, command, args, env = {}) {
	const file = path.join(resultsDir, `${name}.json`);
	const ok = step(`${name} tests`, command, args, { ...env, LARK_TEST_RESULTS: file });
	const counts = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { passed: 0, failed: 1, skipped: 0 };
	if (!ok && counts.failed === 0) {
		counts.failed = 1; // the suite crashed outside a test: count it so the total cannot look green
	}
	suites.push({ name, ...counts });
}

const preflight = [
	['lint', npm, ['run', '--silent', 'lint']],
	['type-check', npm, ['run', '--silent', 'check-types']],
	['build', npm, ['run', '--silent', 'build']],
	['compile tests', npm, ['run', '--silent', 'compile-tests']],
];
for (const [title, command, args] of preflight) {
	if (!step(title, command, args)) {
		console.log(`\n${title} failed`);
		console.log('0 passed, 1 failed');
		process.exit(1);
	}
}

runSuite('unit', npm, ['run', '--silent', 'test:unit']);
const integrationRunner = path.join(root, 'scripts', 'run-integration-tests.js');
if (fs.existsSync(integrationRunner) && process.env.LARK_SKIP_INTEGRATION !== '1') {
	runSuite('integration', process.execPath, [integrationRunner]);
}
// The packaged .vsix installed into code-server and driven through the UI against the sandbox. Lint and
// type-check ran above, so vsce's prepublish only builds the production bundle.
const vsixRunner = path.join(root, 'scripts', 'run-vsix-tests.js');
if (fs.existsSync(vsixRunner) && process.env.LARK_SKIP_INTEGRATION !== '1' && process.env.LARK_SKIP_VSIX !== '1') {
	runSuite('vsix', process.execPath, [vsixRunner], { LARK_PREPUBLISH_SKIP_CHECKS: '1' });
}

fs.rmSync(resultsDir, { recursive: true, force: true });
const total = suites.reduce((sum, s) => ({ passed: sum.passed + s.passed, failed: sum.failed + s.failed, skipped: sum.skipped + s.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log('');
for (const s of suites) {
	console.log(`  ${s.name}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed === 0 ? 0 : 1);
