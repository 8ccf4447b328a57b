import * as vscode from 'vscode';
import { downloadIntoArchive } from '../../core/app/archiveDownload';
import { planArchive, type ArchivePlan, type AttachmentFilter } from '../../core/app/archivePlan';
import type { ArchiveSummary } from '../../core/app/archiveRun';
import { exportChat, type ExportResult } from '../../core/app/exportChat';
import { syncChat, type SyncResult } from '../../core/app/syncChat';
import { manifestPath, readManifest } from '../../core/archive/manifestStore';
import { verifyArchive, type VerifyReport } from '../../core/archive/verifyArchive';
import type { BulkEvent } from '../../core/bulk/bulkDownload';
import type { Chat, Message } from '../../core/lark/model';
import { formatBytes } from '../../core/util/formatBytes';
import { pathExists } from '../../core/util/pathExists';
import { abortSignalFrom, type CancelAllSwitch } from '../platform/cancellation';
import type { DownloadStatusBar, TransferHandle } from '../platform/downloadStatusBar';
import type { Logger } from '../platform/logger';
import { bulkProgressText } from '../platform/progressText';
import { RateMeter, secondsLeft } from '../platform/rateMeter';
import type { DownloadIndex } from '../storage/downloadIndex';
import type { Settings } from '../storage/settings';
import type { LarkConnection } from './larkConnection';
import { nameTemplateOf } from './nameTemplateSetting';
import { downloadFolderOf, downloadFolders, resolveDownloadTarget, type DownloadTarget } from './workspaceTarget';

/** What a bulk download fetches: only some kinds or senders; `force` fetches what the folder has again. */
export interface BulkChoice {
	filter?: AttachmentFilter;
	force?: boolean;
}

/** What a sync looks at: only some kinds or senders (each with its own cursor), or a time range (no cursor). */
export interface SyncScope {
	filter?: AttachmentFilter;
	start?: Date;
	end?: Date;
}

type Progress = vscode.Progress<{ message?: string; increment?: number }>;

/** A bulk run's progress: the notification, the status bar item's entry, and the speed over the last seconds. */
interface BulkProgressSink extends Progress {
	transfer: TransferHandle | undefined;
	meter: RateMeter;
}

/**
 * Many files at once into the download folder and its record, for the tree's Download All and Sync Chat: what
 * the folder has is skipped, each saved file is recorded; plus the plan ("know before you start") and Verify.
 */
export class ArchiveService {
	constructor(
		private readonly connection: LarkConnection,
		private readonly settings: Settings,
		private readonly index: DownloadIndex,
		private readonly logger: Logger,
		private readonly cancelSwitch: CancelAllSwitch,
		private readonly transfers?: DownloadStatusBar,
	) {}

	/** What downloading these messages' attachments would fetch and skip (no request). */
	async plan(target: DownloadTarget, messages: readonly Message[], filter?: AttachmentFilter): Promise<ArchivePlan> {
		const folder = downloadFolderOf(target);
		return planArchive(folder, await readManifest(folder), messages, filter === undefined ? {} : { filter });
	}

	/** Downloads the attachments of `messages` (listed in `chat`) that the folder does not have yet, with one progress. */
	async downloadMany(messages: readonly Message[], title: string, chat: Chat, choice: BulkChoice = {}, target?: DownloadTarget): Promise<ArchiveSummary> {
		const connection = await this.connection.require();
		const into = target ?? (await resolveDownloadTarget(this.settings));
		this.logger.info('download', `${title}: ${messages.length} message(s) into ${downloadFolderOf(into)}`);
		const summary = await this.withBulkProgress(title, async (progress, signal) => {
			const { summary: done } = await downloadIntoArchive(connection.engine, messages, {
				...this.runOptions(into, chat, progress, signal),
				...(choice.filter === undefined ? {} : { filter: choice.filter }),
				force: choice.force === true,
			});
			return done;
		});
		if (summary === undefined) {
			throw new vscode.CancellationError();
		}
		return summary;
	}

	/** Sync Chat: only what is new since the last sync of this chat into this folder (shared with `lark-dl sync`). */
	async sync(chat: Chat, into?: DownloadTarget, scope: SyncScope = {}): Promise<SyncResult> {
		const connection = await this.connection.require();
		const target = into ?? (await resolveDownloadTarget(this.settings));
		return this.withBulkProgress(vscode.l10n.t('Syncing {0}', chat.name), (progress, signal) =>
			syncChat(connection.client, connection.engine, chat.id, {
				...this.runOptions(target, chat, progress, signal),
				...scope,
				senderNames: connection.senderNames,
				onListed: ({ messages }) => progress.report({ message: vscode.l10n.t('{0} new messages', messages) }),
				confirm: (plan) => {
					progress.report({ message: planText(plan) });
					return true;
				},
			}));
	}

	/**
	 * Export Chat as Markdown: the new messages' attachments into the download folder first (or reused from its
	 * record), then what is new appended to `<chat>.md` there (shared with `lark-dl export`).
	 */
	async exportMarkdown(chat: Chat): Promise<ExportResult> {
		const connection = await this.connection.require();
		const target = await resolveDownloadTarget(this.settings);
		const result = await this.withBulkProgress(vscode.l10n.t('Exporting {0} as Markdown', chat.name), (progress, signal) =>
			exportChat(connection.client, connection.engine, chat.id, {
				...this.runOptions(target, chat, progress, signal),
				perMonth: this.settings.exportPerMonth(target.folder.uri),
				senderNames: connection.senderNames,
				onListed: ({ messages }) => progress.report({ message: vscode.l10n.t('{0} new messages', messages) }),
				confirm: (plan) => {
					progress.report({ message: planText(plan) });
					return true;
				},
			}));
		for (const notice of result.unlisted) {
			this.logger.warn('export', notice.message);
		}
		this.logger.info('export', `${chat.name}: ${result.messagesWritten} message(s) and ${result.attachmentsLinked} attachment link(s) written to ${result.files.map((file) => file.path).join(', ')}`);
		return result;
	}

	/** Verify Downloads: every download folder with a record, re-hashed against it. */
	async verify(): Promise<{ folder: string; report: VerifyReport }[]> {
		const folders: string[] = [];
		for (const folder of downloadFolders(this.settings)) {
			if (await pathExists(manifestPath(folder))) {
				folders.push(folder);
			}
		}
		return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Verifying downloads'), cancellable: true }, async (progress, token) => {
			const abort = abortSignalFrom(token, this.cancelSwitch.signal);
			try {
				const reports: { folder: string; report: VerifyReport }[] = [];
				for (const folder of folders) {
					reports.push({ folder, report: await verifyArchive(folder, { signal: abort.signal, onProgress: (done, total) => progress.report({ message: vscode.l10n.t('{0} of {1} files', done, total) }) }) });
				}
				return reports;
			} finally {
				abort.dispose();
			}
		});
	}

	private runOptions(target: DownloadTarget, chat: Chat, progress: BulkProgressSink, signal: AbortSignal) {
		const setting = this.settings.conflictPolicy(target.folder.uri);
		return {
			root: target.root,
			folder: target.directory,
			template: nameTemplateOf(this.settings, target),
			chatNameOf: () => Promise.resolve(chat.name),
			// "ask" cannot ask per file in a bulk run: what the folder has is skipped, a name taken by another file gets a number.
			onConflict: setting === 'ask' ? 'rename' as const : setting,
			concurrency: this.settings.concurrency(),
			partConcurrency: this.settings.partConcurrency(),
			partSize: this.settings.partSizeBytes(),
			signal,
			onEvent: this.progressReporter(progress),
		};
	}

	/** One cancellable notification for the whole run, and the run in the status bar item (which can cancel it too). */
	private async withBulkProgress<T>(title: string, task: (progress: BulkProgressSink, signal: AbortSignal) => Promise<T>): Promise<T> {
		const stop = new AbortController();
		const stopAll = (): void => stop.abort();
		const cancelAll = this.cancelSwitch.signal;
		cancelAll.addEventListener('abort', stopAll, { once: true });
		const transfer = this.transfers?.start(title, stopAll);
		try {
			return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
				const abort = abortSignalFrom(token, stop.signal);
				try {
					return await task({ report: (value) => progress.report(value), transfer, meter: new RateMeter() }, abort.signal);
				} finally {
					abort.dispose();
				}
			});
		} finally {
			cancelAll.removeEventListener('abort', stopAll);
			transfer?.finish();
			await this.index.reload();
		}
	}

	private progressReporter(progress: BulkProgressSink): (event: BulkEvent) => void {
		let reported = 0;
		return (event) => {
			if (event.kind === 'item-finished' && event.result.status === 'failed') {
				this.logger.warn('download', `${event.result.attachment.messageId}/${event.result.attachment.key} failed: ${event.result.error.type}: ${event.result.error.message}`);
			}
			if (event.kind !== 'progress') {
				return;
			}
			const p = event.progress;
			const finished = p.saved + p.failed + p.skipped;
			const percent = p.total === 0 ? 100 : (finished / p.total) * 100;
			progress.meter.sample(p.bytesDone);
			progress.transfer?.update(p.bytesDone, undefined, { done: finished, total: p.total });
			const bytesPerSecond = progress.meter.bytesPerSecond();
			const left = secondsLeft({ bytesDone: p.bytesDone, bytesPerSecond, elapsedSeconds: progress.meter.elapsedSeconds(), filesDone: finished, filesTotal: p.total });
			progress.report({ increment: Math.max(0, percent - reported), message: bulkProgressText({ finished, total: p.total, failed: p.failed, bytesDone: p.bytesDone, bytesPerSecond, secondsLeft: left }) });
			reported = Math.max(reported, percent);
		};
	}
}

/** "12 files to fetch (at least 3.4 MB) · 40 already downloaded", in the user's language. */
export function planText(plan: ArchivePlan): string {
	// Lark's listing carries no sizes for images and most files: say what is known, never "at least 0 B".
	const bytes = plan.fetch.length > 0 && plan.unknownSizes === plan.fetch.length
		? vscode.l10n.t('sizes known once downloaded')
		: plan.unknownSizes > 0 ? vscode.l10n.t('at least {0}', formatBytes(plan.bytesKnown)) : formatBytes(plan.bytesKnown);
	return vscode.l10n.t('{0} files to fetch ({1}) · {2} already downloaded', plan.fetch.length, bytes, plan.skip.length);
}
