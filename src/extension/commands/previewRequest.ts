import * as vscode from 'vscode';
import { describeDryRun } from '../../core/app/dryRun';
import { namingOf } from '../../core/naming/nameTemplate';
import { nameTemplateOf } from '../services/nameTemplateSetting';
import { resolveDownloadTarget, type DownloadTarget } from '../services/workspaceTarget';
import { isAttachmentNode, type AttachmentNode, type TreeNode } from '../views/nodes/treeNode';
import type { CommandContext } from './commandContext';
import type { DownloadResourceArgs } from './commandIds';
import { LocalizedError, notDownloadableText } from '../platform/errorAdvice';
import { promptForResource, type ResourceInput } from './resourcePrompts';

/**
 * Lark: Preview Request… — the dry run: what would be sent and where it would land, sending nothing. From the
 * palette (asking for what the arguments leave out) or on an attachment row of the tree.
 */
export async function previewRequest(context: CommandContext, args: DownloadResourceArgs | TreeNode = {}): Promise<void> {
	const { engine } = await context.connection.require();
	const target = await resolveDownloadTarget(context.settings);
	const { ref, output } = isAttachmentNode(args) ? await fromRow(context, args, target) : await promptForResource(args as DownloadResourceArgs, vscode.l10n.t('Lark: Preview Request'));
	const plan = await engine.plan(ref, { root: target.root, ...(output === undefined ? { directory: target.directory } : { output }) });
	const text = JSON.stringify(describeDryRun(plan), null, 2);
	const uri = context.preview.add(`${ref.fileKey}.request.json`, `${text}\n`);
	const document = await vscode.workspace.openTextDocument(uri);
	await vscode.languages.setTextDocumentLanguage(document, 'json');
	await vscode.window.showTextDocument(document, { preview: true });
}

/** An attachment row: its reference, and the path the tree's Download would save it under (the name template). */
async function fromRow(context: CommandContext, node: AttachmentNode, target: DownloadTarget): Promise<ResourceInput> {
	const { attachment, message, chat } = node;
	if (!attachment.downloadable) {
		throw new LocalizedError('validation', notDownloadableText(attachment));
	}
	const naming = await namingOf(nameTemplateOf(context.settings, target), [message], () => Promise.resolve(chat.name), target.directory);
	return { ref: { messageId: attachment.messageId, fileKey: attachment.key, type: attachment.resourceType }, output: naming.outputFor(attachment) };
}
