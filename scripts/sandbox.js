#!/usr/bin/env node
// `npm run sandbox`: bundles the sandbox Lark server (test/support/sandbox/*.ts, the tests' LarkTestServer
// with a believable tenant) with esbuild into out/sandbox/ (a fraction of a second, no type-check needed),
// then runs it. `npm run demo` and `npm run screenshots` use bundleSandbox() from here too.
'use strict';
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'out', 'sandbox');

/** Builds out/sandbox/{index,main}.js; returns their paths. */
async function bundleSandbox() {
	await require('esbuild').build({
		entryPoints: { index: path.join(ROOT, 'test/support/sandbox/index.ts'), main: path.join(ROOT, 'test/support/sandbox/main.ts') },
		outdir: OUT,
		bundle: true,
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		sourcemap: true,
		logLevel: 'warning',
	});
	return { index: path.join(OUT, 'index.js'), main: path.join(OUT, 'main.js') };
}

module.exports = { bundleSandbox };

if (require.main === module) {
	bundleSandbox().then(
		({ main }) => require(main), // parses process.argv itself
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
