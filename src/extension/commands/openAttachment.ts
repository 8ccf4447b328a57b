import * as vscode from 'vscode';
import type { TreeNode } from '../views/nodes/treeNode';
import type { CommandContext } from './commandContext';
import { requireNode } from './nodeArgs';
import { LocalizedError, notDownloadableText } from '../platform/errorAdvice';
import { openFile } from '../platform/fileOpener';

/**
 * Open: the saved file in VS Code's editor when VS Code can show it (image preview, text editor, …), else with the
 * system's default app (PDF, Office, archives, audio, video) — downloading it first if needed.
 */
export async function openAttachment(context: CommandContext, node?: TreeNode): Promise<void> {
	const { attachment, chat, message } = requireNode(node, 'attachment');
	if (!attachment.downloadable) {
		throw new LocalizedError('validation', notDownloadableText(attachment));
	}
	const uri = (await context.index.find(attachment.messageId, attachment.key))
		?? (await context.downloads.download({ ref: { messageId: attachment.messageId, fileKey: attachment.key, type: attachment.resourceType }, listed: { chat, message, attachment }, label: attachment.name ?? attachment.key, where: 'view' })).uri;
	await openFile(uri);
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
