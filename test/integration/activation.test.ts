// The extension loads from this checkout, activates without throwing and writes its activation message to
// its "Lark Downloader" log output channel. Runs in a real extension host (see docs/testing.md).
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { CHANNEL_NAME, EXTENSION_ID, extension, readLog } from './support';

const ACTIVATED = /\bactivated\b/i; // activate() logs a line saying so, e.g. "[extension] Activated (VS Code …)"
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..'); // out/test/integration -> repo

describe('extension activation', function () {
	this.timeout(30000);

	it('is loaded from this checkout', () => {
		const ext = extension();
		assert.strictEqual(path.resolve(ext.extensionPath), REPO_ROOT);
		const manifest = ext.packageJSON as { publisher?: unknown; name?: unknown; main?: unknown };
		assert.strictEqual(`${String(manifest.publisher)}.${String(manifest.name)}`, EXTENSION_ID);
		assert.strictEqual(manifest.main, './dist/extension.js');
	});

	it('activates without error', async () => {
		const ext = extension();
		await ext.activate(); // rejects if activate() throws or dist/extension.js fails to load
		assert.strictEqual(ext.isActive, true);
	});

	it(`logs to its "${CHANNEL_NAME}" output channel`, async () => {
		await extension().activate();
		assert.match(await readLog(ACTIVATED), ACTIVATED);
	});

	it('runs with the fixture workspace open', () => {
		const folders = vscode.workspace.workspaceFolders ?? [];
		assert.strictEqual(folders.length, 1, 'exactly one workspace folder');
		assert.notStrictEqual(path.resolve(folders[0]?.uri.fsPath ?? ''), REPO_ROOT, 'tests must not run in the repository itself');
	});
});
