#!/usr/bin/env node
// `vscode:prepublish` (run by `vsce package` / `vsce publish`): type-check and lint, then the production
// bundle. LARK_PREPUBLISH_SKIP_CHECKS=1 skips the checks; `npm test` sets it for its .vsix suite because it
// has just run them (saves ~40 s on the 2-core CI machine). The production build always runs.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const steps = process.env.LARK_PREPUBLISH_SKIP_CHECKS === '1' ? [] : ['check-types', 'lint'];
for (const script of [...steps, 'build:production']) {
	const result = spawnSync(npm, ['run', '--silent', script], { cwd: path.resolve(__dirname, '..'), stdio: 'inherit' });
	if (result.status !== 0) {
		console.error(`prepublish: npm run ${script} failed`);
		process.exit(result.status ?? 1);
	}
}
