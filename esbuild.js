// Bundles the extension (vscode external) and the CLI (with a shebang) into dist/.
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
	bundle: true,
	format: 'cjs',
	platform: 'node',
	target: 'node20',
	minify: production,
	sourcemap: !production,
	sourcesContent: false,
	logLevel: 'warning',
	define: { 'process.env.LARK_DL_VERSION': JSON.stringify(require('./package.json').version) },
};

const targets = [
	{ ...common, entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
	{ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

async function main() {
	if (watch) {
		for (const options of targets) {
			const context = await esbuild.context(options);
			await context.watch();
		}
		return;
	}
	await Promise.all(targets.map((options) => esbuild.build(options)));
	require('fs').chmodSync('dist/cli.js', 0o755);
	if (production) {
		// a development build's source maps would no longer match the minified bundles
		for (const map of ['dist/extension.js.map', 'dist/cli.js.map']) {
			require('fs').rmSync(map, { force: true });
		}
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
