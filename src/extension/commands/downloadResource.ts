import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import type { DownloadResourceArgs } from './commandIds';
import { promptForResource } from './resourcePrompts';
import { openFile } from '../platform/fileOpener';

/** Lark: Download Message Resource… — the seed command in the palette. Returns the saved path. */
export async function downloadResource(context: CommandContext, args: DownloadResourceArgs = {}): Promise<string> {
	// Signed out: say so (with Sign In) before asking anything.
	await context.connection.require();
	const { ref, output } = await promptForResource(args, vscode.l10n.t('Lark: Download Message Resource'));
	const { uri, alreadyThere } = await context.downloads.download({ ref, output });
	if (!alreadyThere) {
		offerOpen(uri);
	}
	return uri.fsPath;
}

/** A non-blocking "Open / Reveal" offer after a download. */
export function offerOpen(uri: vscode.Uri): void {
	const open = vscode.l10n.t('Open');
	const reveal = vscode.l10n.t('Reveal in Explorer');
	void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}', vscode.workspace.asRelativePath(uri)), open, reveal).then(async (choice) => {
		if (choice === open) {
			await openFile(uri);
		} else if (choice === reveal) {
			await vscode.commands.executeCommand('revealInExplorer', uri);
		}
	});
}
