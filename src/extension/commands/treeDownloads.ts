import * as vscode from 'vscode';
import type { BulkSummary } from '../../core/bulk/bulkDownload';
import { parseTimeArg } from '../../core/lark/timeParse';
import { toLarkError } from '../../core/errors';
import { collectMessages } from '../../core/app/collectMessages';
import { abortSignalFrom } from '../platform/cancellation';
import type { TreeNode } from '../views/nodes/treeNode';
import type { CommandContext } from './commandContext';
import { offerOpen } from './downloadResource';
import { requireNode } from './nodeArgs';
import { adviseOn, LocalizedError, notDownloadableText } from '../platform/errorAdvice';

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
	});
	if (!alreadyThere) {
		offerOpen(uri);
	}
	return uri.fsPath;
}

/** Download All in Message. */
export async function downloadMessage(context: CommandContext, node?: TreeNode): Promise<void> {
	const { message, chat } = requireNode(node, 'message');
	const summary = await context.downloads.downloadMany([message], vscode.l10n.t('Downloading attachments of a message in {0}', chat.name), chat);
	reportSummary(context, summary);
}

interface RangeItem extends vscode.QuickPickItem {
	days?: number;
	custom?: boolean;
}

/** Download All in Chat…, after picking a time range; lists the messages, then one bulk progress. */
export async function downloadChat(context: CommandContext, node?: TreeNode): Promise<void> {
	const { chat } = requireNode(node, 'chat');
	const range = await pickRange(chat.name);
	const { client } = await context.connection.require();
	const messages = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Listing messages in {0}', chat.name), cancellable: true }, async (progress, token) => {
		const abort = abortSignalFrom(token);
		try {
			const collected = await collectMessages(client, { kind: 'container', containerId: chat.id, containerType: 'chat', ...range }, {
				signal: abort.signal,
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
	if (!messages.some((message) => message.attachments.length > 0)) {
		void vscode.window.showInformationMessage(vscode.l10n.t('No attachments in {0} for that time range.', chat.name));
		return;
	}
	const summary = await context.downloads.downloadMany(messages, vscode.l10n.t('Downloading attachments of {0}', chat.name), chat);
	reportSummary(context, summary);
}

async function pickRange(chatName: string): Promise<{ start?: Date; end?: Date }> {
	const items: RangeItem[] = [
		{ label: vscode.l10n.t('Last 24 hours'), days: 1 },
		{ label: vscode.l10n.t('Last 7 days'), days: 7 },
		{ label: vscode.l10n.t('Last 30 days'), days: 30 },
		{ label: vscode.l10n.t('All messages') },
		{ label: vscode.l10n.t('Custom range…'), custom: true },
	];
	const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Download all attachments in {0}', chatName), placeHolder: vscode.l10n.t('Which messages?') });
	if (picked === undefined) {
		throw new vscode.CancellationError();
	}
	if (picked.days !== undefined) {
		return { start: new Date(Date.now() - picked.days * 86_400_000) };
	}
	if (picked.custom !== true) {
		return {};
	}
	const start = await askDate(vscode.l10n.t('From (YYYY-MM-DD, optional)'), 'start');
	const end = await askDate(vscode.l10n.t('To (YYYY-MM-DD, optional)'), 'end');
	return { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) };
}

async function askDate(prompt: string, bound: 'start' | 'end'): Promise<Date | undefined> {
	const value = await vscode.window.showInputBox({
		prompt,
		ignoreFocusOut: true,
		validateInput: (v) => {
			if (v.trim() === '') {
				return undefined;
			}
			try {
				parseTimeArg(v.trim(), bound);
				return undefined;
			} catch (error) {
				return adviseOn(toLarkError(error)).text;
			}
		},
	});
	if (value === undefined) {
		throw new vscode.CancellationError();
	}
	return value.trim() === '' ? undefined : parseTimeArg(value.trim(), bound);
}

/** One short summary instead of a popup per file; details go to the log. */
function reportSummary(context: CommandContext, summary: BulkSummary): void {
	const text = vscode.l10n.t('Saved {0}, failed {1}, skipped {2} (not downloadable).', summary.saved.length, summary.failed.length, summary.skipped.length);
	if (summary.failed.length === 0) {
		void vscode.window.showInformationMessage(text);
		return;
	}
	const first = summary.failed[0]?.error;
	const showLog = vscode.l10n.t('Show Log');
	void vscode.window.showWarningMessage(`${text} ${first?.hint ?? first?.message ?? ''}`.trim(), showLog).then((choice) => {
		if (choice === showLog) {
			context.logger.show();
		}
	});
}
