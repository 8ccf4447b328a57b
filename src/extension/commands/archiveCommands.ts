import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Chat } from '../../core/lark/model';
import { LocalizedError } from '../platform/errorAdvice';
import type { TreeNode } from '../views/nodes/treeNode';
import { resolveDownloadTarget } from '../services/workspaceTarget';
import { reportSummary } from './bulkSummary';
import type { CommandContext } from './commandContext';
import { requireNode } from './nodeArgs';

/** Sync Chat: only what is new since the last sync (or everything, the first time). */
export async function syncChat(context: CommandContext, node?: TreeNode): Promise<void> {
	const chat = node === undefined ? await pickChat(context) : requireNode(node, 'chat').chat;
	const target = await resolveDownloadTarget(context.settings);
	const result = await context.archive.sync(chat, target);
	if (result.summary === undefined || (result.summary.saved.length === 0 && result.summary.failed.length === 0)) {
		void vscode.window.showInformationMessage(vscode.l10n.t('{0} is up to date ({1} attachments downloaded).', chat.name, result.plan.skip.length));
		return;
	}
	const messages = [...new Map(result.plan.fetch.map((item) => [item.message.id, item.message])).values()];
	reportSummary(context, result.summary, { messages, title: vscode.l10n.t('Syncing {0}', chat.name), chat, target });
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

async function pickChat(context: CommandContext): Promise<Chat> {
	const chats = await context.model.getChats();
	if (chats.state === 'error') {
		throw new LocalizedError('api', chats.message);
	}
	const picked = await vscode.window.showQuickPick(chats.value.map((chat) => ({ label: chat.name, description: chat.description ?? '', chat })), { title: vscode.l10n.t('Lark: Sync Chat'), placeHolder: vscode.l10n.t('Which chat?') });
	if (picked === undefined) {
		throw new vscode.CancellationError();
	}
	return picked.chat;
}

