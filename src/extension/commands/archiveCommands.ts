import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Chat } from '../../core/lark/model';
import { LocalizedError } from '../platform/errorAdvice';
import type { TreeNode } from '../views/nodes/treeNode';
import { resolveDownloadTarget } from '../services/workspaceTarget';
import { reportSummary } from './bulkSummary';
import type { CommandContext } from './commandContext';
import { requireNode } from './nodeArgs';
import { pickSyncScope } from './bulkPickers';
import { senderText } from '../views/rowText';

/** Sync Chat: only what is new since the last sync (or everything, the first time). */
export async function syncChat(context: CommandContext, node?: TreeNode): Promise<void> {
	const chat = node === undefined ? await pickChat(context, vscode.l10n.t('Lark: Sync Chat')) : requireNode(node, 'chat').chat;
	const target = await resolveDownloadTarget(context.settings);
	const shown = await context.model.getMessages(chat);
	const scope = await pickSyncScope(chat.name, shown.state === 'loaded' ? shown.value.messages : [], senderText);
	const result = await context.archive.sync(chat, target, scope);
	if (result.summary === undefined || (result.summary.saved.length === 0 && result.summary.failed.length === 0)) {
		void vscode.window.showInformationMessage(vscode.l10n.t('{0} is up to date ({1} attachments downloaded).', chat.name, result.plan.skip.length));
		return;
	}
	const messages = [...new Map(result.plan.fetch.map((item) => [item.message.id, item.message])).values()];
	reportSummary(context, result.summary, { messages, title: vscode.l10n.t('Syncing {0}', chat.name), chat, target });
}

/**
 * Export Chat as Markdown: the chat's transcript with its attachments linked, appended to `<chat>.md` in the
 * download folder, then shown in the Markdown preview.
 */
export async function exportChatMarkdown(context: CommandContext, node?: TreeNode): Promise<void> {
	const chat = node === undefined ? await pickChat(context, vscode.l10n.t('Lark: Export Chat as Markdown…')) : requireNode(node, 'chat').chat;
	const result = await context.archive.exportMarkdown(chat);
	const file = result.files.at(-1);
	if (file === undefined) {
		return;
	}
	await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(file.absolutePath));
	const failed = result.download?.summary?.failed.length ?? 0;
	const where = vscode.workspace.asRelativePath(file.absolutePath);
	if (failed > 0 || result.unlisted.length > 0) {
		const showLog = vscode.l10n.t('Show Log');
		void vscode.window.showWarningMessage(vscode.l10n.t('{0}: {1} new messages written to {2}, but {3} attachments could not be downloaded and are not linked.', chat.name, result.messagesWritten, where, failed + result.unlisted.length), showLog).then((choice) => {
			if (choice === showLog) {
				context.logger.show();
			}
		});
		return;
	}
	void vscode.window.showInformationMessage(result.messagesWritten === 0
		? vscode.l10n.t('{0} is up to date: nothing new to add to {1}.', chat.name, where)
		: vscode.l10n.t('{0}: {1} new messages written to {2} ({3} attachments linked).', chat.name, result.messagesWritten, where, result.attachmentsLinked));
}

/** Verify Downloads: re-hashes each download folder against its record. */
export async function verifyDownloads(context: CommandContext): Promise<void> {
	const results = await context.archive.verify();
	if (results.length === 0) {
		void vscode.window.showInformationMessage(vscode.l10n.t('Nothing downloaded yet in this workspace.'));
		return;
	}
	let checked = 0;
	const missing: string[] = [];
	const changed: string[] = [];
	for (const { folder, report } of results) {
		checked += report.checked;
		missing.push(...report.missing.map((resource) => vscode.workspace.asRelativePath(path.join(folder, resource.path))));
		changed.push(...report.changed.map(({ resource }) => vscode.workspace.asRelativePath(path.join(folder, resource.path))));
		context.logger.info('verify', `${folder}: ${report.ok.length} intact, ${report.missing.length} missing, ${report.changed.length} changed, ${report.unknown.length} not in the record${report.unknown.length === 0 ? '' : ` (${report.unknown.join(', ')})`}`);
	}
	for (const file of missing) {
		context.logger.warn('verify', `missing: ${file}`);
	}
	for (const file of changed) {
		context.logger.warn('verify', `changed: ${file}`);
	}
	if (missing.length === 0 && changed.length === 0) {
		void vscode.window.showInformationMessage(vscode.l10n.t('All {0} downloaded files are intact.', checked));
		return;
	}
	const showLog = vscode.l10n.t('Show Log');
	const first = [...changed, ...missing][0] ?? '';
	void vscode.window.showWarningMessage(vscode.l10n.t('{0} changed and {1} missing of {2} downloaded files (first: {3}). Download them again from the Lark view.', changed.length, missing.length, checked, first), showLog).then((choice) => {
		if (choice === showLog) {
			context.logger.show();
		}
	});
}

async function pickChat(context: CommandContext, title: string): Promise<Chat> {
	const chats = await context.model.getChats();
	if (chats.state === 'error') {
		throw new LocalizedError('api', chats.message);
	}
	const picked = await vscode.window.showQuickPick(chats.value.map((chat) => ({ label: chat.name, description: chat.description ?? '', chat })), { title, placeHolder: vscode.l10n.t('Which chat?') });
	if (picked === undefined) {
		throw new vscode.CancellationError();
	}
	return picked.chat;
}

