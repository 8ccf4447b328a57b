import type { MessageItem } from './apiTypes';
import { cardResources } from './cardContent';
import { numberField, parseContent, stringField, type ContentObject } from './messageContent';
import { attachmentId, type Attachment, type AttachmentKind, type NotDownloadable } from './model';
import { postBodies } from './postContent';

/** Why a resource is listed but never requested (docs/lark-api.md §4.7–4.8). */
export const NOT_DOWNLOADABLE_REASONS = {
	sticker: 'Stickers cannot be downloaded: the message-resource API does not serve them.',
	folder: 'Folders cannot be downloaded through the message-resource API (Lark answers 234003).',
	deleted: 'The message was recalled or deleted, so its resources are gone.',
	'card-not-served': 'Lark does not serve this card\'s image (code 234043).',
} as const satisfies Record<NotDownloadable, string>;

/** Lark's answer for a card whose image it does not serve (the docs say every card; in practice most are served). */
export const CARD_NOT_SERVED = NOT_DOWNLOADABLE_REASONS['card-not-served'];

/**
 * A failure that is Lark's known, permanent refusal of this kind of attachment rather than a problem to fix:
 * reported once as not downloadable, never retried.
 */
export function knownRefusal(attachment: Pick<Attachment, 'kind'>, error: { code?: number | undefined }): string | undefined {
	return attachment.kind === 'card' && error.code === 234043 ? CARD_NOT_SERVED : undefined;
}

/** An attachment before we know which message id downloads it. */
type Draft = Omit<Attachment, 'messageId' | 'sourceMessageId' | 'downloadable'>;

/**
 * Every resource in one message's own content, deduplicated per (message id, key).
 * `downloadMessageId` is the id to download with: the message itself, or for a merge_forward child
 * its top-level container. A merge_forward container's own content has no keys; its children come
 * from `GET /messages/{id}` (see mergeForward.ts).
 */
export function extractAttachments(item: MessageItem, downloadMessageId: string = item.message_id): Attachment[] {
	const content = parseContent(item.body?.content);
	if (content === undefined) {
		return [];
	}
	const deleted = item.deleted === true;
	return dedupeAttachments(draftsFor(item.msg_type, content).map((draft) => {
		const why = draft.notDownloadable ?? (deleted ? 'deleted' : undefined);
		return {
			messageId: downloadMessageId,
			sourceMessageId: item.message_id,
			...draft,
			downloadable: why === undefined,
			...(why === undefined ? {} : { notDownloadable: why, notDownloadableReason: NOT_DOWNLOADABLE_REASONS[why] }),
		};
	}));
}

/** Keeps the first attachment per (download message id, key): one key is one download. */
export function dedupeAttachments(attachments: readonly Attachment[]): Attachment[] {
	const seen = new Set<string>();
	return attachments.filter((attachment) => {
		const id = attachmentId(attachment);
		if (seen.has(id)) {
			return false;
		}
		seen.add(id);
		return true;
	});
}

function draftsFor(msgType: string, content: ContentObject): Draft[] {
	switch (msgType) {
		case 'image':
			return image(content, 'image_key', 'image');
		case 'file':
			return file(content, 'file');
		case 'audio':
			// Downloaded as type=file: type=audio is refused with HTTP 400.
			return file(content, 'audio');
		case 'media':
		case 'video':
			return [...file(content, 'video'), ...image(content, 'image_key', 'cover')];
		case 'sticker':
			return file(content, 'sticker').map((draft) => ({ ...draft, notDownloadable: 'sticker' }));
		case 'folder':
			return file(content, 'folder').map((draft) => ({ ...draft, notDownloadable: 'folder' }));
		case 'interactive':
			// The docs say card resources answer 234043, but card images do download with type=image through the
			// card's own message id (docs/lark-api.md §4.11): try them; knownRefusal() reports a 234043 clearly.
			return cardResources(content).map((found) => ({ ...found, kind: 'card' }));
		case 'post':
			return postDrafts(content);
		default:
			return [];
	}
}

function image(content: ContentObject, field: string, kind: AttachmentKind): Draft[] {
	const key = stringField(content, field);
	return key === undefined ? [] : [{ key, resourceType: 'image', kind }];
}

function file(content: ContentObject, kind: AttachmentKind): Draft[] {
	const key = stringField(content, 'file_key');
	if (key === undefined) {
		return [];
	}
	const name = stringField(content, 'file_name');
	const durationMs = numberField(content, 'duration');
	// file_size is not in the documented content schema; used when a payload happens to carry it.
	const sizeBytes = numberField(content, 'file_size');
	return [{
		key,
		resourceType: 'file',
		kind,
		...(name === undefined ? {} : { name }),
		...(durationMs === undefined ? {} : { durationMs }),
		...(sizeBytes === undefined ? {} : { sizeBytes }),
	}];
}

/** Post `img` → image; post `media` → file plus its cover image; across every locale version. */
function postDrafts(content: ContentObject): Draft[] {
	const drafts: Draft[] = [];
	for (const body of postBodies(content)) {
		for (const element of body.paragraphs.flat()) {
			if (element.tag === 'img') {
				drafts.push(...image(element, 'image_key', 'post-image'));
			} else if (element.tag === 'media') {
				drafts.push(...file(element, 'post-media'), ...image(element, 'image_key', 'cover'));
			}
		}
	}
	return drafts;
}
