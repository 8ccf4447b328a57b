import * as vscode from 'vscode';
import { isLarkError, toLarkError } from '../core/errors';
import type { Logger } from './logger';

/**
 * The funnel every command goes through: cancellation is silent, anything else becomes one short
 * message (with the Lark hint) and a "Show Log" action, and the full error goes to the log.
 */
export async function reportCommandError(error: unknown, commandId: string, logger: Logger): Promise<void> {
	const failure = toLarkError(error);
	if (failure.type === 'cancelled' || error instanceof vscode.CancellationError) {
		logger.info('commands', `${commandId} cancelled`);
		return;
	}
	logger.error('commands', `${commandId} failed: ${failure.type}${failure.code === undefined ? '' : ` ${failure.code}`}: ${failure.message}${failure.logId === undefined ? '' : ` (log id ${failure.logId})`}`, isLarkError(error) ? undefined : error);
	const showLog = vscode.l10n.t('Show Log');
	const text = failure.hint === undefined ? failure.message : `${failure.message} ${failure.hint}`;
	const choice = await vscode.window.showErrorMessage(text, showLog);
	if (choice === showLog) {
		logger.show();
	}
}

/** Wraps a command handler so no rejection escapes unreported. */
export function withErrorFunnel<A extends unknown[], R>(commandId: string, logger: Logger, handler: (...args: A) => Promise<R>): (...args: A) => Promise<R | undefined> {
	return async (...args: A) => {
		try {
			return await handler(...args);
		} catch (error) {
			await reportCommandError(error, commandId, logger);
			return undefined;
		}
	};
}
