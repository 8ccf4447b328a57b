import * as path from 'node:path';
import { recordRefusal, updateManifest } from '../archive/manifestStore';
import { bulkDownload, type BulkEvent, type BulkSummary, type SavedItem } from '../bulk/bulkDownload';
import type { ConflictPolicy } from '../download/commitFile';
import type { DownloadEngine } from '../download/downloadEngine';
import { attachmentId, type Attachment } from '../lark/model';
import { plannedTarget, type ArchivePlan, type PlannedAttachment } from './archivePlan';
import { provenanceOf, recordDownload } from './recordDownload';

export interface ArchiveRunOptions {
	/** The folder the user allowed; every file stays inside it. */
	root: string;
	/** The download folder (relative to `root`, '.' for the root itself): it holds the manifest. */
	folder: string;
	/** Where a new attachment goes, relative to `root` (the name template). */
	outputFor: (attachment: Attachment) => string;
	onConflict?: ConflictPolicy;
	/** Store identical bytes again instead of pointing the record at the file that has them. */
	keepDuplicates?: boolean;
	/** The chat's name for the record, when known. */
	chatNameOf?: (chatId: string) => string | undefined;
	concurrency?: number;
	partConcurrency?: number;
	partSize?: number;
	signal?: AbortSignal;
	onEvent?: (event: BulkEvent) => void;
}

export interface ArchiveSummary extends BulkSummary {
	/** In the record and intact: not requested. */
	alreadySaved: PlannedAttachment[];
	/** The user's edited file was kept where it was; the fresh download was saved beside it. */
	keptEdited: { attachment: Attachment; keptPath: string; savedPath: string }[];
	/** The bytes were already in the folder under another message: no second copy, the record points there. */
	sameBytes: { attachment: Attachment; existingPath: string }[];
}

/**
 * Works through a plan: downloads what it fetches through the bulk queue and records each saved file in the
 * folder's manifest as soon as it is saved (so an interrupted run keeps what it finished), with its provenance,
 * size and SHA-256. Identical bytes already stored under another message are not kept twice.
 */
export async function runArchive(engine: Pick<DownloadEngine, 'download'>, plan: ArchivePlan, options: ArchiveRunOptions): Promise<ArchiveSummary> {
	const folderAbs = path.resolve(options.root, options.folder);
	const planned = new Map<string, PlannedAttachment>(plan.fetch.map((item) => [attachmentId(item.attachment), item]));
	const targetOf = (attachment: Attachment): ReturnType<typeof plannedTarget> => {
		const item = planned.get(attachmentId(attachment));
		return item === undefined ? { output: options.outputFor(attachment), onConflict: options.onConflict ?? 'rename' } : plannedTarget(item, options.folder, options.outputFor, options.onConflict ?? 'rename');
	};
	const keptEdited: ArchiveSummary['keptEdited'] = [];
	const sameBytes: ArchiveSummary['sameBytes'] = [];

	const record = async (saved: SavedItem): Promise<void> => {
		const item = planned.get(attachmentId(saved.attachment));
		if (item === undefined) {
			return;
		}
		const ref = { messageId: saved.attachment.messageId, fileKey: saved.attachment.key, type: saved.attachment.resourceType };
		const recorded = await recordDownload(folderAbs, ref, saved, {
			provenance: provenanceOf(item.message, saved.attachment, options.chatNameOf?.(item.message.chatId)),
			keepDuplicates: options.keepDuplicates,
			signal: options.signal,
		});
		if (recorded.sameAs !== undefined) {
			sameBytes.push({ attachment: saved.attachment, existingPath: recorded.savedPath });
			saved.savedPath = recorded.savedPath;
		}
		if (item.reason === 'changed' && item.recorded !== undefined) {
			keptEdited.push({ attachment: saved.attachment, keptPath: path.join(folderAbs, ...item.recorded.path.split('/')), savedPath: saved.savedPath });
		}
	};

	const summary = await bulkDownload(engine, [...plan.fetch.map((item) => item.attachment), ...plan.notDownloadable.map((item) => item.attachment)], {
		root: options.root,
		outputFor: (attachment) => targetOf(attachment).output,
		onConflictFor: (attachment) => targetOf(attachment).onConflict,
		afterSave: record,
		concurrency: options.concurrency,
		partConcurrency: options.partConcurrency,
		partSize: options.partSize,
		signal: options.signal,
		onEvent: options.onEvent,
	});
	// Lark's refusals for good (a card image answering 234043) go into the record: no front end asks again.
	const refused = summary.skipped.filter((item) => item.attachment.downloadable);
	if (refused.length > 0) {
		await updateManifest(folderAbs, (manifest) => {
			for (const { attachment } of refused) {
				recordRefusal(manifest, attachment.messageId, attachment.key, 'card-not-served');
			}
		});
	}
	return { ...summary, alreadySaved: plan.skip, keptEdited, sameBytes };
}
