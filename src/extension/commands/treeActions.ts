import type { TreeNode } from '../views/nodes/treeNode';
import type { CommandContext } from './commandContext';

export function refresh(context: CommandContext): Promise<void> {
	context.connection.reset();
	context.model.refresh();
	return Promise.resolve();
}

/** Retry on an error row: reload the list that failed. */
export function retry(context: CommandContext, node?: TreeNode): Promise<void> {
	context.model.refresh(node?.kind === 'error' ? node.chat : undefined);
	return Promise.resolve();
}

export async function loadMore(context: CommandContext, node?: TreeNode): Promise<void> {
	if (node?.kind === 'loadMore') {
		await context.model.loadMore(node.chat);
	}
}
