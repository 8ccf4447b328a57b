/**
 * The Open API's JSON exactly as Lark sends it (snake_case, times as strings). Only `larkClient.ts`
 * and the mapping to the domain model see these; everything else works with `model.ts`.
 * Shapes: docs/lark-api.md §4.4–4.6.
 */

/** Every Open API answer: `code` 0 means success, anything else is an error with `msg`. */
export interface LarkEnvelope<T> {
	code: number;
	msg?: string;
	data?: T;
	error?: { log_id?: string };
}

/** One page of a paged list. Most IM APIs answer `page_token`; some use `next_page_token`. */
export interface PageData<T> {
	items?: T[];
	has_more?: boolean;
	page_token?: string;
	next_page_token?: string;
}

export type ChatMode = 'group' | 'topic' | 'p2p';

/** An item of `GET /open-apis/im/v1/chats`. */
export interface ChatItem {
	chat_id: string;
	avatar?: string;
	name?: string;
	description?: string;
	owner_id?: string;
	owner_id_type?: string;
	external?: boolean;
	tenant_key?: string;
	labels?: string[];
	chat_status?: 'normal' | 'dissolved' | 'dissolved_save';
	chat_mode?: ChatMode;
	p2p_target_type?: 'user' | 'bot';
	p2p_target_id?: string;
}

export interface MessageSender {
	id: string;
	id_type: string;
	/** user | app | anonymous | unknown */
	sender_type: string;
	tenant_key?: string;
	sender_name?: string;
}

export interface MessageMention {
	key: string;
	id: string;
	id_type: string;
	name: string;
	tenant_key?: string;
}

/** An item of `GET /open-apis/im/v1/messages` and `GET /open-apis/im/v1/messages/{id}`. */
export interface MessageItem {
	message_id: string;
	root_id?: string;
	parent_id?: string;
	thread_id?: string;
	msg_type: string;
	/** Milliseconds since the epoch, as a string. */
	create_time: string;
	update_time?: string;
	deleted?: boolean;
	updated?: boolean;
	/** For merge_forward children: the chat the message was originally sent in. */
	chat_id?: string;
	sender?: MessageSender;
	/** `content` is itself a JSON string whose shape depends on `msg_type` (§4.7). */
	body?: { content?: string };
	mentions?: MessageMention[];
	/** Set on merge_forward children: the container (or nested container) they belong to. */
	upper_message_id?: string;
}

export type ChatsPage = PageData<ChatItem>;
export type MessagesPage = PageData<MessageItem>;

/** `GET /open-apis/im/v1/messages/{id}`: the message, and for merge_forward all (nested) children. */
export interface GetMessageData {
	items?: MessageItem[];
}
