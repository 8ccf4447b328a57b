import * as path from 'node:path';
import * as vscode from 'vscode';
import { intactDownload, provenanceOf, recordDownload } from '../../core/app/recordDownload';
import type { ConflictPolicy } from '../../core/download/commitFile';
import type { DownloadResult } from '../../core/download/downloadEngine';
import type { ResourceRef } from '../../core/download/resource';
import { isLarkError } from '../../core/errors';
import { knownRefusal } from '../../core/lark/extractAttachments';
import { namingOf, type AttachmentNaming } from '../../core/naming/nameTemplate';
import type { Attachment, Chat, Message } from '../../core/lark/model';
import { pathExists } from '../../core/util/pathExists';
import { abortSignalFrom, type CancelAllSwitch } from '../platform/cancellation';
import type { Logger } from '../platform/logger';
import { CHATS_VIEW_ID } from '../constants';
import type { DownloadStatusBar } from '../platform/downloadStatusBar';
import { progressListener } from '../platform/progressBridge';
import { progressText } from '../platform/progressText';
import type { DownloadIndex } from '../storage/downloadIndex';
import type { Settings } from '../storage/settings';
import type { LarkConnection } from './larkConnection';
import { nameTemplateOf } from './nameTemplateSetting';
import { downloadFolderOf, resolveDownloadTarget, type DownloadTarget } from './workspaceTarget';
import { LocalizedError } from '../platform/errorAdvice';
import { aboutSubject } from '../platform/errorHandling';
import { openFile } from '../platform/fileOpener';

/** Where the file is, and whether it was there already (the user chose Open instead of Download Again). */
export interface DownloadOutcome {
	uri: vscode.Uri;
	alreadyThere: boolean;
}

export interface SingleDownloadRequest {
	ref: ResourceRef;
	/** Relative to the workspace folder; default: the download folder with the server's name. */
	output?: string;
	/** Where the attachment was listed: it is then saved under the name template (known before any request). */
	listed?: { chat: Chat; message: Message; attachment: Attachment };
	/** Shown in the notification before the server tells us the real name. */
	label?: string;
	/** For a server-named file: the folder (relative to the workspace folder) instead of the download folder. */
	directory?: string;
	/** Where progress shows: in the Lark view for a row's action (the status bar item can cancel it), else a cancellable notification. */
	where?: 'view' | 'notification';
}

/**
 * The extension's single way to download: resolves the workspace target, runs the engine under a
 * cancellable notification with byte-accurate progress, and records the result for the tree.
 */
export class DownloadService {

	constructor(
		private readonly connection: LarkConnection,
		private readonly settings: Settings,
		private readonly index: DownloadIndex,
		private readonly logger: Logger,
		private readonly cancelSwitch: CancelAllSwitch,
		private readonly transfers?: DownloadStatusBar,
	) {}

	async download(request: SingleDownloadRequest): Promise<DownloadOutcome> {
		try {
			return await this.downloadOrOpen(request);
		} catch (error) {
			// Every message about this download names the file.
			throw aboutSubject(error, request.label ?? request.ref.fileKey);
		}
	}

	private async downloadOrOpen(request: SingleDownloadRequest): Promise<DownloadOutcome> {
		const target = await resolveDownloadTarget(this.settings);
		const existing = await intactDownload(downloadFolderOf(target), request.ref);
		if (existing !== undefined && !(await this.askDownloadAgain(existing.absolutePath))) {
			return { uri: vscode.Uri.file(existing.absolutePath), alreadyThere: true };
		}
		return { uri: await this.downloadNew(request, target), alreadyThere: false };
	}

	/** "Open" (false) or "Download Again" (true) for a file the folder already has; dismissing cancels. */
	private async askDownloadAgain(file: string): Promise<boolean> {
		const open = vscode.l10n.t('Open');
		const again = vscode.l10n.t('Download Again');
		const choice = await vscode.window.showInformationMessage(vscode.l10n.t('{0} is already downloaded.', vscode.workspace.asRelativePath(file)), open, again);
		if (choice === undefined) {
			throw new vscode.CancellationError();
		}
		if (choice === open) {
			await openFile(vscode.Uri.file(file));
		}
		return choice === again;
	}

	private async downloadNew(request: SingleDownloadRequest, target: DownloadTarget): Promise<vscode.Uri> {
		const listed = request.listed;
		const named: SingleDownloadRequest = listed === undefined ? request : { ...request, output: (await this.naming(target, [listed.message], listed.chat)).outputFor(listed.attachment) };
		const setting = this.settings.conflictPolicy(target.folder.uri);
		let policy: ConflictPolicy = setting === 'ask' ? 'rename' : setting;
		// "ask": a name known before any request (a listed attachment, a typed output) is asked about first; a name
		// only the server gives is asked about by the engine once the probe told it, so nothing is fetched twice.
		let answered = false;
		if (setting === 'ask' && named.output !== undefined && (await pathExists(path.join(target.root, named.output)))) {
			policy = await this.askConflict(vscode.l10n.t('{0} already exists.', named.output));
			answered = true;
		}
		const ask = setting === 'ask' && !answered ? (file: string) => this.askConflict(vscode.l10n.t('{0} already exists.', vscode.workspace.asRelativePath(file))) : undefined;
		try {
			return await this.runOne(named, target, policy, ask);
		} catch (error) {
			if (listed !== undefined && isLarkError(error) && knownRefusal(listed.attachment, error) !== undefined) {
				await this.index.refuse(downloadFolderOf(target), listed.attachment.messageId, listed.attachment.key);
				throw new LocalizedError('api', vscode.l10n.t('Lark does not serve the image of this card (Lark code 234043).'), { code: 234043, reason: 'card-resource', hint: vscode.l10n.t('Open the message in Lark to see it.') });
			}
			// A cancelled or failed download leaves a .part: listed under Unfinished downloads now, not only when a
			// file watcher (which may not watch a download folder that did not exist yet) tells.
			void this.index.reload();
			throw error;
		}
	}

	private async runOne(request: SingleDownloadRequest, target: DownloadTarget, policy: ConflictPolicy, askOnConflict?: (file: string) => Promise<'rename' | 'overwrite'>): Promise<vscode.Uri> {
		const connection = await this.connection.require();
		const label = request.label ?? request.ref.fileKey;
		const title = vscode.l10n.t('Downloading {0}', label);
		const inView = request.where === 'view';
		// Cancel All, or Cancel on the status bar item's list (a view's progress has no cancel button of its own).
		const stop = new AbortController();
		const stopAll = (): void => stop.abort();
		const cancelAll = this.cancelSwitch.signal;
		cancelAll.addEventListener('abort', stopAll, { once: true });
		const transfer = this.transfers?.start(label, stopAll);
		const location = inView ? { viewId: CHATS_VIEW_ID } : vscode.ProgressLocation.Notification;
		const result = await Promise.resolve(vscode.window.withProgress<DownloadResult>({ location, title, cancellable: !inView }, async (progress, token) => {
			const abort = abortSignalFrom(token, stop.signal);
			const report = progressListener(progress, progressText);
			try {
				return await connection.engine.download(request.ref, {
					root: target.root,
					...(request.output === undefined ? { directory: request.directory ?? target.directory } : { output: request.output }),
					onConflict: policy,
					...(askOnConflict === undefined ? {} : { askOnConflict }),
					partSize: this.settings.partSizeBytes(),
					concurrency: this.settings.partConcurrency(),
					signal: abort.signal,
					onEvent: (event) => {
						report(event);
						if (event.kind === 'started') {
							transfer?.update(event.resumedBytes, event.totalBytes);
						} else if (event.kind === 'progress') {
							transfer?.update(event.bytesDone, event.totalBytes);
						}
					},
				});
			} finally {
				abort.dispose();
			}
		})).finally(() => {
			cancelAll.removeEventListener('abort', stopAll);
			transfer?.finish();
		});
		const listed = request.listed;
		// The user asked for this very file: it is recorded, never swapped for an identical one elsewhere.
		await recordDownload(downloadFolderOf(target), request.ref, result, {
			keepDuplicates: true,
			...(listed === undefined ? {} : { provenance: provenanceOf(listed.message, listed.attachment, listed.chat.name) }),
		});
		await this.index.reload();
		this.logger.info('download', `Saved ${request.ref.messageId}/${request.ref.fileKey} as ${result.savedPath} (${result.sizeBytes} bytes as ${result.identity}${result.resumedBytes > 0 ? `, resumed at ${result.resumedBytes}` : ''})`);
		return vscode.Uri.file(result.savedPath);
	}

	/** The name template of the target's folder over these messages, listed in `chat`. */
	private naming(target: DownloadTarget, messages: readonly Message[], chat: Chat): Promise<AttachmentNaming> {
		return namingOf(nameTemplateOf(this.settings, target), messages, () => Promise.resolve(chat.name), target.directory);
	}

	private async askConflict(detail: string): Promise<'rename' | 'overwrite'> {
		const keepBoth = vscode.l10n.t('Keep Both');
		const replace = vscode.l10n.t('Replace');
		const choice = await vscode.window.showWarningMessage(detail, { modal: true, detail: vscode.l10n.t('Keep both files (the new one gets a number) or replace the existing one?') }, keepBoth, replace);
		if (choice === undefined) {
			throw new vscode.CancellationError();
		}
		return choice === replace ? 'overwrite' : 'rename';
	}
}
