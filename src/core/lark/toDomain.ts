import type { ChatItem, MessageItem } from './apiTypes';
import { parseContent } from './messageContent';
import type { Attachment, Chat, Message, MessageBody } from './model';
import { textPreview } from './textPreview';

/** ChatItem → Chat; a p2p chat has no name of its own, so fall back to the peer's id. */
export function toChat(item: ChatItem): Chat {
	const type = item.chat_mode === 'p2p' || item.chat_mode === 'topic' ? item.chat_mode : 'group';
	const name = nonEmpty(item.name) ?? nonEmpty(item.p2p_target_id) ?? item.chat_id;
	return {
		id: item.chat_id,
		name,
		type,
		...optional('description', nonEmpty(item.description)),
		...optional('external', item.external),
		...optional('avatarUrl', nonEmpty(item.avatar)),
	};
}

/** MessageItem → Message with the given attachments (extracted by the caller). */
export function toMessage(item: MessageItem, attachments: Attachment[], fallbackChatId = ''): Message {
	const millis = Number(item.create_time);
	return {
		id: item.message_id,
		chatId: nonEmpty(item.chat_id) ?? fallbackChatId,
		msgType: item.msg_type,
		...optional('senderId', nonEmpty(item.sender?.id)),
		...optional('senderType', nonEmpty(item.sender?.sender_type)),
		...optional('senderName', nonEmpty(item.sender?.sender_name)),
		createTime: new Date(Number.isFinite(millis) ? millis : 0),
		deleted: item.deleted === true,
		textPreview: textPreview(item),
		attachments,
		body: toBody(item),
		...optional('threadId', nonEmpty(item.thread_id)),
		...optional('parentId', nonEmpty(item.parent_id)),
	};
}

function toBody(item: MessageItem): MessageBody {
	const raw = item.body?.content;
	const content = parseContent(raw);
	const mentions = (item.mentions ?? []).filter((mention) => mention.key !== '').map((mention) => ({
		key: mention.key,
		...optional('id', nonEmpty(mention.id)),
		...optional('name', nonEmpty(mention.name)),
	}));
	return { ...(content === undefined ? optional('rawText', nonEmpty(raw)) : { content }), mentions };
}

function nonEmpty(value: string | undefined): string | undefined {
	return value === undefined || value.trim() === '' ? undefined : value;
}

/** `{name: value}` when value is defined, else `{}`: keeps absent optional fields absent. */
function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
	return (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };
}
