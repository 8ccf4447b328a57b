#!/usr/bin/env node
// `npm run package`: builds lark-downloader-<version>.vsix with @vscode/vsce. Everything the extension needs
// is in the esbuild bundle, hence --no-dependencies; .vscodeignore whitelists what ships (checked by
// test/unit/packaging.test.ts and, on the real archive, by scripts/run-vsix-tests.js).
//   node scripts/package.js [--out FILE]
// vsce runs `vscode:prepublish` first (scripts/prepublish.js: check-types, lint, production bundle), so dist/
// holds the production bundles afterwards; `npm run build` brings back the development build.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

/** Packages the extension into `out` (absolute path); returns it. Throws when vsce fails. */
function packageVsix(out, env = {}) {
	const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
	const args = [
		vsce, 'package',
		'--no-dependencies', // bundled: node_modules is not needed at run time
		'--allow-missing-repository', // private project: no marketplace repository link
		'--no-rewrite-relative-links', // README links (docs/, screenshots) stay relative: there is no public repository URL to point them at
		'--out', out,
	];
	const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
	if (result.status !== 0) {
		throw new Error(`vsce package failed (exit ${result.status ?? result.signal})`);
	}
	return out;
}

module.exports = { packageVsix };

if (require.main === module) {
	const { version, name } = require('../package.json');
	const at = process.argv.indexOf('--out');
	const out = path.resolve(at > 0 && process.argv[at + 1] ? process.argv[at + 1] : path.join(ROOT, `${name}-${version}.vsix`));
	try {
		packageVsix(out);
	} catch (error) {
		console.error(`package: ${error.message}`);
		process.exit(1);
	}
}
