import * as vscode from 'vscode';
import type { TreeNode } from '../views/nodes/treeNode';

/** Copy Message ID: for an attachment, the id to download it with (the container for forwarded ones). */
export async function copyMessageId(node?: TreeNode): Promise<void> {
	const id = node?.kind === 'attachment' ? node.attachment.messageId : node?.kind === 'message' ? node.message.id : undefined;
	if (id !== undefined) {
		await vscode.env.clipboard.writeText(id);
	}
}

export async function copyFileKey(node?: TreeNode): Promise<void> {
	if (node?.kind === 'attachment') {
		await vscode.env.clipboard.writeText(node.attachment.key);
	}
}
