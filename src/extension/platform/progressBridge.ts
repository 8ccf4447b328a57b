import type * as vscode from 'vscode';
import type { DownloadEvent } from '../../core/download/progress';
import { ProgressMeter, type ProgressStatus } from '../../core/download/progressMeter';

/**
 * Feeds typed engine events into a withProgress reporter as byte-accurate increments, with the text `describe`
 * gives each status (progressText.ts: the user's language; kept apart so this runs in plain Node too).
 */
export function progressListener(progress: vscode.Progress<{ message?: string; increment?: number }>, describe: (status: ProgressStatus) => string): (event: DownloadEvent) => void {
	const meter = new ProgressMeter();
	let lastMessageAt = 0;
	let lastMessage: string | undefined;
	return (event) => {
		const step = meter.update(event);
		const message = describe(step.status);
		// Increments always go through; the text is throttled so the notification stays readable.
		const now = Date.now();
		if (event.kind !== 'progress' || now - lastMessageAt > 250) {
			lastMessageAt = now;
			lastMessage = message;
			progress.report({ increment: step.increment, message });
		} else if (step.increment > 0) {
			// A report without a message makes VS Code show the bare title again: repeat the last text.
			progress.report({ increment: step.increment, message: lastMessage });
		}
	};
}
