import * as vscode from 'vscode';
import { isLarkError, toLarkError } from '../../core/errors';
import { adviseOn, withSubject } from './errorAdvice';
import type { Logger } from './logger';
import { redactSecrets } from '../../core/secrets/secretRegistry';

const SUBJECT = Symbol('larkDownloader.errorSubject');

/**
 * Marks what a failure is about (the file being downloaded) where it is known best, e.g. after the palette asked
 * for the file key: the funnel names it first. The first mark wins.
 */
export function aboutSubject<E>(error: E, subject: string | undefined): E {
	if (subject !== undefined && typeof error === 'object' && error !== null && !Object.hasOwn(error, SUBJECT)) {
		Object.defineProperty(error, SUBJECT, { value: subject, enumerable: false });
	}
	return error;
}

function subjectMarkedOn(error: unknown): string | undefined {
	const value = typeof error === 'object' && error !== null ? (error as { [SUBJECT]?: unknown })[SUBJECT] : undefined;
	return typeof value === 'string' ? value : undefined;
}

export interface ErrorReporter {
	logger: Logger;
	/** Told the exact text of every message shown (the extension API re-exposes it for tests). */
	onShown?: (text: string) => void;
}

/**
 * The funnel every command goes through: cancellation is silent, anything else becomes one short message in
 * the user's language with the action that helps (Sign In, Try Again, Open Settings) and "Show Log"; the full
 * error goes to the log. `retry` runs the same command again with the same arguments; `subject` (the file or
 * chat the command acted on) is named first.
 */
export function reportCommandError(error: unknown, commandId: string, reporter: ErrorReporter, retry?: () => Thenable<unknown>, subject?: string): void {
	const { logger } = reporter;
	const failure = toLarkError(error);
	if (failure.type === 'cancelled' || error instanceof vscode.CancellationError) {
		logger.info('commands', `${commandId} cancelled`);
		return;
	}
	logger.error('commands', `${commandId} failed: ${failure.type}${failure.reason === undefined ? '' : ` (${failure.reason})`}${failure.code === undefined ? '' : ` ${failure.code}`}: ${failure.message}${failure.logId === undefined ? '' : ` (log id ${failure.logId})`}`, isLarkError(error) ? undefined : error);
	const advice = adviseOn(failure);
	const action = advice.action;
	// "Sign in first" is not about the file: without a subject, VS Code shows one such message, not one per file.
	const signIn = action !== undefined && SIGN_IN_COMMANDS.has(action.command);
	const text = redactSecrets(signIn ? advice.text : withSubject(subjectMarkedOn(error) ?? subject, advice.text));
	reporter.onShown?.(text);
	const buttons: { title: string; run: () => Thenable<unknown> }[] = [];
	if (action !== undefined) {
		buttons.push({ title: action.title, run: () => vscode.commands.executeCommand(action.command, ...(action.args ?? [])) });
	}
	if (advice.worthRetrying && retry !== undefined) {
		buttons.push({ title: vscode.l10n.t('Try Again'), run: retry });
	}
	buttons.push({ title: vscode.l10n.t('Show Log'), run: () => Promise.resolve(logger.show()) });
	if (signIn) {
		signInMessagesOpen++;
	}
	// Not awaited: the command finishes now; the message stays until the user dismisses it.
	void vscode.window.showErrorMessage(text, ...buttons.map((button) => button.title)).then(async (choice) => {
		if (signIn) {
			signInMessagesOpen = Math.max(0, signInMessagesOpen - 1);
		}
		await buttons.find((button) => button.title === choice)?.run();
	});
}

const SIGN_IN_COMMANDS = new Set(['larkDownloader.signIn', 'larkDownloader.signInWithLark']);

/** "Sign in first" error messages still open (an error with buttons stays until the user closes it). */
let signInMessagesOpen = 0;

/** How many "sign in first" messages are still on screen or in the notification center. */
export function openSignInMessages(): number {
	return signInMessagesOpen;
}

/**
 * Called once signed in: an extension cannot close one message, so when a "sign in first" message is still up,
 * the toasts are tucked into the notification center (nothing is lost there) and the success message that
 * follows is what the user sees.
 */
export async function signedInNow(): Promise<void> {
	if (signInMessagesOpen > 0) {
		await vscode.commands.executeCommand('notifications.hideToasts');
	}
}

/** Wraps a command handler so no rejection escapes unreported; `subjectOf` names what the arguments point at. */
export function withErrorFunnel<A extends unknown[], R>(commandId: string, reporter: ErrorReporter, handler: (...args: A) => Promise<R>, subjectOf?: (args: readonly unknown[]) => string | undefined): (...args: A) => Promise<R | undefined> {
	return async (...args: A) => {
		try {
			return await handler(...args);
		} catch (error) {
			let subject: string | undefined;
			try {
				subject = subjectOf?.(args);
			} catch {
				subject = undefined;
			}
			reportCommandError(error, commandId, reporter, () => vscode.commands.executeCommand(commandId, ...args), subject);
			return undefined;
		}
	};
}
