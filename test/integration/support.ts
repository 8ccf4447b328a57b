import * as assert from 'assert';
import * as vscode from 'vscode';
import type { LarkDownloaderApi } from '../../src/extension/api';

export const EXTENSION_ID = 'lark-downloader.lark-downloader';
export const CHANNEL_NAME = 'Lark Downloader';

/** Polls `probe` until it returns something other than undefined, or fails naming `what`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) {
			return value;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

export function extension(): vscode.Extension<LarkDownloaderApi> {
	const ext = vscode.extensions.getExtension<LarkDownloaderApi>(EXTENSION_ID);
	assert.ok(ext, `${EXTENSION_ID} is not loaded in the extension host`);
	return ext;
}

export async function api(): Promise<LarkDownloaderApi> {
	return extension().activate();
}

/**
 * The text of the extension's log channel, read the way a user sees it: the workbench's
 * "Output: Show <channel>" command, then the `output:` document.
 */
export async function readLog(mustMatch: RegExp): Promise<string> {
	const showCommand = await waitFor('the output channel to be registered', async () =>
		(await vscode.commands.getCommands(false)).find((id) => id.startsWith('workbench.action.output.show.') && id.includes(EXTENSION_ID) && id.includes(CHANNEL_NAME)));
	await vscode.commands.executeCommand(showCommand);
	return waitFor(`${String(mustMatch)} in the log`, () => {
		const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && decodeURIComponent(d.uri.path).includes(CHANNEL_NAME));
		return doc && mustMatch.test(doc.getText()) ? doc.getText() : undefined;
	});
}
