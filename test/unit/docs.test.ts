import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

describe('README stays true to the manifest', () => {
	const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
	const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
		contributes: { commands: { command: string }[]; configuration: { properties: Record<string, { scope: string }> } };
	};

	it('documents every command', () => {
		for (const { command } of manifest.contributes.commands) {
			assert.ok(readme.includes(`\`${command}\``), `${command} is missing from the README`);
		}
	});

	it('documents every setting with its real scope', () => {
		for (const [key, { scope }] of Object.entries(manifest.contributes.configuration.properties)) {
			assert.match(readme, new RegExp(`\\| \`${key.replace('.', '\\.')}\` \\| ${scope} \\|`), `${key} (${scope}) is missing or wrong in the README`);
		}
	});
});
