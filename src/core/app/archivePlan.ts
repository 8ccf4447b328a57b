import * as path from 'node:path';
import { checkResourceOnDisk } from '../archive/fileState';
import type { ConflictPolicy } from '../download/commitFile';
import type { Manifest, ManifestResource } from '../archive/manifestFormat';
import { refusalOf, resourceFor } from '../archive/manifestStore';
import { CARD_NOT_SERVED, dedupeAttachments } from '../lark/extractAttachments';
import { attachmentId, type Attachment, type AttachmentKind, type Message } from '../lark/model';

/** Which attachments a bulk download or a sync is about (all when a field is left out). */
export interface AttachmentFilter {
	kinds?: ReadonlySet<AttachmentFilterKind>;
	/** Open ids (ou_…) of the senders whose attachments are wanted. */
	senders?: ReadonlySet<string>;
}

/** The kinds a user filters by; images in posts count as images, videos in posts as videos. */
export type AttachmentFilterKind = 'image' | 'file' | 'audio' | 'video';

const FILTER_KIND: Record<AttachmentKind, AttachmentFilterKind | undefined> = {
	image: 'image', 'post-image': 'image', card: 'image', cover: 'image', file: 'file', folder: 'file', audio: 'audio', video: 'video', 'post-media': 'video', sticker: undefined,
};

export function filterKindOf(kind: AttachmentKind): AttachmentFilterKind | undefined {
	return FILTER_KIND[kind];
}

/** Why a planned attachment is fetched, or why not. */
export type PlanReason =
	| 'new'
	/** In the record, but its file is gone: fetched again to the same place. */
	| 'missing'
	/** In the record, but its file was edited or replaced: the user's file is kept, the new one saved beside it. */
	| 'changed'
	/** In the record and intact, fetched again because the user asked (force). */
	| 'forced'
	/** In the record and intact: no request. */
	| 'already-saved';

export interface PlannedAttachment {
	attachment: Attachment;
	message: Message;
	reason: PlanReason;
	/** The record's entry, for every reason but `new`. */
	recorded?: ManifestResource;
}

export interface ArchivePlan {
	/** Downloadable attachments to fetch, in listing order. */
	fetch: PlannedAttachment[];
	/** Downloadable attachments already in the folder. */
	skip: PlannedAttachment[];
	/** Stickers, folders, recalled messages: listed, never requested. */
	notDownloadable: { attachment: Attachment; message: Message }[];
	/** Bytes of the fetches whose size the listing or the record tells. */
	bytesKnown: number;
	/** Fetches of unknown size: the total is then "at least" `bytesKnown`. */
	unknownSizes: number;
	/** Bytes already in the folder for the skipped ones. */
	bytesSkipped: number;
}

export interface PlanOptions {
	filter?: AttachmentFilter;
	/** Fetch even what the record says is intact. */
	force?: boolean;
}

/**
 * What a download of these messages' attachments into `folder` (the one with the manifest) will do, from the
 * record checked against the disk (type and size; no hashing): the "know before you start" numbers and the
 * list the run works through. No request is made.
 */
export async function planArchive(folder: string, manifest: Manifest, messages: readonly Message[], options: PlanOptions = {}): Promise<ArchivePlan> {
	const plan: ArchivePlan = { fetch: [], skip: [], notDownloadable: [], bytesKnown: 0, unknownSizes: 0, bytesSkipped: 0 };
	const seen = new Set<string>();
	for (const message of messages) {
		if (!wantedSender(message, options.filter)) {
			continue;
		}
		for (const attachment of dedupeAttachments(message.attachments)) {
			const id = attachmentId(attachment);
			if (seen.has(id) || !wantedKind(attachment, options.filter)) {
				continue;
			}
			seen.add(id);
			if (!attachment.downloadable) {
				plan.notDownloadable.push({ attachment, message });
				continue;
			}
			if (options.force !== true && refusalOf(manifest, attachment.messageId, attachment.key) !== undefined) {
				// Lark refused it for good before (a card image): not asked again unless forced.
				plan.notDownloadable.push({ attachment: { ...attachment, downloadable: false, notDownloadable: 'card-not-served', notDownloadableReason: CARD_NOT_SERVED }, message });
				continue;
			}
			const recorded = resourceFor(manifest, attachment.messageId, attachment.key);
			const reason = recorded === undefined ? 'new' : await recordedReason(folder, recorded, options.force === true);
			const item: PlannedAttachment = { attachment, message, reason, ...(recorded === undefined ? {} : { recorded }) };
			if (reason === 'already-saved') {
				plan.skip.push(item);
				plan.bytesSkipped += recorded?.size ?? 0;
				continue;
			}
			plan.fetch.push(item);
			const size = attachment.sizeBytes ?? recorded?.size;
			if (size === undefined) {
				plan.unknownSizes++;
			} else {
				plan.bytesKnown += size;
			}
		}
	}
	return plan;
}

async function recordedReason(folder: string, recorded: ManifestResource, force: boolean): Promise<PlanReason> {
	const state = await checkResourceOnDisk(folder, recorded);
	if (state.state === 'missing') {
		return 'missing';
	}
	if (state.state === 'changed') {
		return 'changed';
	}
	return force ? 'forced' : 'already-saved';
}

function wantedSender(message: Message, filter: AttachmentFilter | undefined): boolean {
	return filter?.senders === undefined || (message.senderId !== undefined && filter.senders.has(message.senderId));
}

function wantedKind(attachment: Attachment, filter: AttachmentFilter | undefined): boolean {
	if (filter?.kinds === undefined) {
		return true;
	}
	const kind = filterKindOf(attachment.kind);
	return kind !== undefined && filter.kinds.has(kind);
}

/**
 * Where a planned attachment goes, relative to the root (the engine's `output`), and under which conflict
 * policy: a recorded file goes back to its recorded place — beside the user's edited file (`rename`), over our
 * own intact one when forced (`overwrite`) — and a new one where the naming puts it, under the user's policy.
 */
export function plannedTarget(item: PlannedAttachment, folderFromRoot: string, namingOutput: (attachment: Attachment) => string, userPolicy: ConflictPolicy): { output: string; onConflict: ConflictPolicy } {
	const recorded = item.recorded;
	if (recorded === undefined || recorded.sameAs !== undefined || item.reason === 'new' || item.reason === 'already-saved') {
		return { output: namingOutput(item.attachment), onConflict: userPolicy };
	}
	const output = folderFromRoot === '.' ? recorded.path : path.posix.join(folderFromRoot, recorded.path);
	return { output, onConflict: item.reason === 'changed' ? 'rename' : item.reason === 'forced' ? 'overwrite' : userPolicy };
}
