import * as vscode from 'vscode';
import { isLarkError, toLarkError } from '../../core/errors';
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
	const text = redactSecrets(failure.hint === undefined ? failure.message : `${failure.message} ${failure.hint}`);
	reporter.onShown?.(text);
	// Not awaited: the command finishes now; the message stays until the user dismisses it.
	void vscode.window.showErrorMessage(text, showLog).then((choice) => {
		if (choice === showLog) {
			logger.show();
		}
	});
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
