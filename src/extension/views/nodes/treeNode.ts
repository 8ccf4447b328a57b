import type { UnfinishedDownload } from '../../../core/download/unfinishedDownloads';
import type { Attachment, Chat, Message } from '../../../core/lark/model';

/** Every row of the Lark tree; the provider maps each to a TreeItem. */
export type TreeNode = ChatNode | MessageNode | AttachmentNode | LoadMoreNode | EmptyNode | ErrorNode | UnfinishedGroupNode | UnfinishedNode;

export interface ChatNode {
	kind: 'chat';
	chat: Chat;
}

export interface MessageNode {
	kind: 'message';
	chat: Chat;
	message: Message;
}

export interface AttachmentNode {
	kind: 'attachment';
	chat: Chat;
	message: Message;
	attachment: Attachment;
}

/** "Load more" at the end of a chat's messages. */
export interface LoadMoreNode {
	kind: 'loadMore';
	chat: Chat;
}

/** A chat without messages (or without any that have attachments, when only those are shown). */
export interface EmptyNode {
	kind: 'empty';
	chat: Chat;
	filtered: boolean;
}

/** "Unfinished downloads": the .part files a download can continue, after the chats. */
export interface UnfinishedGroupNode {
	kind: 'unfinishedGroup';
}

export interface UnfinishedNode {
	kind: 'unfinished';
	download: UnfinishedDownload;
}

/** A failed listing, shown in place with a retry action instead of a popup. */
export interface ErrorNode {
	kind: 'error';
	message: string;
	/** Where the failure happened: the chat whose messages failed, or undefined for the chat list. */
	chat?: Chat;
}

export function isAttachmentNode(node: unknown): node is AttachmentNode {
	return typeof node === 'object' && node !== null && (node as { kind?: unknown }).kind === 'attachment';
}
