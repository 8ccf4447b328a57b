import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listFiles, PackageManager } from '@vscode/vsce';
import { packagedFileProblems, vsixProblems, zipEntries } from '../../support/vsixContents';
import { zip } from '../../support/sandbox/content';

const root = path.resolve(__dirname, '..', '..', '..', '..');

describe('packaging (.vsix contents)', function () {
	this.timeout(30000);

	it('vsce would package only the bundle, media, manifest, nls files, README, CHANGELOG and LICENSE', async () => {
		assert.ok(fs.existsSync(path.join(root, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');
		// The same list `vsce ls --no-dependencies` prints and `npm run package` packs (.vscodeignore applied).
		const files = await listFiles({ cwd: root, packageManager: PackageManager.None });
		assert.deepEqual(packagedFileProblems(files), [], `packaged files: ${files.join(', ')}`);
	});

	it('the rule refuses what must never ship', () => {
		const sneaky = ['src/extension.ts', 'dist/extension.js.map', 'dist/cli.js', 'node_modules/undici/index.js', 'out/test/unit/a.test.js', 'lark-downloads/spec.pdf.part',
			'test/fixtures/workspace/a.txt', 'docs/screenshots/tree.png', '.vscodeignore', 'lark-downloader-0.1.0.vsix', 'tsconfig.json', '.demo/workspace/x.png'];
		const problems = packagedFileProblems(['package.json', 'package.nls.json', 'package.nls.zh-cn.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist/extension.js', 'media/lark.svg', ...sneaky]);
		assert.deepEqual(problems, sneaky.map((file) => `not allowed in the .vsix: ${file}`));
		assert.deepEqual(packagedFileProblems(['package.json']).length, 7, 'every required file is named when missing');
	});

	it('reads the entries of a real archive the way the .vsix suite checks them', () => {
		const entry = (name: string) => ({ name, data: Buffer.from(name) });
		const good = zip(['extension.vsixmanifest', '[Content_Types].xml', 'extension/package.json', 'extension/package.nls.json', 'extension/package.nls.zh-cn.json',
			'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', 'extension/dist/extension.js', 'extension/media/lark.svg'].map(entry));
		assert.equal(zipEntries(good).length, 10);
		assert.deepEqual(vsixProblems(good), []);
		const bad = zip(['extension.vsixmanifest', '[Content_Types].xml', 'extension/package.json', 'extension/src/extension.ts'].map(entry));
		assert.ok(vsixProblems(bad).includes('not allowed in the .vsix: src/extension.ts'));
		assert.ok(vsixProblems(bad).includes('missing from the .vsix: dist/extension.js'));
	});
});
