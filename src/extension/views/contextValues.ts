import type { Attachment, Message } from '../../core/lark/model';

/** The only place contextValue strings are composed; the manifest's `viewItem` regexes match these. */
export const ContextValues = {
	chat: (): string => 'lark.chat',
	message: (message: Message): string => `lark.message:${message.attachments.some((a) => a.downloadable) ? 'attachments' : 'none'}`,
	attachment: (attachment: Attachment, downloaded: boolean): string =>
		attachment.downloadable ? `lark.attachment:${attachment.resourceType}:${downloaded ? 'downloaded' : 'new'}` : 'lark.attachment:none:unavailable',
	loadMore: (): string => 'lark.loadMore',
	error: (): string => 'lark.error',
	unfinished: (): string => 'lark.unfinished',
} as const;
