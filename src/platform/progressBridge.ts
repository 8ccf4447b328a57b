import type * as vscode from 'vscode';
import type { DownloadEvent } from '../core/download/progress';
import { ProgressMeter } from '../core/download/progressMeter';

/** Feeds typed engine events into a withProgress reporter as byte-accurate increments. */
export function progressListener(progress: vscode.Progress<{ message?: string; increment?: number }>): (event: DownloadEvent) => void {
	const meter = new ProgressMeter();
	let lastMessageAt = 0;
	return (event) => {
		const step = meter.update(event);
		if (step === undefined) {
			return;
		}
		// Increments always go through; the text is throttled so the notification stays readable.
		const now = Date.now();
		if (event.kind !== 'progress' || now - lastMessageAt > 250) {
			lastMessageAt = now;
			progress.report({ increment: step.increment, message: step.message });
		} else if (step.increment > 0) {
			progress.report({ increment: step.increment });
		}
	};
}
