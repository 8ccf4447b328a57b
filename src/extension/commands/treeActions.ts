import * as vscode from 'vscode';
import { CHATS_VIEW_ID } from '../constants';
import { abortSignalFrom } from '../platform/cancellation';
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

/** Load All: every message of the chat, with progress in the view. */
export async function loadAll(context: CommandContext, node?: TreeNode): Promise<void> {
	if (node?.kind !== 'loadMore') {
		return;
	}
	const { chat } = node;
	await vscode.window.withProgress({ location: { viewId: CHATS_VIEW_ID }, title: vscode.l10n.t('Loading all messages of {0}', chat.name), cancellable: true }, async (progress, token) => {
		const abort = abortSignalFrom(token);
		try {
			await context.model.loadAll(chat, abort.signal, (loaded) => progress.report({ message: vscode.l10n.t('{0} messages', loaded) }));
		} finally {
			abort.dispose();
		}
	});
}

/** Show only messages with attachments / show all messages. */
export async function toggleOnlyWithAttachments(context: CommandContext): Promise<void> {
	await context.settings.setOnlyMessagesWithAttachments(!context.settings.onlyMessagesWithAttachments());
}
