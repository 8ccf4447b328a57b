import type * as vscode from 'vscode';

/**
 * An AbortSignal that aborts when the VS Code token is cancelled, or when `also` aborts (e.g. a
 * "cancel all"); dispose to detach.
 */
export function abortSignalFrom(token: vscode.CancellationToken, also?: AbortSignal): { signal: AbortSignal; dispose(): void } {
	const controller = new AbortController();
	const abort = (): void => {
		controller.abort();
	};
	if (token.isCancellationRequested || also?.aborted === true) {
		abort();
	}
	const listener = token.onCancellationRequested(abort);
	also?.addEventListener('abort', abort, { once: true });
	return {
		signal: controller.signal,
		dispose: () => {
			listener.dispose();
			also?.removeEventListener('abort', abort);
		},
	};
}

/** One "cancel everything that runs" for all download services: aborting replaces the signal for what starts next. */
export class CancelAllSwitch {
	private controller = new AbortController();

	get signal(): AbortSignal {
		return this.controller.signal;
	}

	cancelAll(): void {
		this.controller.abort();
		this.controller = new AbortController();
	}
}
