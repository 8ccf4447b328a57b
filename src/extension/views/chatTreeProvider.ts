import * as vscode from 'vscode';
import type { Attachment, Chat } from '../../core/lark/model';
import { formatBytes } from '../../core/util/formatBytes';
import { notDownloadableText } from '../platform/errorAdvice';
import type { DownloadIndex } from '../storage/downloadIndex';
import type { ChatTreeModel } from './chatTreeModel';
import { ContextValues } from './contextValues';
import type { AttachmentNode, ChatNode, ErrorNode, MessageNode, TreeNode } from './nodes/treeNode';

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
	private readonly _onDidChangeTreeData = new vscode.EventEmitter<TreeNode | undefined>();
	readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
	private readonly chatNodes = new Map<string, ChatNode>();
	private readonly subscriptions: vscode.Disposable[];

	constructor(private readonly model: ChatTreeModel, private readonly index: DownloadIndex) {
		this.subscriptions = [
			model.onDidChange((chat) => this._onDidChangeTreeData.fire(chat === undefined ? undefined : this.chatNodes.get(chat.id))),
			index.onDidChange(() => this._onDidChangeTreeData.fire(undefined)),
		];
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
			return chats.value.map((chat) => {
				const node: ChatNode = { kind: 'chat', chat };
				this.chatNodes.set(chat.id, node);
				return node;
			});
		}
		if (element.kind === 'chat') {
			const page = await this.model.getMessages(element.chat);
			if (page.state === 'error') {
				return [{ kind: 'error', message: page.message, chat: element.chat }];
			}
			const nodes: TreeNode[] = page.value.messages.map((message) => ({ kind: 'message', chat: element.chat, message }));
			if (page.value.hasMore) {
				nodes.push({ kind: 'loadMore', chat: element.chat });
			}
			return nodes;
		}
		if (element.kind === 'message') {
			return element.message.attachments.map((attachment) => ({ kind: 'attachment', chat: element.chat, message: element.message, attachment }));
		}
		return [];
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
				item.contextValue = ContextValues.loadMore();
				item.command = { command: 'larkDownloader.loadMore', title: vscode.l10n.t('Load more…'), arguments: [node] };
				return item;
			}
			case 'error':
				return errorItem(node);
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
		const downloaded = attachment.downloadable && this.index.has(attachment.messageId, attachment.key);
		const item = new vscode.TreeItem(attachmentLabel(attachment), vscode.TreeItemCollapsibleState.None);
		item.id = `attachment:${node.message.id}:${attachment.messageId}/${attachment.key}`;
		item.iconPath = new vscode.ThemeIcon(downloaded ? 'pass-filled' : ATTACHMENT_ICONS[attachment.kind]);
		const details = [attachment.kind, attachment.sizeBytes === undefined ? undefined : formatBytes(attachment.sizeBytes), attachment.durationMs === undefined ? undefined : `${Math.round(attachment.durationMs / 1000)} s`];
		item.description = attachment.downloadable
			? `${downloaded ? '✓ ' : ''}${details.filter((d) => d !== undefined).join(' · ')}`
			: notDownloadableText(attachment);
		item.tooltip = new vscode.MarkdownString([
			`**${attachment.name ?? attachment.key}**`,
			`${vscode.l10n.t('Message')}: \`${attachment.messageId}\``,
			`${vscode.l10n.t('Key')}: \`${attachment.key}\` (${attachment.resourceType})`,
			downloaded ? vscode.l10n.t('Downloaded') : '',
		].filter((l) => l !== '').join('\n\n'));
		item.contextValue = ContextValues.attachment(attachment, downloaded);
		if (downloaded) {
			item.command = { command: 'larkDownloader.openAttachment', title: vscode.l10n.t('Open'), arguments: [node] };
		}
		return item;
	}
}

/** "ou_f9220ea2a0bb5bfc0f41f010e3097e01" → "ou_f922…7e01": enough to tell senders apart. */
export function abbreviateId(id: string): string {
	return id.length <= 14 ? id : `${id.slice(0, 7)}…${id.slice(-4)}`;
}

/** The file name when the message has one; otherwise what the attachment is, with a short key to tell several apart. */
function attachmentLabel(attachment: Attachment): string {
	if (attachment.name !== undefined && attachment.name !== '') {
		return attachment.name;
	}
	const kinds: Record<Attachment['kind'], string> = {
		image: vscode.l10n.t('Image'),
		'post-image': vscode.l10n.t('Image in post'),
		cover: vscode.l10n.t('Video cover'),
		file: vscode.l10n.t('File'),
		audio: vscode.l10n.t('Voice message'),
		video: vscode.l10n.t('Video'),
		'post-media': vscode.l10n.t('Video in post'),
		sticker: vscode.l10n.t('Sticker'),
		folder: vscode.l10n.t('Folder'),
		card: vscode.l10n.t('Card'),
	};
	return `${kinds[attachment.kind]} · ${abbreviateId(attachment.key)}`;
}

function chatItem(chat: Chat): vscode.TreeItem {
	const item = new vscode.TreeItem(chat.name === '' ? chat.id : chat.name, vscode.TreeItemCollapsibleState.Collapsed);
	item.id = `chat:${chat.id}`;
	item.iconPath = new vscode.ThemeIcon(chat.type === 'p2p' ? 'person' : chat.type === 'topic' ? 'comment-discussion' : 'organization');
	item.description = chat.type === 'p2p' ? vscode.l10n.t('direct') : chat.type;
	item.tooltip = chat.description ?? chat.id;
	item.contextValue = ContextValues.chat();
	return item;
}

function messageItem(node: MessageNode): vscode.TreeItem {
	const { message } = node;
	const downloadable = message.attachments.length > 0;
	// The message list carries sender ids, not names (names need the contact API): keep ids short.
	const sender = message.senderName ?? (message.senderId === undefined ? message.senderType ?? '' : abbreviateId(message.senderId));
	const time = message.createTime.toLocaleString();
	const item = new vscode.TreeItem(`${sender === '' ? '' : `${sender} · `}${time}`, downloadable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
	item.id = `message:${node.chat.id}:${message.id}`;
	item.description = message.deleted ? vscode.l10n.t('(deleted)') : message.textPreview;
	item.tooltip = new vscode.MarkdownString(`${message.textPreview}\n\n\`${message.id}\` · ${message.msgType}`);
	item.iconPath = new vscode.ThemeIcon(downloadable ? 'file-zip' : 'comment');
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

