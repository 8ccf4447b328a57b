import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkResourceOnDisk, manifestRelativePath, sha256File } from '../archive/fileState';
import { resourceKey, type ManifestResource } from '../archive/manifestFormat';
import { readManifest, recordResource, resourceFor, resourceWithSha, updateManifest } from '../archive/manifestStore';
import type { ResourceRef } from '../download/resource';
import type { Attachment, Message } from '../lark/model';

/** What the record keeps about where a resource came from, beyond its ids. */
export type Provenance = Omit<ManifestResource, 'messageId' | 'fileKey' | 'type' | 'path' | 'size' | 'sha256' | 'savedAt' | 'sameAs'>;

export interface RecordedDownload {
	/** Where the bytes are: the saved file, or the file that already had them. */
	savedPath: string;
	/** Set when the saved file was identical to one already in the folder and was removed again. */
	sameAs?: string;
}

/**
 * Records a saved file in the manifest of `folder` with its size and SHA-256. Unless `keepDuplicates`, bytes the
 * folder already holds intact under another resource are not kept twice: the new file is removed and the entry
 * points at the existing one (`sameAs`). A file outside the folder is not recorded.
 */
export async function recordDownload(folder: string, ref: ResourceRef, saved: { savedPath: string; sizeBytes: number; sha256?: string }, options: { provenance?: Provenance; keepDuplicates?: boolean; signal?: AbortSignal } = {}): Promise<RecordedDownload> {
	const relative = manifestRelativePath(folder, saved.savedPath);
	if (relative === undefined) {
		return { savedPath: saved.savedPath };
	}
	// The engine hashes while it writes; a file it did not write this time is read once here.
	const sha256 = saved.sha256 ?? (await sha256File(saved.savedPath, options.signal));
	const key = resourceKey(ref.messageId, ref.fileKey);
	const entry = { ...options.provenance, messageId: ref.messageId, fileKey: ref.fileKey, type: ref.type, size: saved.sizeBytes, sha256 };
	let result: RecordedDownload = { savedPath: saved.savedPath };
	await updateManifest(folder, async (manifest) => {
		result = { savedPath: saved.savedPath };
		const twin = options.keepDuplicates === true ? undefined : resourceWithSha(manifest, sha256);
		if (twin !== undefined && resourceKey(twin.messageId, twin.fileKey) !== key && twin.path !== relative && (await checkResourceOnDisk(folder, twin)).state === 'present') {
			await fs.rm(saved.savedPath, { force: true });
			const sameAs = resourceKey(twin.messageId, twin.fileKey);
			recordResource(manifest, { ...entry, path: twin.path, savedAt: new Date().toISOString(), sameAs });
			result = { savedPath: path.join(folder, ...twin.path.split('/')), sameAs };
			return;
		}
		recordResource(manifest, { ...entry, path: relative, savedAt: new Date().toISOString() });
	});
	return result;
}

/** The record's entry for a resource when its file is still there intact (type and size), else undefined. */
export async function intactDownload(folder: string, ref: Pick<ResourceRef, 'messageId' | 'fileKey'>): Promise<{ entry: ManifestResource; absolutePath: string } | undefined> {
	const entry = resourceFor(await readManifest(folder), ref.messageId, ref.fileKey);
	if (entry === undefined || (await checkResourceOnDisk(folder, entry)).state !== 'present') {
		return undefined;
	}
	return { entry, absolutePath: path.join(folder, ...entry.path.split('/')) };
}

/** Provenance of a listed attachment: its chat, sender, message time and name. */
export function provenanceOf(message: Message, attachment: Attachment, chatName: string | undefined): Provenance {
	return {
		chatId: message.chatId,
		...(chatName === undefined ? {} : { chatName }),
		...(attachment.sourceMessageId === attachment.messageId ? {} : { sourceMessageId: attachment.sourceMessageId }),
		...(message.senderId === undefined ? {} : { senderId: message.senderId }),
		...(message.senderName === undefined ? {} : { senderName: message.senderName }),
		messageTime: message.createTime.toISOString(),
		kind: attachment.kind,
		...(attachment.name === undefined ? {} : { name: attachment.name }),
	};
}
