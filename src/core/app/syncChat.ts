import * as path from 'node:path';
import type { ManifestChat, SyncCursor } from '../archive/manifestFormat';
import { chatEntry, readManifest, updateManifest } from '../archive/manifestStore';
import type { DownloadEngine } from '../download/downloadEngine';
import { toLarkError } from '../errors';
import type { LarkClient, ListNotice } from '../lark/larkClient';
import type { Message } from '../lark/model';
import type { SenderNames } from '../lark/senderNames';
import { downloadIntoArchive, type ArchiveDownloadOptions, type ArchiveDownloadResult } from './archiveDownload';
import type { AttachmentFilter } from './archivePlan';
import { collectMessages } from './collectMessages';

export interface SyncOptions extends ArchiveDownloadOptions {
	/** A time range; a sync with one lists the whole range and neither reads nor moves the chat's cursor. */
	start?: Date;
	end?: Date;
	onListed?: (progress: { messages: number; attachments: number }) => void;
	/** Told, before the listing, where the last sync of this chat and filter stopped (never for a ranged sync). */
	onCursor?: (syncedThrough: Date) => void;
	/** Names the senders for `{sender}` and the record (the listing carries ids only). */
	senderNames?: Pick<SenderNames, 'nameMessages'>;
}

export interface SyncResult extends ArchiveDownloadResult {
	/** Where the listing started: the previous sync's newest message, or the range's start; undefined = the beginning. */
	listedFrom?: Date;
	/** Messages an earlier sync could not finish, fetched again by id. */
	retriedMessages: number;
	/** Messages whose forwarded children could not be listed (kept pending for the next sync). */
	unlisted: ListNotice[];
}

/** The cursor's key in the manifest: '' for an unfiltered sync, else the filter in a stable form. */
export function syncKey(filter: AttachmentFilter | undefined): string {
	const parts = [
		filter?.kinds === undefined ? undefined : `kinds=${[...filter.kinds].sort().join(',')}`,
		filter?.senders === undefined ? undefined : `senders=${[...filter.senders].sort().join(',')}`,
	].filter((part): part is string => part !== undefined);
	return parts.join(';');
}

/** Where the last sync of this chat with this filter stopped. */
function syncCursor(chat: ManifestChat | undefined, filter: AttachmentFilter | undefined): SyncCursor | undefined {
	const key = syncKey(filter);
	return key === '' ? chat : chat?.filteredSyncs?.[key];
}

/**
 * Only what is new in a chat: lists the messages since the last sync of this chat (and filter), fetches again
 * the messages an earlier sync left unfinished, downloads what the folder does not have yet, and moves the
 * cursor. An interrupted sync leaves its unfinished messages pending, so the next one continues there.
 */
export async function syncChat(client: Pick<LarkClient, 'getMessage' | 'listMessages'>, engine: Pick<DownloadEngine, 'download'>, chatId: string, options: SyncOptions): Promise<SyncResult> {
	const folderAbs = path.resolve(options.root, options.folder);
	const key = syncKey(options.filter);
	const ranged = options.start !== undefined || options.end !== undefined;
	const cursor = ranged ? undefined : syncCursor((await readManifest(folderAbs)).chats[chatId], options.filter);
	const listedFrom = ranged ? options.start : cursor?.syncedThrough === undefined ? undefined : new Date(cursor.syncedThrough);
	if (!ranged && listedFrom !== undefined) {
		options.onCursor?.(listedFrom);
	}

	const collected = await collectMessages(client, {
		kind: 'container', containerId: chatId, containerType: 'chat',
		...(listedFrom === undefined ? {} : { start: listedFrom }),
		...(options.end === undefined ? {} : { end: options.end }),
	}, { signal: options.signal, onProgress: options.onListed });
	const listedIds = new Set(collected.messages.map((message) => message.id));
	const retried: Message[] = [];
	const stillPending = new Set<string>();
	for (const id of cursor?.pendingMessageIds ?? []) {
		if (listedIds.has(id)) {
			continue;
		}
		try {
			retried.push((await client.getMessage(id, options.signal)).container);
		} catch (error) {
			const failure = toLarkError(error, options.signal);
			if (failure.type === 'cancelled') {
				throw failure;
			}
			if (failure.type !== 'not_found') {
				stillPending.add(id); // gone for good (deleted) is dropped; anything else is tried again next time
			}
		}
	}
	const messages = [...retried, ...collected.messages];
	await options.senderNames?.nameMessages(messages, options.signal);
	const result = await downloadIntoArchive(engine, messages, options);
	if (result.summary === undefined) {
		return { ...result, ...(listedFrom === undefined ? {} : { listedFrom }), retriedMessages: retried.length, unlisted: collected.unlisted };
	}

	// Every message with an attachment that failed or was never reached stays pending.
	const messageOf = new Map<string, string>();
	for (const item of result.plan.fetch) {
		messageOf.set(`${item.attachment.messageId}/${item.attachment.key}`, item.message.id);
	}
	for (const failed of result.summary.failed) {
		stillPending.add(messageOf.get(`${failed.attachment.messageId}/${failed.attachment.key}`) ?? failed.attachment.messageId);
	}
	for (const notice of collected.unlisted) {
		if (notice.messageId !== undefined) {
			stillPending.add(notice.messageId);
		}
	}
	const newest = collected.messages.reduce<Date | undefined>((latest, message) => (latest === undefined || message.createTime > latest ? message.createTime : latest), undefined);
	const chatName = await options.chatNameOf(chatId);
	await updateManifest(folderAbs, (manifest) => {
		const chat = chatEntry(manifest, chatId);
		if (chatName !== undefined) {
			chat.name = chatName;
		}
		chat.lastSyncAt = new Date().toISOString();
		if (ranged) {
			return;
		}
		const target: SyncCursor = key === '' ? chat : ((chat.filteredSyncs ??= {})[key] ??= {});
		const previous = target.syncedThrough === undefined ? undefined : new Date(target.syncedThrough);
		if (newest !== undefined && (previous === undefined || newest > previous)) {
			target.syncedThrough = newest.toISOString();
		}
		target.pendingMessageIds = [...stillPending];
	});
	return { ...result, ...(listedFrom === undefined ? {} : { listedFrom }), retriedMessages: retried.length, unlisted: collected.unlisted };
}
