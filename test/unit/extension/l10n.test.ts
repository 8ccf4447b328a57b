import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const extractor = path.join(root, 'scripts', 'extract-l10n.js');
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as T;
const placeholders = (text: string): string[] => [...new Set(text.match(/\{\d+\}/g) ?? [])].sort();

/** Runs scripts/extract-l10n.js with `args`; its exit status and combined output. */
function runExtractor(...args: string[]): { status: number | null; output: string } {
	const result = spawnSync(process.execPath, [extractor, ...args], { cwd: root, encoding: 'utf8', timeout: 60000 });
	return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('l10n bundles (l10n/bundle.l10n*.json)', () => {
	const english = readJson<Record<string, string>>('l10n/bundle.l10n.json');
	const chinese = readJson<Record<string, string>>('l10n/bundle.l10n.zh-cn.json');

	it('package.json "l10n" points at the l10n folder that holds the bundle', () => {
		const manifest = readJson<{ l10n?: string }>('package.json');
		assert.equal(manifest.l10n, './l10n');
		assert.ok(fs.statSync(path.join(root, manifest.l10n, 'bundle.l10n.json')).isFile());
	});

	it('bundle.l10n.json is up to date with the vscode.l10n.t calls in src (node scripts/extract-l10n.js --check)', () => {
		const { status, output } = runExtractor('--check');
		assert.equal(status, 0, `l10n/bundle.l10n.json is stale; run \`node scripts/extract-l10n.js\` and translate the new keys:\n${output}`);
		assert.ok(Object.keys(english).length > 0);
		for (const [key, value] of Object.entries(english)) {
			assert.equal(value, key, 'the English bundle maps each message to itself');
		}
	});

	it('bundle.l10n.zh-cn.json translates exactly the keys of bundle.l10n.json', () => {
		assert.deepEqual(Object.keys(chinese).sort(), Object.keys(english).sort());
		for (const [key, value] of Object.entries(chinese)) {
			assert.ok(typeof value === 'string' && value.trim() !== '', `empty translation for ${JSON.stringify(key)}`);
		}
	});

	it('every {n} placeholder of a message appears in its translation (and no other)', () => {
		for (const [key, value] of Object.entries(chinese)) {
			assert.deepEqual(placeholders(value), placeholders(key), `placeholders differ for ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
		}
	});

	it('runtime strings that repeat a command title translate it as package.nls.zh-cn.json does', () => {
		const nls = readJson<Record<string, string>>('package.nls.json');
		const nlsZh = readJson<Record<string, string>>('package.nls.zh-cn.json');
		const category = `${nls.category}: `;
		const categoryZh = `${nlsZh.category}: `;
		const bare = (title: string) => title.replace(/…$/, '');
		let compared = 0;
		for (const [key, title] of Object.entries(nls)) {
			const titleZh = nlsZh[key];
			if (!key.startsWith('command.') || titleZh === undefined) {
				continue;
			}
			// A button labelled like the command ("Show Log"), or a prompt titled "Lark: <command>" as in the palette.
			for (const [message, expected] of [[title, titleZh], [category + bare(title), categoryZh + bare(titleZh)]] as const) {
				if (Object.hasOwn(chinese, message)) {
					assert.equal(chinese[message], expected, `${JSON.stringify(message)} should match ${key} in package.nls.zh-cn.json`);
					compared++;
				}
			}
		}
		assert.ok(compared >= 3, `expected some runtime strings to repeat command titles, found ${compared}`);
	});

	describe('scripts/extract-l10n.js', function () {
		this.timeout(60000);
		let tmp: string;
		const write = (file: string, text: string) => {
			fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
			fs.writeFileSync(path.join(tmp, file), text);
		};

		beforeEach(() => {
			tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lark-l10n-'));
		});
		afterEach(() => {
			fs.rmSync(tmp, { recursive: true, force: true });
		});

		it('reads single-, double-quoted and plain template literals with their escapes, skipping comments, src/core and src/cli', () => {
			write('src/commands/a.ts', [
				"import * as vscode from 'vscode';",
				"// vscode.l10n.t('in a comment')",
				"export const a = vscode.l10n.t('It\\'s {0}', 'x');",
				'export const b = vscode.l10n.t("Say \\"hi\\"");',
				'export const c = vscode.l10n.t(`Plain template`);',
				"export const d = /vscode.l10n.t\\('regex'\\)/;",
				"export const e = vscode.l10n.t(",
				"\t'Split over lines {0} {1}',",
				"\t1, 2);",
				"export const f = vscode.l10n.t('It\\'s {0}', 'again');",
			].join('\n'));
			write('src/core/b.ts', "export const x = l10n.t('core is vscode-free');\n");
			write('src/cli/c.ts', "export const x = l10n.t('so is the cli');\n");
			const { status, output } = runExtractor('--root', tmp);
			assert.equal(status, 0, output);
			const text = fs.readFileSync(path.join(tmp, 'l10n', 'bundle.l10n.json'), 'utf8');
			const expected = ['It\'s {0}', 'Plain template', 'Say "hi"', 'Split over lines {0} {1}'];
			assert.equal(text, `${JSON.stringify(Object.fromEntries(expected.map((m) => [m, m])), undefined, 2)}\n`);
			assert.equal(runExtractor('--root', tmp, '--check').status, 0);
		});

		it('--check lists what is missing or no longer used', () => {
			write('src/a.ts', "import * as vscode from 'vscode';\nexport const a = vscode.l10n.t('New');\n");
			write('l10n/bundle.l10n.json', '{\n  "Old": "Old"\n}\n');
			const { status, output } = runExtractor('--root', tmp, '--check');
			assert.equal(status, 1);
			assert.match(output, /missing: "New"/);
			assert.match(output, /no longer used: "Old"/);
			assert.equal(fs.readFileSync(path.join(tmp, 'l10n', 'bundle.l10n.json'), 'utf8'), '{\n  "Old": "Old"\n}\n', '--check writes nothing');
		});

		it('fails, naming the place, when a message is not a plain literal', () => {
			write('src/a.ts', [
				"import * as vscode from 'vscode';",
				'const name = "x";',
				'export const a = vscode.l10n.t(`Hello ${name}`);',
				'export const b = vscode.l10n.t(name);',
				"export const c = vscode.l10n.t('a' + name);",
			].join('\n'));
			const { status, output } = runExtractor('--root', tmp);
			assert.equal(status, 1);
			assert.match(output, /src\/a\.ts:3:\d+: .*template literal with \$\{…\}/);
			assert.match(output, /src\/a\.ts:4:\d+: .*plain string literal/);
			assert.match(output, /src\/a\.ts:5:\d+: .*plain string literal/);
			assert.ok(!fs.existsSync(path.join(tmp, 'l10n')), 'nothing is written when extraction fails');
		});
	});
});

describe('no CLI flag or environment variable in the extension\'s UI', () => {
	it('no runtime string (l10n bundles) nor manifest string (package.nls) mentions --flags, LARK_ variables or lark-dl', () => {
		const files = ['l10n/bundle.l10n.json', 'l10n/bundle.l10n.zh-cn.json', 'package.nls.json', 'package.nls.zh-cn.json'];
		const offending: string[] = [];
		for (const file of files) {
			for (const [key, value] of Object.entries(readJson<Record<string, string>>(file))) {
				if (/--[a-z]|LARK_|lark-dl/.test(value)) {
					offending.push(`${file} ${key}: ${value}`);
				}
			}
		}
		assert.deepEqual(offending, []);
	});
});
