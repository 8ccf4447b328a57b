import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const compiledSrc = path.resolve(__dirname, '..', '..', 'src');

async function compiledModules(folder: string): Promise<string[]> {
	const entries = await fs.readdir(path.join(compiledSrc, folder), { recursive: true });
	return entries.filter((e) => e.endsWith('.js')).map((e) => path.join(compiledSrc, folder, e));
}

describe('layering: src/core and src/cli run in plain Node', () => {
	it('every core and CLI module loads without a vscode module', async () => {
		const modules = [...(await compiledModules('core')), ...(await compiledModules('cli'))].filter((m) => !m.endsWith(path.join('cli', 'main.js')));
		assert.ok(modules.length > 10);
		for (const modulePath of modules) {
			// eslint-disable-next-line @typescript-eslint/no-require-imports -- loading each compiled module is the point
			assert.doesNotThrow(() => require(modulePath), `${path.relative(compiledSrc, modulePath)} failed to load`);
		}
		const loaded = Object.keys(require.cache);
		assert.ok(!loaded.some((file) => /[/\\]vscode[/\\]|^vscode$/.test(file)), 'vscode was loaded');
	});
});
