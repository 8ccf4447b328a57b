import { LarkError } from '../errors';
import type { MessageItem } from './apiTypes';
import { dedupeAttachments, extractAttachments } from './extractAttachments';
import type { Attachment, ForwardedMessage, Message } from './model';
import { toMessage } from './toDomain';

export interface MessageWithChildren {
	container: Message;
	/** merge_forward children (nested ones included), in the order Lark returned them. */
	children: ForwardedMessage[];
}

/**
 * Builds a message and its merge_forward subtree from the items of `GET /messages/{id}`.
 * Every attachment found below `rootId` downloads through `downloadMessageId` (the top-level
 * container): a child's own id gets 234003 "File not in msg.". A visited set guards against
 * cyclic `upper_message_id` links.
 */
export function expandMessage(items: readonly MessageItem[], rootId: string, downloadMessageId: string = rootId): MessageWithChildren {
	const root = items.find((item) => item.message_id === rootId);
	if (root === undefined) {
		throw new LarkError('protocol', `Lark's answer for message ${rootId} does not contain that message.`);
	}
	const byParent = new Map<string, MessageItem[]>();
	for (const item of items) {
		if (item.upper_message_id !== undefined && item.upper_message_id !== '' && item.message_id !== rootId) {
			byParent.set(item.upper_message_id, [...(byParent.get(item.upper_message_id) ?? []), item]);
		}
	}
	// Pre-order walk from the root; the visited set makes cycles and repeated items harmless.
	const visited = new Set<string>([rootId]);
	const order: MessageItem[] = [];
	const visit = (parentId: string): void => {
		for (const child of byParent.get(parentId) ?? []) {
			if (!visited.has(child.message_id)) {
				visited.add(child.message_id);
				order.push(child);
				visit(child.message_id);
			}
		}
	};
	visit(rootId);
	// Reverse pre-order sees every child before its parent, so a subtree's attachments are ready.
	const subtree = new Map<string, Attachment[]>();
	const collect = (item: MessageItem): Attachment[] => dedupeAttachments([
		...extractAttachments(item, downloadMessageId),
		...(byParent.get(item.message_id) ?? []).flatMap((child) => subtree.get(child.message_id) ?? []),
	]);
	for (const item of [...order].reverse()) {
		subtree.set(item.message_id, collect(item));
	}
	const children = order.map((item): ForwardedMessage => ({
		...toMessage(item, subtree.get(item.message_id) ?? []),
		upperMessageId: item.upper_message_id ?? rootId,
	}));
	const container = toMessage(root, collect(root));
	return { container: children.length === 0 ? container : { ...container, forwarded: children }, children };
}
