import * as vscode from 'vscode';
import type { Attachment, Message } from '../../core/lark/model';
import { formatBytes } from '../../core/util/formatBytes';

// What the tree's rows say, in the user's language: pure functions of the model (and the clock), tested in plain Node.

/** The sender as a person reads it: the name when Lark gave one, else the end of the open id. */
export function senderText(message: Pick<Message, 'senderId' | 'senderName' | 'senderType'>): string {
	if (message.senderName !== undefined && message.senderName !== '') {
		return message.senderName;
	}
	if (message.senderType === 'app') {
		return vscode.l10n.t('Bot');
	}
	return message.senderId === undefined ? vscode.l10n.t('Unknown sender') : `…${message.senderId.slice(-6)}`;
}

/** "just now", "5 minutes ago", "3 hours ago" today; otherwise the day and time ("Mon, Nov 30, 14:02"). */
export function whenText(date: Date, now: Date = new Date(), locale: string = vscode.env.language): string {
	const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
	const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
	if (seconds >= 0 && seconds < 60) {
		return relative.format(0, 'second');
	}
	if (seconds >= 0 && seconds < 3600) {
		return relative.format(-Math.floor(seconds / 60), 'minute');
	}
	if (seconds >= 0 && seconds < 12 * 3600 && date.toDateString() === now.toDateString()) {
		return relative.format(-Math.floor(seconds / 3600), 'hour');
	}
	const sameYear = date.getFullYear() === now.getFullYear();
	return new Intl.DateTimeFormat(locale, { weekday: 'short', month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }), hour: '2-digit', minute: '2-digit' }).format(date);
}

/** What a message is about, for its row: its text, else the names of its files, else what kind of message it is. */
export function messageLabel(message: Message): string {
	if (message.deleted) {
		return vscode.l10n.t('Recalled message');
	}
	const preview = message.textPreview.trim();
	const placeholder = /^\[[^\]]*\]$/.test(preview);
	if (preview !== '' && !placeholder) {
		return preview;
	}
	const names = message.attachments.flatMap((attachment) => (attachment.name === undefined || attachment.name === '' ? [] : [attachment.name]));
	if (names.length > 0) {
		return names.join(', ');
	}
	const titled = /^\[Card: (.+)\]$/.exec(preview)?.[1];
	return titled ?? messageKindText(message.msgType, message.attachments.length);
}

function messageKindText(msgType: string, attachments: number): string {
	switch (msgType) {
		case 'image':
			return vscode.l10n.t('Image');
		case 'audio':
			return vscode.l10n.t('Voice message');
		case 'media':
			return vscode.l10n.t('Video');
		case 'sticker':
			return vscode.l10n.t('Sticker');
		case 'interactive':
			return vscode.l10n.t('Card');
		case 'merge_forward':
			return vscode.l10n.t('Forwarded messages ({0} attachments)', attachments);
		case 'share_chat':
			return vscode.l10n.t('Shared chat');
		case 'share_user':
			return vscode.l10n.t('Shared contact');
		case 'system':
			return vscode.l10n.t('System message');
		default:
			return vscode.l10n.t('Message ({0})', msgType);
	}
}

const KIND_WORDS: () => Record<Attachment['kind'], string> = () => ({
	image: vscode.l10n.t('Image'),
	'post-image': vscode.l10n.t('Image in post'),
	cover: vscode.l10n.t('Video cover'),
	file: vscode.l10n.t('File'),
	audio: vscode.l10n.t('Voice message'),
	video: vscode.l10n.t('Video'),
	'post-media': vscode.l10n.t('Video in post'),
	sticker: vscode.l10n.t('Sticker'),
	folder: vscode.l10n.t('Folder'),
	card: vscode.l10n.t('Card image'),
});

export function kindText(kind: Attachment['kind']): string {
	return KIND_WORDS()[kind];
}

/** An attachment's row: the name the sender gave (or, once downloaded, the file's name), else its kind. */
export function attachmentLabel(attachment: Attachment, savedName?: string): string {
	if (attachment.name !== undefined && attachment.name !== '') {
		return attachment.name;
	}
	return savedName ?? kindText(attachment.kind);
}

/** "Image · 1.4 MiB", "Voice message · 0:12": the kind (unless the label already is it) and what is known of its size. */
export function attachmentDetails(attachment: Attachment, sizeOnDisk?: number, label?: string): string {
	const size = attachment.sizeBytes ?? sizeOnDisk;
	const kind = kindText(attachment.kind);
	const parts = label === kind ? [] : [kind];
	if (size !== undefined) {
		parts.push(formatBytes(size));
	}
	if (attachment.durationMs !== undefined) {
		const total = Math.round(attachment.durationMs / 1000);
		parts.push(`${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`);
	}
	return parts.join(' · ');
}
