import type { Identity } from '../auth/tokenProvider';
import { cancelledError, LarkError, toLarkError } from '../errors';
import type { ApiSession } from '../http/apiSession';
import type { ChatItem, MessageItem } from './apiTypes';
import { readEnvelopeData } from './envelope';
import { extractAttachments } from './extractAttachments';
import { expandMessage, type MessageWithChildren } from './mergeForward';
import { isObject } from './messageContent';
import type { Chat, Message } from './model';
import { toUnixSeconds } from './timeParse';
import { toChat, toMessage } from './toDomain';

export const CHATS_PATH = '/open-apis/im/v1/chats';
export const MESSAGES_PATH = '/open-apis/im/v1/messages';
export const MAX_CHAT_PAGE_SIZE = 100;
export const MAX_MESSAGE_PAGE_SIZE = 50;
const DEFAULT_CHAT_PAGE_SIZE = 50;
/** How far up a chain of nested merge_forward containers we follow `upper_message_id`. */
const MAX_FORWARD_DEPTH = 16;

export type ChatSort = 'active' | 'created';
export type ChatListType = 'group' | 'p2p';
export type MessageSort = 'asc' | 'desc';

/** Something the caller should tell the user: the listing is fine, but not everything is in it. */
export interface ListNotice {
	code: 'bot_strip_p2p' | 'merge_forward_unavailable' | 'thread_unavailable';
	message: string;
	messageId?: string;
	error?: LarkError;
}

export interface ChatListOptions {
	sort: ChatSort;
	/** Omitted: Lark's default (groups). p2p needs the user identity. */
	types?: readonly ChatListType[];
	pageSize?: number;
	onNotice?: (notice: ListNotice) => void;
}

export interface MessageListOptions {
	containerId: string;
	containerType: 'chat' | 'thread';
	start?: Date;
	end?: Date;
	sort: MessageSort;
	/** At most 50 (Lark's limit). */
	pageSize?: number;
	/** Fetch merge_forward children so their attachments are listed (one extra request each). Default true. */
	expandMergeForward?: boolean;
	onNotice?: (notice: ListNotice) => void;
}

/** One page and the token for the next ("Load more"); `pageToken` is undefined on the last page. */
export interface Page<T> {
	items: T[];
	hasMore: boolean;
	pageToken: string | undefined;
	notices: ListNotice[];
}

interface RawPage<T> {
	items: T[];
	hasMore: boolean;
	pageToken: string | undefined;
}

type Query = Record<string, string | undefined>;

/**
 * The IM read APIs over an ApiSession (token, request budget and retries shared with downloads):
 * chats, messages and single messages with their merge_forward children, mapped to the domain model.
 * Listings page lazily and stop at the next request once `signal` aborts.
 */
export class LarkClient {
	constructor(private readonly session: ApiSession) {}

	get identity(): Identity {
		return this.session.identity;
	}

	async listChatsPage(options: ChatListOptions, pageToken?: string, signal?: AbortSignal): Promise<Page<Chat>> {
		const { query, notices } = this.chatQuery(options);
		const page = await this.fetchPage(CHATS_PATH, query, pageToken, isChatItem, signal);
		return { items: page.items.map(toChat), hasMore: page.hasMore, pageToken: page.pageToken, notices };
	}

	async *listChats(options: ChatListOptions, signal?: AbortSignal): AsyncGenerator<Chat, void, undefined> {
		const { query, notices } = this.chatQuery(options);
		notices.forEach((notice) => options.onNotice?.(notice));
		for await (const items of this.allPages(CHATS_PATH, query, isChatItem, signal)) {
			yield* items.map(toChat);
		}
	}

	async listMessagesPage(options: MessageListOptions, pageToken?: string, signal?: AbortSignal): Promise<Page<Message>> {
		const query = messageQuery(options);
		const page = await this.fetchPage(MESSAGES_PATH, query, pageToken, isMessageItem, signal);
		const notices: ListNotice[] = [];
		const items = await this.toMessages(page.items, options, signal, (notice) => notices.push(notice));
		return { items, hasMore: page.hasMore, pageToken: page.pageToken, notices };
	}

	async *listMessages(options: MessageListOptions, signal?: AbortSignal): AsyncGenerator<Message, void, undefined> {
		const query = messageQuery(options);
		for await (const items of this.allPages(MESSAGES_PATH, query, isMessageItem, signal)) {
			yield* await this.toMessages(items, options, signal, (notice) => options.onNotice?.(notice));
		}
	}

	/**
	 * One message; for a merge_forward, with every (nested) child. Attachments carry the top-level
	 * container's id, which is the only id Lark serves them under. Asked for a child, this follows
	 * `upper_message_id` up to that container.
	 */
	async getMessage(messageId: string, signal?: AbortSignal): Promise<MessageWithChildren> {
		const id = messageId.trim();
		if (!id.startsWith('om_') || id.length <= 3) {
			throw new LarkError('validation', `Invalid message id ${JSON.stringify(messageId)}: it must start with om_.`, { reason: 'bad-message-id' });
		}
		const items = await this.fetchMessageItems(id, signal);
		let topItems = items;
		let top = items.find((item) => item.message_id === id);
		const seen = new Set([id]);
		while (top?.upper_message_id !== undefined && top.upper_message_id !== '' && !seen.has(top.upper_message_id) && seen.size <= MAX_FORWARD_DEPTH) {
			seen.add(top.upper_message_id);
			const upperItems = await this.fetchMessageItems(top.upper_message_id, signal);
			const upper = upperItems.find((item) => item.message_id === top?.upper_message_id);
			if (upper === undefined) {
				break;
			}
			top = upper;
			topItems = upperItems;
		}
		const source = topItems.some((item) => item.message_id === id) ? topItems : items;
		return expandMessage(source, id, top?.message_id ?? id);
	}

	/**
	 * A chat's name (`GET /im/v1/chats/{chat_id}`, which answers without chat_id), for naming its files; undefined
	 * when the chat has none (p2p) or this identity may not read it: a name is never worth failing a download.
	 */
	async getChatName(chatId: string, signal?: AbortSignal): Promise<string | undefined> {
		try {
			const data = await this.getData(`${CHATS_PATH}/${encodeURIComponent(chatId.trim())}`, { user_id_type: 'open_id' }, signal);
			return isObject(data) ? nonEmptyString(typeof data.name === 'string' ? data.name.trim() : undefined) : undefined;
		} catch (error) {
			if (toLarkError(error, signal).type === 'cancelled') {
				throw error;
			}
			return undefined;
		}
	}

	private async fetchMessageItems(id: string, signal: AbortSignal | undefined): Promise<MessageItem[]> {
		const data = await this.getData(`${MESSAGES_PATH}/${encodeURIComponent(id)}`, { user_id_type: 'open_id', card_msg_content_type: 'raw_card_content' }, signal);
		const items = isObject(data) && Array.isArray(data.items) ? data.items.filter(isMessageItem) : [];
		if (items.length === 0) {
			throw new LarkError('not_found', `Message ${id} was not found.`, { hint: 'Check the message id (om_…) and that this identity can see the chat.' });
		}
		return items;
	}

	/** Bots cannot list p2p chats: refuse p2p alone, strip it from a mix with a notice. */
	private chatQuery(options: ChatListOptions): { query: Query; notices: ListNotice[] } {
		const pageSize = checkPageSize(options.pageSize ?? DEFAULT_CHAT_PAGE_SIZE, MAX_CHAT_PAGE_SIZE);
		let types = options.types === undefined ? undefined : [...new Set(options.types)];
		const notices: ListNotice[] = [];
		if (this.identity === 'bot' && types?.includes('p2p') === true) {
			types = types.filter((type) => type !== 'p2p');
			if (types.length === 0) {
				throw new LarkError('validation', 'The bot identity cannot list p2p chats.', { reason: 'p2p-needs-user', hint: 'Use the user identity to list p2p chats.' });
			}
			notices.push({ code: 'bot_strip_p2p', message: 'p2p chats were left out: the bot identity cannot list them (use the user identity).' });
		}
		const query: Query = {
			user_id_type: 'open_id',
			sort_type: options.sort === 'active' ? 'ByActiveTimeDesc' : 'ByCreateTimeAsc',
			page_size: String(pageSize),
			types: types?.join(','),
		};
		return { query, notices };
	}

	private async toMessages(items: MessageItem[], options: MessageListOptions, signal: AbortSignal | undefined, notify: (notice: ListNotice) => void): Promise<Message[]> {
		const fallbackChatId = options.containerType === 'chat' ? options.containerId : '';
		const messages: Message[] = [];
		for (const item of items) {
			if (item.msg_type === 'merge_forward' && item.deleted !== true && options.expandMergeForward !== false) {
				const expanded = await this.forwarded(item, signal, notify);
				const message = toMessage(item, expanded?.container.attachments ?? [], fallbackChatId);
				messages.push(expanded === undefined || expanded.children.length === 0 ? message : { ...message, forwarded: expanded.children });
			} else {
				messages.push(toMessage(item, extractAttachments(item), fallbackChatId));
			}
		}
		return messages;
	}

	/** A container whose children cannot be loaded is still listed, with a notice instead of attachments. */
	private async forwarded(item: MessageItem, signal: AbortSignal | undefined, notify: (notice: ListNotice) => void): Promise<MessageWithChildren | undefined> {
		try {
			return await this.getMessage(item.message_id, signal);
		} catch (caught) {
			const error = toLarkError(caught, signal);
			if (error.type === 'cancelled') {
				throw error;
			}
			notify({ code: 'merge_forward_unavailable', message: `Could not load the messages forwarded in ${item.message_id}: ${error.message}`, messageId: item.message_id, error });
			return undefined;
		}
	}

	/** Every page from the first, lazily: the next request is made only when the caller wants more. */
	private async *allPages<T>(path: string, query: Query, isItem: (value: unknown) => value is T, signal: AbortSignal | undefined): AsyncGenerator<T[], void, undefined> {
		const seen = new Set<string>();
		let token: string | undefined;
		for (;;) {
			const page = await this.fetchPage(path, query, token, isItem, signal);
			yield page.items;
			if (!page.hasMore) {
				return;
			}
			if (page.pageToken === undefined || seen.has(page.pageToken)) {
				throw new LarkError('protocol', `Lark said ${path} has more pages but sent ${page.pageToken === undefined ? 'no' : 'a repeated'} page token.`);
			}
			seen.add(page.pageToken);
			token = page.pageToken;
		}
	}

	private async fetchPage<T>(path: string, query: Query, pageToken: string | undefined, isItem: (value: unknown) => value is T, signal: AbortSignal | undefined): Promise<RawPage<T>> {
		const data = await this.getData(path, { ...query, page_token: pageToken === '' ? undefined : pageToken }, signal);
		if (!isObject(data)) {
			return { items: [], hasMore: false, pageToken: undefined };
		}
		const items = Array.isArray(data.items) ? data.items.filter(isItem) : [];
		const next = nonEmptyString(data.page_token) ?? nonEmptyString(data.next_page_token);
		return { items, hasMore: data.has_more === true, pageToken: data.has_more === true ? next : undefined };
	}

	private getData(path: string, query: Query, signal: AbortSignal | undefined): Promise<unknown> {
		if (signal?.aborted === true) {
			return Promise.reject(cancelledError(signal.reason));
		}
		return this.session.withRetries(async () => {
			const response = await this.session.send({ url: this.session.url(path, query), headers: { accept: 'application/json' }, signal });
			return readEnvelopeData(response, signal);
		}, signal);
	}
}

function messageQuery(options: MessageListOptions): Query {
	const containerId = options.containerId.trim();
	if (containerId === '') {
		throw new LarkError('validation', `The ${options.containerType} id is empty.`);
	}
	if (options.start !== undefined && options.end !== undefined && options.start.getTime() > options.end.getTime()) {
		throw new LarkError('validation', 'The start time is after the end time.');
	}
	return {
		container_id_type: options.containerType,
		container_id: containerId,
		sort_type: options.sort === 'asc' ? 'ByCreateTimeAsc' : 'ByCreateTimeDesc',
		page_size: String(checkPageSize(options.pageSize ?? MAX_MESSAGE_PAGE_SIZE, MAX_MESSAGE_PAGE_SIZE)),
		start_time: options.start === undefined ? undefined : toUnixSeconds(options.start),
		end_time: options.end === undefined ? undefined : toUnixSeconds(options.end),
		card_msg_content_type: 'raw_card_content',
	};
}

function checkPageSize(size: number, max: number): number {
	if (!Number.isSafeInteger(size) || size < 1 || size > max) {
		throw new LarkError('validation', `Invalid page size ${size}: use 1 to ${max}.`);
	}
	return size;
}

function nonEmptyString(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

function isChatItem(value: unknown): value is ChatItem {
	return isObject(value) && typeof value.chat_id === 'string' && value.chat_id !== '';
}

function isMessageItem(value: unknown): value is MessageItem {
	return isObject(value) && typeof value.message_id === 'string' && value.message_id !== '' && typeof value.msg_type === 'string';
}
