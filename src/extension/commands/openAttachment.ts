import * as vscode from 'vscode';
import type { TreeNode } from '../views/nodes/treeNode';
import type { CommandContext } from './commandContext';
import { requireNode } from './nodeArgs';
import { LocalizedError, notDownloadableText } from '../platform/errorAdvice';

/** Open: the saved file in its editor (image preview, text editor, …), downloading it first if needed. */
export async function openAttachment(context: CommandContext, node?: TreeNode): Promise<void> {
	const { attachment, chat, message } = requireNode(node, 'attachment');
	if (!attachment.downloadable) {
		throw new LocalizedError('validation', notDownloadableText(attachment));
	}
	const uri = (await context.index.find(attachment.messageId, attachment.key))
		?? (await context.downloads.download({ ref: { messageId: attachment.messageId, fileKey: attachment.key, type: attachment.resourceType }, listed: { chat, message, attachment }, label: attachment.name ?? attachment.key })).uri;
	await vscode.commands.executeCommand('vscode.open', uri);
}

/** Reveal in Explorer. */
export async function revealAttachment(context: CommandContext, node?: TreeNode): Promise<void> {
	const { attachment } = requireNode(node, 'attachment');
	const uri = await context.index.find(attachment.messageId, attachment.key);
	if (uri === undefined) {
		throw new LocalizedError('io', vscode.l10n.t('This attachment has not been downloaded yet (or the file was moved).'));
	}
	await vscode.commands.executeCommand('revealInExplorer', uri);
}
