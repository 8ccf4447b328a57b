import * as vscode from 'vscode';
import * as path from 'node:path';
import { attachmentId, type Attachment, type Chat } from '../../core/lark/model';
import { notDownloadableText } from '../platform/errorAdvice';
import { UNFINISHED_CHANGED, type DownloadIndex } from '../storage/downloadIndex';
import { formatBytes } from '../../core/util/formatBytes';
import type { ChatTreeModel } from './chatTreeModel';
import { ContextValues } from './contextValues';
import { attachmentDetails, attachmentLabel, messageLabel, senderText, whenText } from './rowText';
import type { AttachmentNode, ChatNode, ErrorNode, MessageNode, TreeNode, UnfinishedGroupNode, UnfinishedNode } from './nodes/treeNode';

const ATTACHMENT_ICONS: Record<Attachment['kind'], string> = {
	image: 'file-media',
	'post-image': 'file-media',
	cover: 'file-media',
	file: 'file',
	audio: 'unmute',
	video: 'device-camera-video',
	'post-media': 'device-camera-video',
	sticker: 'smiley',
	folder: 'folder',
	card: 'preview',
};

/** Maps the model to tree items; all fetching and caching lives in ChatTreeModel. */
export class ChatTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
	private readonly _onDidChangeTreeData = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
	readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
	private readonly chatNodes = new Map<string, ChatNode>();
	/** The attachment rows on screen by `messageId/fileKey`: a download refreshes only its own rows. */
	private readonly attachmentNodes = new Map<string, AttachmentNode[]>();
	private readonly subscriptions: vscode.Disposable[];
	private unfinishedGroup: UnfinishedGroupNode | undefined;

	constructor(
		private readonly model: ChatTreeModel,
		private readonly index: DownloadIndex,
		private readonly onlyWithAttachments: () => boolean = () => false,
		/** The file name a nameless attachment will get (the name template), for its row. */
		private readonly plannedName: (node: AttachmentNode) => string | undefined = () => undefined,
	) {
		this.subscriptions = [
			model.onDidChange((chat) => this._onDidChangeTreeData.fire(chat === undefined ? undefined : this.chatNodes.get(chat.id))),
			index.onDidChange((keys) => {
				if (keys.includes(UNFINISHED_CHANGED)) {
					// The group's rows change in place; the root only when the group appears or goes.
					const shown = this.unfinishedGroup !== undefined;
					this._onDidChangeTreeData.fire(shown && index.unfinished().length > 0 ? this.unfinishedGroup : undefined);
				}
				const nodes = keys.flatMap((key) => this.attachmentNodes.get(key) ?? []);
				if (nodes.length > 0) {
					this._onDidChangeTreeData.fire(nodes);
				}
			}),
		];
	}

	/** After the "only messages with attachments" setting changed. */
	refreshAll(): void {
		this._onDidChangeTreeData.fire(undefined);
	}

	async getChildren(element?: TreeNode): Promise<TreeNode[]> {
		if (element === undefined) {
			if (!(await this.model.isSignedIn())) {
				return []; // the welcome view explains how to sign in
			}
			const chats = await this.model.getChats();
			if (chats.state === 'error') {
				return [{ kind: 'error', message: chats.message }];
			}
			this.chatNodes.clear();
			const nodes: TreeNode[] = chats.value.map((chat) => {
				const node: ChatNode = { kind: 'chat', chat };
				this.chatNodes.set(chat.id, node);
				return node;
			});
			this.unfinishedGroup = this.index.unfinished().length === 0 ? undefined : (this.unfinishedGroup ?? { kind: 'unfinishedGroup' });
			return this.unfinishedGroup === undefined ? nodes : [...nodes, this.unfinishedGroup];
		}
		if (element.kind === 'unfinishedGroup') {
			return this.index.unfinished().map((download) => ({ kind: 'unfinished', download }));
		}
		if (element.kind === 'chat') {
			return this.chatChildren(element);
		}
		if (element.kind === 'message') {
			return element.message.attachments.map((attachment) => {
				const node: AttachmentNode = { kind: 'attachment', chat: element.chat, message: element.message, attachment };
				const key = attachmentId(attachment);
				this.attachmentNodes.set(key, [...(this.attachmentNodes.get(key) ?? []).filter((other) => other.message.id !== node.message.id), node]);
				return node;
			});
		}
		return [];
	}

	private async chatChildren(element: ChatNode): Promise<TreeNode[]> {
		const page = await this.model.getMessages(element.chat);
		if (page.state === 'error') {
			return [{ kind: 'error', message: page.message, chat: element.chat }];
		}
		const filtered = this.onlyWithAttachments();
		const messages = filtered ? page.value.messages.filter((message) => message.attachments.length > 0) : page.value.messages;
		const nodes: TreeNode[] = messages.map((message) => ({ kind: 'message', chat: element.chat, message }));
		if (page.value.hasMore) {
			nodes.push({ kind: 'loadMore', chat: element.chat });
		} else if (messages.length === 0) {
			nodes.push({ kind: 'empty', chat: element.chat, filtered: filtered && page.value.messages.length > 0 });
		}
		return nodes;
	}

	getTreeItem(node: TreeNode): vscode.TreeItem {
		switch (node.kind) {
			case 'chat':
				return chatItem(node.chat);
			case 'message':
				return messageItem(node);
			case 'attachment':
				return this.attachmentItem(node);
			case 'loadMore': {
				const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
				item.id = `more:${node.chat.id}`;
				item.iconPath = new vscode.ThemeIcon('more');
				item.tooltip = vscode.l10n.t('Load the next messages; Load All loads every message of this chat');
				item.contextValue = ContextValues.loadMore();
				item.command = { command: 'larkDownloader.loadMore', title: vscode.l10n.t('Load more…'), arguments: [node] };
				return item;
			}
			case 'empty': {
				const item = new vscode.TreeItem(node.filtered ? vscode.l10n.t('No messages with attachments') : vscode.l10n.t('No messages in this chat'), vscode.TreeItemCollapsibleState.None);
				item.id = `empty:${node.chat.id}`;
				item.iconPath = new vscode.ThemeIcon('info');
				return item;
			}
			case 'error':
				return errorItem(node);
			case 'unfinishedGroup': {
				const item = new vscode.TreeItem(vscode.l10n.t('Unfinished downloads ({0})', this.index.unfinished().length), vscode.TreeItemCollapsibleState.Expanded);
				item.id = 'unfinished';
				item.iconPath = new vscode.ThemeIcon('debug-pause');
				item.tooltip = vscode.l10n.t('Downloads that were cancelled or failed. Resume continues where they stopped; Discard deletes what they saved.');
				return item;
			}
			case 'unfinished':
				return unfinishedItem(node);
		}
	}

	dispose(): void {
		for (const subscription of this.subscriptions) {
			subscription.dispose();
		}
		this._onDidChangeTreeData.dispose();
	}

	private attachmentItem(node: AttachmentNode): vscode.TreeItem {
		const refusal = this.index.refusal(node.attachment.messageId, node.attachment.key);
		const attachment: Attachment = refusal === undefined ? node.attachment : { ...node.attachment, downloadable: false, notDownloadable: 'card-not-served', notDownloadableReason: refusal };
		const saved = attachment.downloadable ? this.index.saved(attachment.messageId, attachment.key) : undefined;
		const label = attachmentLabel(attachment, saved === undefined ? this.plannedName(node) : path.basename(saved.path));
		const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
		item.id = `attachment:${node.message.id}:${attachment.messageId}/${attachment.key}`;
		// The file icon theme's icon for the name (PDF, ZIP, image…); a plain codicon when the name says nothing.
		if (saved !== undefined || (attachment.name !== undefined && attachment.name !== '')) {
			item.resourceUri = saved === undefined ? vscode.Uri.file(`/${label}`) : vscode.Uri.file(saved.path);
			item.iconPath = vscode.ThemeIcon.File;
		} else {
			item.iconPath = new vscode.ThemeIcon(ATTACHMENT_ICONS[attachment.kind]);
		}
		const details = attachmentDetails(attachment, saved?.size, label);
		item.description = !attachment.downloadable ? notDownloadableText(attachment) : saved === undefined ? details : details === '' ? vscode.l10n.t('downloaded') : vscode.l10n.t('{0} · downloaded', details);
		item.tooltip = attachmentTooltip(label, attachment, node, saved?.path);
		item.accessibilityInformation = { label: `${label}, ${item.description}` };
		item.contextValue = ContextValues.attachment(attachment, saved !== undefined);
		if (saved !== undefined) {
			item.command = { command: 'larkDownloader.openAttachment', title: vscode.l10n.t('Open'), arguments: [node] };
		}
		return item;
	}
}

function attachmentTooltip(label: string, attachment: Attachment, node: AttachmentNode, savedPath: string | undefined): vscode.MarkdownString {
	const lines = [
		`**${escapeMarkdown(label)}**`,
		`${escapeMarkdown(senderText(node.message))} · ${escapeMarkdown(node.message.createTime.toLocaleString(vscode.env.language))}`,
		savedPath === undefined ? vscode.l10n.t('Not downloaded yet') : vscode.l10n.t('Downloaded: {0}', escapeMarkdown(vscode.workspace.asRelativePath(savedPath))),
		`${vscode.l10n.t('Message')}: \`${attachment.messageId}\` · ${vscode.l10n.t('Key')}: \`${attachment.key}\``,
	];
	const tooltip = new vscode.MarkdownString(lines.join('\n\n'));
	if (savedPath !== undefined && (attachment.kind === 'image' || attachment.kind === 'post-image' || attachment.kind === 'card' || attachment.kind === 'cover')) {
		// A thumbnail once the picture is on disk (the hover renders workspace files).
		tooltip.appendMarkdown(`\n\n![${escapeMarkdown(label)}](${vscode.Uri.file(savedPath).toString()}|width=240)`);
	}
	return tooltip;
}

function escapeMarkdown(text: string): string {
	return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

function unfinishedItem(node: UnfinishedNode): vscode.TreeItem {
	const { download } = node;
	const item = new vscode.TreeItem(download.fileName, vscode.TreeItemCollapsibleState.None);
	item.id = `unfinished:${download.partPath}`;
	item.resourceUri = vscode.Uri.file(path.join(download.directory, download.fileName));
	item.iconPath = vscode.ThemeIcon.File;
	item.description = download.total === null
		? vscode.l10n.t('starts over when resumed')
		: vscode.l10n.t('{0} of {1} · {2} %', formatBytes(download.bytesDone), formatBytes(download.total), Math.floor((download.bytesDone / download.total) * 100));
	item.tooltip = vscode.workspace.asRelativePath(download.partPath);
	item.contextValue = ContextValues.unfinished();
	item.command = { command: 'larkDownloader.resumeDownload', title: vscode.l10n.t('Resume'), arguments: [node] };
	return item;
}

function chatItem(chat: Chat): vscode.TreeItem {
	const item = new vscode.TreeItem(chat.name === '' ? chat.id : chat.name, vscode.TreeItemCollapsibleState.Collapsed);
	item.id = `chat:${chat.id}`;
	item.iconPath = new vscode.ThemeIcon(chat.type === 'p2p' ? 'person' : chat.type === 'topic' ? 'comment-discussion' : 'organization');
	item.description = chat.type === 'p2p' ? vscode.l10n.t('direct') : chat.type === 'topic' ? vscode.l10n.t('topics') : vscode.l10n.t('group');
	item.tooltip = chat.description === undefined || chat.description === '' ? item.label as string : `${item.label as string}\n${chat.description}`;
	item.contextValue = ContextValues.chat();
	return item;
}

function messageItem(node: MessageNode): vscode.TreeItem {
	const { message } = node;
	const hasAttachments = message.attachments.length > 0;
	const label = messageLabel(message);
	const item = new vscode.TreeItem(label, hasAttachments ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
	item.id = `message:${node.chat.id}:${message.id}`;
	const sender = senderText(message);
	item.description = `${sender} · ${whenText(message.createTime)}`;
	item.tooltip = new vscode.MarkdownString([
		`**${escapeMarkdown(sender)}** · ${escapeMarkdown(message.createTime.toLocaleString(vscode.env.language))}`,
		escapeMarkdown(message.deleted ? vscode.l10n.t('Recalled message') : message.textPreview),
		`\`${message.id}\``,
	].join('\n\n'));
	item.iconPath = new vscode.ThemeIcon(message.deleted ? 'trash' : hasAttachments ? (message.attachments.every((a) => a.resourceType === 'image') ? 'file-media' : 'files') : 'comment');
	item.accessibilityInformation = { label: `${sender}, ${whenText(message.createTime)}: ${label}` };
	item.contextValue = ContextValues.message(message);
	return item;
}

function errorItem(node: ErrorNode): vscode.TreeItem {
	const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
	item.id = `error:${node.chat?.id ?? 'chats'}`;
	item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
	item.tooltip = node.message;
	item.contextValue = ContextValues.error();
	item.command = { command: 'larkDownloader.retry', title: vscode.l10n.t('Retry'), arguments: [node] };
	return item;
}
