import * as vscode from 'vscode';
import type { ArchiveSummary } from '../../core/app/archiveRun';
import { attachmentId, type Chat, type Message } from '../../core/lark/model';
import { adviseOn, withSubject } from '../platform/errorAdvice';
import { reportCommandError } from '../platform/errorHandling';
import type { BulkChoice } from '../services/archiveService';
import { downloadFolderOf, type DownloadTarget } from '../services/workspaceTarget';
import type { CommandContext } from './commandContext';

/** What a bulk run was, so its summary can offer Retry Failed (the same run, only the failed files) and Open Folder. */
export interface BulkRun {
	/** The messages the run was given (the failed attachments are looked up in them). */
	messages: readonly Message[];
	title: string;
	chat: Chat;
	target: DownloadTarget;
	choice?: BulkChoice;
}

/** How many failed files a summary names before "and N more". */
const NAMED_FAILURES = 3;

/** "a.pdf, b.png, c.zip and 4 more": the first few names of a list. */
export function nameList(names: readonly string[], max = NAMED_FAILURES): string {
	if (names.length <= max) {
		return names.join(', ');
	}
	return vscode.l10n.t('{0} and {1} more', names.slice(0, max).join(', '), names.length - max);
}

/** The run's messages, each keeping only its attachments that failed: what Retry Failed downloads again. */
export function failedMessages(summary: Pick<ArchiveSummary, 'failed'>, messages: readonly Message[]): Message[] {
	const failed = new Set(summary.failed.map((item) => attachmentId(item.attachment)));
	return messages.flatMap((message) => {
		const attachments = message.attachments.filter((attachment) => failed.has(attachmentId(attachment)));
		return attachments.length === 0 ? [] : [{ ...message, attachments }];
	});
}

/**
 * One short summary instead of a popup per file; details go to the log. Failures are named (the first few) with
 * the first one's cause; Retry Failed runs the same download for just those files, Open Folder shows the folder.
 */
export function reportSummary(context: CommandContext, summary: ArchiveSummary, run?: BulkRun): void {
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
	const buttons: { title: string; run: () => Thenable<unknown> }[] = [];
	const retry = run === undefined ? [] : failedMessages(summary, run.messages);
	if (run !== undefined && retry.length > 0) {
		buttons.push({ title: vscode.l10n.t('Retry Failed'), run: () => retryFailed(context, { ...run, messages: retry }) });
	}
	if (run !== undefined && (summary.saved.length > 0 || summary.alreadySaved.length > 0 || summary.failed.length > 0)) {
		buttons.push({ title: vscode.l10n.t('Open Folder'), run: () => vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(downloadFolderOf(run.target))) });
	}
	const first = summary.failed[0];
	if (first !== undefined) {
		if (summary.failed.length > 1) {
			parts.push(vscode.l10n.t('Failed: {0}.', nameList(summary.failed.map((item) => item.attachment.name ?? item.attachment.key))));
		}
		parts.push(withSubject(first.attachment.name ?? first.attachment.key, adviseOn(first.error).text));
		buttons.push({ title: vscode.l10n.t('Show Log'), run: () => Promise.resolve(context.logger.show()) });
	}
	const text = parts.join(' ');
	const titles = buttons.map((button) => button.title);
	const shown = first === undefined ? vscode.window.showInformationMessage(text, ...titles) : vscode.window.showWarningMessage(text, ...titles);
	void shown.then(async (choice) => {
		await buttons.find((button) => button.title === choice)?.run();
	});
}

/** Retry Failed: the run again over only the attachments that failed; its own summary follows. */
async function retryFailed(context: CommandContext, run: BulkRun): Promise<void> {
	try {
		const summary = await context.archive.downloadMany(run.messages, run.title, run.chat, run.choice?.force === true ? { force: true } : {}, run.target);
		reportSummary(context, summary, run);
	} catch (error) {
		reportCommandError(error, 'retry failed', { logger: context.logger }, () => retryFailed(context, run));
	}
}
