import * as vscode from 'vscode';
import { durationParts, type ProgressStatus } from '../../core/download/progressMeter';
import { formatBytes } from '../../core/util/formatBytes';

/** A download's progress in the user's language, for the line under the notification's title. */
export function progressText(status: ProgressStatus): string {
	switch (status.kind) {
		case 'started':
			return status.fileName;
		case 'transferring': {
			const done = status.totalBytes === undefined ? formatBytes(status.bytesDone) : vscode.l10n.t('{0} of {1}', formatBytes(status.bytesDone), formatBytes(status.totalBytes));
			const parts = [done, vscode.l10n.t('{0}/s', formatBytes(status.bytesPerSecond))];
			if (status.secondsLeft !== undefined) {
				parts.push(vscode.l10n.t('{0} left', duration(status.secondsLeft)));
			}
			return parts.join(' · ');
		}
		case 'retrying':
			return vscode.l10n.t('retrying ({0}) in {1} s', status.attempt, status.delaySeconds);
		case 'restarted':
			return status.cause === 'range-ignored'
				? vscode.l10n.t('The server ignored a range request; downloading the whole file again.')
				: vscode.l10n.t('The file changed since the interrupted download; starting over.');
		case 'finished':
			return `${status.fileName} — ${formatBytes(status.sizeBytes)}`;
	}
}

/** A bulk run's line: "3 of 12 files · 1 failed · 4.2 MB · 1.1 MB/s · 2 min 5 s left". */
export function bulkProgressText(progress: { finished: number; total: number; failed: number; bytesDone: number; bytesPerSecond: number; secondsLeft: number | undefined }): string {
	const parts = [vscode.l10n.t('{0} of {1} files', progress.finished, progress.total)];
	if (progress.failed > 0) {
		parts.push(vscode.l10n.t('{0} failed', progress.failed));
	}
	parts.push(formatBytes(progress.bytesDone));
	if (progress.bytesPerSecond > 0) {
		parts.push(vscode.l10n.t('{0}/s', formatBytes(progress.bytesPerSecond)));
	}
	if (progress.secondsLeft !== undefined && progress.finished < progress.total) {
		parts.push(vscode.l10n.t('{0} left', duration(progress.secondsLeft)));
	}
	return parts.join(' · ');
}

/** "2 min 5 s", "45 s", "1 h 3 min". */
export function duration(seconds: number): string {
	const parts = durationParts(seconds);
	if (parts.hours > 0) {
		return vscode.l10n.t('{0} h {1} min', parts.hours, parts.minutes);
	}
	return parts.minutes > 0 ? vscode.l10n.t('{0} min {1} s', parts.minutes, parts.seconds) : vscode.l10n.t('{0} s', parts.seconds);
}
