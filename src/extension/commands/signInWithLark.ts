import * as vscode from 'vscode';
import { DEFAULT_SCOPES } from '../../core/auth/deviceFlow';
import { signedInNow } from '../platform/errorHandling';
import type { CommandContext } from './commandContext';

/**
 * Sign In with Lark Account…: the device flow of our own AuthenticationProvider, started directly
 * (the user asked for it, so VS Code's "allow this extension" prompt would only be noise). The new
 * session then shows in the Accounts menu and in vscode.authentication.getAccounts('lark').
 */
export async function signInWithLark(context: CommandContext): Promise<void> {
	const session = await context.auth.createSession([...DEFAULT_SCOPES]);
	await signedInNow();
	void vscode.window.showInformationMessage(vscode.l10n.t('Signed in to Lark as {0}.', session.account.label));
}
