import * as vscode from 'vscode';
import { isLarkError, toLarkError, type ErrorReason } from '../../core/errors';
import type { Logger } from './logger';
import { redactSecrets } from '../../core/secrets/secretRegistry';

export interface ErrorReporter {
	logger: Logger;
	/** Told the exact text of every message shown (the extension API re-exposes it for tests). */
	onShown?: (text: string) => void;
}

/**
 * The funnel every command goes through: cancellation is silent, anything else becomes one short
 * message (with the Lark hint) and a "Show Log" action, and the full error goes to the log.
 */
export function reportCommandError(error: unknown, commandId: string, reporter: ErrorReporter): void {
	const { logger } = reporter;
	const failure = toLarkError(error);
	if (failure.type === 'cancelled' || error instanceof vscode.CancellationError) {
		logger.info('commands', `${commandId} cancelled`);
		return;
	}
	logger.error('commands', `${commandId} failed: ${failure.type}${failure.code === undefined ? '' : ` ${failure.code}`}: ${failure.message}${failure.logId === undefined ? '' : ` (log id ${failure.logId})`}`, isLarkError(error) ? undefined : error);
	const showLog = vscode.l10n.t('Show Log');
	const advice = failure.reason === undefined ? undefined : adviceFor(failure.reason);
	const hint = advice?.hint ?? failure.hint;
	const text = redactSecrets(hint === undefined ? failure.message : `${failure.message} ${hint}`);
	reporter.onShown?.(text);
	const action = advice?.action;
	// Not awaited: the command finishes now; the message stays until the user dismisses it.
	void vscode.window.showErrorMessage(text, ...(action === undefined ? [] : [action.title]), showLog).then(async (choice) => {
		if (choice === showLog) {
			logger.show();
		} else if (action !== undefined && choice === action.title) {
			await vscode.commands.executeCommand(action.command);
		}
	});
}

interface Advice {
	hint: string;
	/** The one thing that fixes it, offered as the message's first button. */
	action?: { title: string; command: string };
}

/** The extension's words (in the user's language) and next step for the reasons core reports neutrally. */
function adviceFor(reason: ErrorReason): Advice {
	const signIn = { title: vscode.l10n.t('Sign In'), command: 'larkDownloader.signIn' };
	const signInWithLark = { title: vscode.l10n.t('Sign In with Lark'), command: 'larkDownloader.signInWithLark' };
	switch (reason) {
		case 'missing-credentials':
		case 'not-signed-in':
			return { hint: vscode.l10n.t('Sign in to Lark first.'), action: signIn };
		case 'sign-in-again':
			return { hint: vscode.l10n.t('Your Lark sign-in has ended: sign in again.'), action: signInWithLark };
		case 'wrong-app-credentials':
			return { hint: vscode.l10n.t('The App ID or App Secret is wrong: sign in again with the right ones.'), action: signIn };
		case 'not-in-chat':
			return { hint: vscode.l10n.t('Add the app\'s bot to this chat in Lark, or sign in with your own Lark account.'), action: signInWithLark };
		case 'p2p-needs-user':
			return { hint: vscode.l10n.t('Sign in with your Lark account to see one-to-one chats.'), action: signInWithLark };
		case 'file-exists':
			return { hint: vscode.l10n.t('Choose Keep Both or Replace, or change the Conflict Policy setting.') };
	}
}

/** Wraps a command handler so no rejection escapes unreported. */
export function withErrorFunnel<A extends unknown[], R>(commandId: string, reporter: ErrorReporter, handler: (...args: A) => Promise<R>): (...args: A) => Promise<R | undefined> {
	return async (...args: A) => {
		try {
			return await handler(...args);
		} catch (error) {
			reportCommandError(error, commandId, reporter);
			return undefined;
		}
	};
}
