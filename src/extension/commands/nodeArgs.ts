import * as vscode from 'vscode';
import type { AttachmentNode, ChatNode, MessageNode, TreeNode } from '../views/nodes/treeNode';

/** Node commands are hidden from the palette; a missing or wrong node is a programming error made visible. */
export function requireNode<K extends TreeNode['kind']>(node: TreeNode | undefined, kind: K): Extract<TreeNode, { kind: K }> {
	if (node?.kind !== kind) {
		throw new Error(vscode.l10n.t('This command runs on an item of the Lark view ({0}).', kind));
	}
	return node as Extract<TreeNode, { kind: K }>;
}

export type { AttachmentNode, ChatNode, MessageNode };
