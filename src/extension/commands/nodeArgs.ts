import * as vscode from 'vscode';
import type { AttachmentNode, ChatNode, MessageNode, TreeNode } from '../views/nodes/treeNode';

/** Node commands are hidden from the palette; a missing or wrong node is a programming error made visible. */
export function requireNode<K extends TreeNode['kind']>(node: TreeNode | undefined, kind: K): Extract<TreeNode, { kind: K }> {
	if (node?.kind !== kind) {
		throw new Error(vscode.l10n.t('This command runs on an item of the Lark view ({0}).', kind));
	}
	return node as Extract<TreeNode, { kind: K }>;
}

/**
 * What a command's arguments point at, for its error message: a tree row's attachment name (or file key), the
 * attachments of a message row, a chat's name, or the palette's file key (or message id).
 */
export function commandSubject(args: readonly unknown[]): string | undefined {
	const first = args[0] as Partial<TreeNode> & { fileKey?: unknown; messageId?: unknown } | undefined;
	if (typeof first !== 'object' || first === null) {
		return undefined;
	}
	switch (first.kind) {
		case 'attachment': {
			const { attachment } = first as AttachmentNode;
			return attachment.name ?? attachment.key;
		}
		case 'message': {
			const { message, chat } = first as MessageNode;
			const names = message.attachments.map((a) => a.name ?? a.key);
			if (names.length > 0) {
				return names.length > 2 ? `${names.slice(0, 2).join(', ')}, …` : names.join(', ');
			}
			return chat.name;
		}
		case 'chat':
		case 'loadMore':
			return (first as ChatNode).chat.name;
		default:
			if (typeof first.fileKey === 'string' && first.fileKey.trim() !== '') {
				return first.fileKey.trim();
			}
			return typeof first.messageId === 'string' && first.messageId.trim() !== '' ? first.messageId.trim() : undefined;
	}
}

export type { AttachmentNode, ChatNode, MessageNode };
