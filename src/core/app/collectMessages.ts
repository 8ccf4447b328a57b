import type { LarkClient, ListNotice, MessageListOptions } from '../lark/larkClient';
import { MAX_MESSAGE_PAGE_SIZE } from '../lark/larkClient';
import type { Message } from '../lark/model';
import type { SenderNames } from '../lark/senderNames';

/** What to collect: one message (a merge_forward with its children), or a chat's or thread's messages. */
export type MessageSource =
	| { kind: 'message'; messageId: string }
	| { kind: 'container' } & Pick<MessageListOptions, 'containerId' | 'containerType' | 'start' | 'end'>;

export interface Collected {
	/** Oldest first; a merge_forward's attachments are those of its children, with the container's id. */
	messages: Message[];
	/** Messages whose forwarded children could not be listed (their attachments are missing). */
	unlisted: ListNotice[];
}

export interface CollectOptions {
	signal?: AbortSignal;
	/** Names the messages' senders (the listing carries ids only) when given. */
	senderNames?: Pick<SenderNames, 'nameMessages'>;
	/** After each message: how many messages and attachments so far. */
	onProgress?: (progress: { messages: number; attachments: number }) => void;
}

/**
 * The messages (and so the attachments) a bulk download works on, every page, for both front ends: the
 * CLI's `download-all` and the extension's Download All in Chat / in Message.
 */
export async function collectMessages(client: Pick<LarkClient, 'getMessage' | 'listMessages'>, source: MessageSource, options: CollectOptions = {}): Promise<Collected> {
	const messages: Message[] = [];
	const notices: ListNotice[] = [];
	let attachments = 0;
	const add = (message: Message): void => {
		messages.push(message);
		attachments += message.attachments.length;
		options.onProgress?.({ messages: messages.length, attachments });
	};
	if (source.kind === 'message') {
		add((await client.getMessage(source.messageId, options.signal)).container);
	} else {
		const listing: MessageListOptions = {
			containerId: source.containerId,
			containerType: source.containerType,
			...(source.start === undefined ? {} : { start: source.start }),
			...(source.end === undefined ? {} : { end: source.end }),
			sort: 'asc',
			pageSize: MAX_MESSAGE_PAGE_SIZE,
			onNotice: (notice) => notices.push(notice),
		};
		for await (const message of client.listMessages(listing, options.signal)) {
			add(message);
		}
	}
	await options.senderNames?.nameMessages(messages, options.signal);
	return { messages, unlisted: notices.filter((notice) => notice.error !== undefined) };
}
