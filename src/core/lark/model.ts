/**
 * The domain model the CLI and the extension's tree work with, independent of the API's JSON.
 */

import type { ContentObject } from './messageContent';

export type ChatType = 'group' | 'p2p' | 'topic';

export interface Chat {
	id: string;
	name: string;
	type: ChatType;
	description?: string;
	external?: boolean;
	avatarUrl?: string;
}

export type AttachmentKind = 'image' | 'file' | 'audio' | 'video' | 'cover' | 'post-image' | 'post-media' | 'sticker' | 'folder' | 'card';

export type NotDownloadable = 'sticker' | 'folder' | 'deleted' | 'card-not-served';

export interface Attachment {
	/** The id to download WITH: for merge_forward children this is the (top-level) container's id. */
	messageId: string;
	/** The message that actually carries the resource. */
	sourceMessageId: string;
	key: string;
	/** The `type` query parameter of the resource download. */
	resourceType: 'image' | 'file';
	kind: AttachmentKind;
	name?: string;
	durationMs?: number;
	sizeBytes?: number;
	downloadable: boolean;
	/** Why not, as a code a front end words itself; `notDownloadableReason` is the neutral English text. */
	notDownloadable?: NotDownloadable;
	notDownloadableReason?: string;
}

export interface Message {
	id: string;
	chatId: string;
	msgType: string;
	senderId?: string;
	senderType?: string;
	senderName?: string;
	createTime: Date;
	deleted: boolean;
	textPreview: string;
	attachments: Attachment[];
	threadId?: string;
	parentId?: string;
	/** What the message says, for renderers that need more than `textPreview` (the Markdown export); set by the listing. */
	body?: MessageBody;
	/** A listed merge_forward's children (nested ones too, pre-order); absent when they were not fetched. */
	forwarded?: ForwardedMessage[];
}

/** A message's content as Lark sent it: its JSON parsed, else its raw text, and whom it mentions. */
export interface MessageBody {
	/** `body.content` parsed; undefined when it is not a JSON object (recalled, merge_forward, old clients). */
	content?: ContentObject;
	/** `body.content` as sent when it is not JSON, e.g. plain text from an old client. */
	rawText?: string;
	/** `@_user_1` → the mentioned user (text and post messages). */
	mentions: Mention[];
}

export interface Mention {
	key: string;
	id?: string;
	name?: string;
}

/** A message inside a merge_forward: `upperMessageId` is the container it was forwarded in. */
export interface ForwardedMessage extends Message {
	upperMessageId: string;
}

/** Stable identity of an attachment: one download per (download message id, key). */
export function attachmentId(attachment: Pick<Attachment, 'messageId' | 'key'>): string {
	return `${attachment.messageId}/${attachment.key}`;
}
