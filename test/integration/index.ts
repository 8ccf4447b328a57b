// Entry point of the integration suite inside the VS Code extension host (the `extensionTestsPath` module).
// Both runners (code-server + headless Chromium, and @vscode/test-electron) load this file and call run();
// the extension host exits 0 when the returned promise resolves and 1 when it rejects.
//
// Output: the code-server route receives the extension host's console through the workbench log stream,
// already joined and without printf-style formatting, mixed with the workbench's own lines. So every line is
// util.format'ed here and prefixed with $LARK_IT_LOG_PREFIX (set by the runner; unset under test-electron,
// which gets plain lines on stdout). The last line is "N passed, N failed, N skipped", which the runner parses.
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import Mocha from 'mocha';

function log(...args: unknown[]): void {
	const prefix = process.env.LARK_IT_LOG_PREFIX ?? '';
	for (const line of util.format(...args).split('\n')) {
		console.log(prefix + line);
	}
}

function testFiles(dir: string): string[] {
	return fs
		.readdirSync(dir, { recursive: true, encoding: 'utf8' })
		.filter((file) => file.endsWith('.test.js'))
		.sort()
		.map((file) => path.join(dir, file));
}

export function run(): Promise<void> {
	Mocha.reporters.Base.consoleLog = log;
	const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 20000 });
	const files = testFiles(__dirname);
	if (files.length === 0) {
		// A wrong path or a missed compile must not look like a green run.
		log(`no *.test.js files under ${__dirname}`);
		log('0 passed, 1 failed, 0 skipped');
		return Promise.reject(new Error('no integration tests found'));
	}
	for (const file of files) {
		mocha.addFile(file);
	}
	return new Promise((resolve, reject) => {
		try {
			const runner = mocha.run((failures) => {
				const { passes, pending } = runner.stats ?? { passes: 0, pending: 0 };
				log(`${passes} passed, ${failures} failed, ${pending} skipped`);
				if (failures > 0) {
					reject(new Error(`${failures} integration test(s) failed`));
				} else {
					resolve();
				}
			});
		} catch (error) {
			// e.g. a test file that throws while loading
			log(error);
			log('0 passed, 1 failed, 0 skipped');
			reject(error instanceof Error ? error : new Error(String(error)));
		}
	});
}
