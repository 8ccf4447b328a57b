import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';

/** Removes every stored secret (app credentials and the user session); the tree returns to its welcome view. */
export async function signOut(context: CommandContext): Promise<void> {
	await context.sessions.clear();
	await context.credentials.clear();
	context.logger.info('auth', 'Signed out');
	void vscode.window.showInformationMessage(vscode.l10n.t('Signed out of Lark.'));
}
