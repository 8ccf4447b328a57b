import * as vscode from 'vscode';
import type { ArchiveSummary } from '../../core/app/archiveRun';
import { adviseOn } from '../platform/errorAdvice';
import type { CommandContext } from './commandContext';

/** One short summary instead of a popup per file; details go to the log. */
export function reportSummary(context: CommandContext, summary: ArchiveSummary): void {
	const parts = [vscode.l10n.t('Saved {0}, failed {1}, skipped {2} (not downloadable).', summary.saved.length, summary.failed.length, summary.skipped.length)];
	if (summary.alreadySaved.length > 0) {
		parts.push(vscode.l10n.t('{0} were already downloaded.', summary.alreadySaved.length));
	}
	if (summary.keptEdited.length > 0) {
		parts.push(vscode.l10n.t('{0} files you changed were kept; the downloaded copies are beside them.', summary.keptEdited.length));
	}
	for (const kept of summary.keptEdited) {
		context.logger.info('download', `kept your edited ${kept.keptPath}; saved the download as ${kept.savedPath}`);
	}
	const text = parts.join(' ');
	if (summary.failed.length === 0) {
		void vscode.window.showInformationMessage(text);
		return;
	}
	const first = summary.failed[0]?.error;
	const showLog = vscode.l10n.t('Show Log');
	void vscode.window.showWarningMessage(`${text} ${first === undefined ? '' : adviseOn(first).text}`.trim(), showLog).then((choice) => {
		if (choice === showLog) {
			context.logger.show();
		}
	});
}
