import { parseArgs } from 'node:util';
import { LarkError } from '../../core/errors';
import { LarkClient, MAX_MESSAGE_PAGE_SIZE, type ListNotice, type MessageListOptions, type MessageSort } from '../../core/lark/larkClient';
import type { Attachment, Message } from '../../core/lark/model';
import { parseTimeArg } from '../../core/lark/timeParse';
import { openSession, parseIdentityChoice, type CliContext } from '../context';
import { printListing } from './listingOutput';
import { parsePositiveInteger } from './download';
import { cliErrorJson } from '../errorHints';

export const MESSAGES_USAGE = 'lark-dl messages (--chat-id oc_…|--thread-id omt_…) [--start TIME] [--end TIME] [--sort asc|desc] [--page-size N] [--page-token TOKEN] [--page-all] [--as auto|user|bot]';

export interface Container {
	containerId: string;
	containerType: 'chat' | 'thread';
}

/** Exactly one of --chat-id / --thread-id (and --message-id where the command has it). */
export function parseContainer(chatId: string | undefined, threadId: string | undefined): Container {
	if (chatId !== undefined && threadId !== undefined) {
		throw new LarkError('validation', 'Give either --chat-id or --thread-id, not both.');
	}
	if (chatId !== undefined) {
		return { containerId: checkId(chatId, 'oc_', '--chat-id', 'the chat_id (oc_…) from `lark-dl chats`'), containerType: 'chat' };
	}
	if (threadId !== undefined) {
		return { containerId: checkId(threadId, 'omt_', '--thread-id', 'the thread_id (omt_…) from `lark-dl messages`'), containerType: 'thread' };
	}
	throw new LarkError('validation', 'Missing --chat-id (or --thread-id).', { hint: 'List chats and their ids with `lark-dl chats`.' });
}

export function checkId(value: string, prefix: string, flag: string, source: string): string {
	const id = value.trim();
	if (!id.startsWith(prefix) || id.length <= prefix.length || /[\s/\\?#]/.test(id)) {
		throw new LarkError('validation', `Invalid ${flag} ${JSON.stringify(value)}: it must start with ${prefix}.`, { hint: `Use ${source}.` });
	}
	return id;
}

export function parseTimeRange(start: string | undefined, end: string | undefined): Pick<MessageListOptions, 'start' | 'end'> {
	const range = {
		...(start === undefined ? {} : { start: parseTimeArg(start, 'start', '--start') }),
		...(end === undefined ? {} : { end: parseTimeArg(end, 'end', '--end') }),
	};
	if (range.start !== undefined && range.end !== undefined && range.start > range.end) {
		throw new LarkError('validation', `--start ${JSON.stringify(start)} is after --end ${JSON.stringify(end)}.`, { reason: 'bad-time-range' });
	}
	return range;
}

function parseMessageSort(value: string | undefined): MessageSort {
	const sort = (value ?? 'desc').trim();
	if (sort !== 'asc' && sort !== 'desc') {
		throw new LarkError('validation', `Invalid --sort ${JSON.stringify(value)}: use asc or desc.`);
	}
	return sort;
}

/** --page-all walks every page itself, so a starting token makes no sense with it. */
export function checkPaging(pageAll: boolean, pageToken: string | undefined): void {
	if (pageAll && pageToken !== undefined) {
		throw new LarkError('validation', 'Give --page-all or --page-token, not both.');
	}
}

/** An attachment as the CLI prints it: `message_id` is the id to pass to `lark-dl download`. */
export function attachmentJson(attachment: Attachment): Record<string, unknown> {
	return {
		key: attachment.key,
		type: attachment.resourceType,
		kind: attachment.kind,
		...(attachment.name === undefined ? {} : { name: attachment.name }),
		...(attachment.sizeBytes === undefined ? {} : { size_bytes: attachment.sizeBytes }),
		...(attachment.durationMs === undefined ? {} : { duration_ms: attachment.durationMs }),
		message_id: attachment.messageId,
		...(attachment.sourceMessageId === attachment.messageId ? {} : { source_message_id: attachment.sourceMessageId }),
		downloadable: attachment.downloadable,
		...(attachment.notDownloadableReason === undefined ? {} : { reason: attachment.notDownloadableReason }),
	};
}

function messageJson(message: Message): Record<string, unknown> {
	return {
		message_id: message.id,
		msg_type: message.msgType,
		chat_id: message.chatId,
		create_time: message.createTime.toISOString(),
		...(message.senderId === undefined ? {} : {
			sender: { id: message.senderId, type: message.senderType, ...(message.senderName === undefined ? {} : { name: message.senderName }) },
		}),
		deleted: message.deleted,
		...(message.threadId === undefined ? {} : { thread_id: message.threadId }),
		...(message.parentId === undefined ? {} : { parent_id: message.parentId }),
		text: message.textPreview,
		attachments: message.attachments.map(attachmentJson),
	};
}

export function noticeJson(notice: ListNotice): Record<string, unknown> {
	return {
		code: notice.code,
		message: notice.message,
		...(notice.messageId === undefined ? {} : { message_id: notice.messageId }),
		...(notice.error === undefined ? {} : { error: cliErrorJson(notice.error) }),
	};
}

export async function runMessages(args: string[], context: CliContext): Promise<number> {
	const { values } = parseArgs({
		args,
		strict: true,
		allowPositionals: false,
		options: {
			'chat-id': { type: 'string' },
			'thread-id': { type: 'string' },
			start: { type: 'string' },
			end: { type: 'string' },
			sort: { type: 'string' },
			'page-size': { type: 'string' },
			'page-token': { type: 'string' },
			'page-all': { type: 'boolean' },
			as: { type: 'string' },
		},
	});
	// Everything is validated before the first request.
	const pageAll = values['page-all'] === true;
	checkPaging(pageAll, values['page-token']);
	const options: MessageListOptions = {
		...parseContainer(values['chat-id'], values['thread-id']),
		...parseTimeRange(values.start, values.end),
		sort: parseMessageSort(values.sort),
		pageSize: parsePositiveInteger('--page-size', values['page-size'], 1, MAX_MESSAGE_PAGE_SIZE),
	};
	const session = openSession(context, parseIdentityChoice(values.as));
	const client = new LarkClient(session);
	return printListing(context, session, 'messages', pageAll, {
		all: (onNotice) => client.listMessages({ ...options, onNotice }, context.signal),
		page: () => client.listMessagesPage(options, values['page-token'], context.signal),
	}, messageJson);
}
