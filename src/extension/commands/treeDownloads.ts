import * as vscode from 'vscode';
import type { Chat, Message } from '../../core/lark/model';
import type { BulkChoice } from '../services/archiveService';
import { resolveDownloadTarget } from '../services/workspaceTarget';
import { inRange, pickFilter, pickRange } from './bulkPickers';
import { collectMessages } from '../../core/app/collectMessages';
import { abortSignalFrom } from '../platform/cancellation';
import type { TreeNode } from '../views/nodes/treeNode';
import type { CommandContext } from './commandContext';
import { offerOpen } from './downloadResource';
import { requireNode } from './nodeArgs';
import { LocalizedError, notDownloadableText } from '../platform/errorAdvice';
import { reportSummary } from './bulkSummary';

/** Download (one attachment, inline in the tree). Returns the saved path. */
export async function downloadAttachment(context: CommandContext, node?: TreeNode): Promise<string> {
	const { attachment, chat, message } = requireNode(node, 'attachment');
	if (!attachment.downloadable) {
		throw new LocalizedError('validation', notDownloadableText(attachment));
	}
	const { uri, alreadyThere } = await context.downloads.download({
		ref: { messageId: attachment.messageId, fileKey: attachment.key, type: attachment.resourceType },
		listed: { chat, message, attachment },
		label: attachment.name ?? attachment.key,
		where: 'view',
	});
	if (!alreadyThere) {
		offerOpen(uri);
	}
	return uri.fsPath;
}

/** Download All in Message: what the download folder does not have yet. */
export async function downloadMessage(context: CommandContext, node?: TreeNode): Promise<void> {
	const { message, chat } = requireNode(node, 'message');
	const target = await resolveDownloadTarget(context.settings);
	const title = vscode.l10n.t('Downloading attachments of a message in {0}', chat.name);
	const summary = await context.archive.downloadMany([message], title, chat, {}, target);
	reportSummary(context, summary, { messages: [message], title, chat, target });
}

/**
 * Download All in Chat…: lists the chat's messages once, then asks which time range (each choice says what it
 * would fetch and skip) and which kinds and senders, then downloads what the folder does not have yet.
 */
export async function downloadChat(context: CommandContext, node?: TreeNode): Promise<void> {
	const { chat } = requireNode(node, 'chat');
	const target = await resolveDownloadTarget(context.settings);
	const messages = await listChat(context, chat);
	const range = await pickRange(chat.name, messages, (subset) => context.archive.plan(target, subset));
	const chosen = inRange(messages, range);
	const plan = await context.archive.plan(target, chosen);
	if (plan.fetch.length === 0 && plan.skip.length === 0) {
		void vscode.window.showInformationMessage(vscode.l10n.t('No attachments in {0} for that time range.', chat.name));
		return;
	}
	let choice: BulkChoice;
	if (plan.fetch.length === 0) {
		const again = vscode.l10n.t('Download Again');
		const answer = await vscode.window.showInformationMessage(vscode.l10n.t('All {0} attachments in {1} for that time range are already downloaded.', plan.skip.length, chat.name), again);
		if (answer !== again) {
			return;
		}
		choice = { force: true };
	} else {
		choice = await pickFilter(plan, senderLabel);
	}
	const title = vscode.l10n.t('Downloading attachments of {0}', chat.name);
	const summary = await context.archive.downloadMany(chosen, title, chat, choice, target);
	reportSummary(context, summary, { messages: chosen, title, chat, target, choice });
}

async function listChat(context: CommandContext, chat: Chat): Promise<Message[]> {
	const { client, senderNames } = await context.connection.require();
	return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Listing messages in {0}', chat.name), cancellable: true }, async (progress, token) => {
		const abort = abortSignalFrom(token);
		try {
			const collected = await collectMessages(client, { kind: 'container', containerId: chat.id, containerType: 'chat' }, {
				signal: abort.signal,
				senderNames,
				onProgress: ({ messages: count, attachments }) => {
					if (count % 50 === 0) {
						progress.report({ message: vscode.l10n.t('{0} messages, {1} attachments', count, attachments) });
					}
				},
			});
			for (const notice of collected.unlisted) {
				context.logger.warn('download', notice.message);
			}
			return collected.messages;
		} finally {
			abort.dispose();
		}
	});
}

/** The sender as the tree shows it: the name when Lark gave one, else the end of the open id. */
function senderLabel(message: Message): string {
	return message.senderName ?? (message.senderId === undefined ? vscode.l10n.t('Unknown sender') : `…${message.senderId.slice(-6)}`);
}
