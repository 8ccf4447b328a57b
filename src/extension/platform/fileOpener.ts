import * as path from 'node:path';
import * as vscode from 'vscode';
import { openerFor } from './openerTable';

/** The system's apps live on this machine: not in a browser (code-server, vscode.dev) nor on a remote host. */
function systemAppsReachable(): boolean {
	return vscode.env.uiKind !== vscode.UIKind.Web && vscode.env.remoteName === undefined;
}

/**
 * Opens a downloaded file where it can be read: VS Code's editor for what it shows (text, code, images…), the
 * system's default app for the rest (PDF, Office, archives, audio, video); when the kind is unknown, or the
 * system's apps are out of reach, the user chooses.
 */
export async function openFile(uri: vscode.Uri, mime?: string): Promise<void> {
	const opener = openerFor(uri.fsPath, mime);
	if (opener === 'editor') {
		await vscode.commands.executeCommand('vscode.open', uri);
		return;
	}
	if (opener === 'system' && systemAppsReachable() && (await vscode.env.openExternal(uri))) {
		return;
	}
	const inEditor = vscode.l10n.t('Open in VS Code');
	const withSystem = vscode.l10n.t('Open with System App');
	const reveal = vscode.l10n.t('Reveal in Explorer');
	const name = path.basename(uri.fsPath);
	const choices = systemAppsReachable() ? [withSystem, inEditor] : [inEditor, reveal];
	const question = opener === 'system'
		? vscode.l10n.t('{0} cannot be opened with an app of this computer from here. Open it in VS Code anyway, or reveal it in the Explorer?', name)
		: vscode.l10n.t('How should {0} be opened?', name);
	const choice = await vscode.window.showInformationMessage(question, ...choices);
	if (choice === inEditor) {
		await vscode.commands.executeCommand('vscode.open', uri);
	} else if (choice === withSystem) {
		await vscode.env.openExternal(uri);
	} else if (choice === reveal) {
		await vscode.commands.executeCommand('revealInExplorer', uri);
	}
}
