import type { MessageItem } from './apiTypes';
import { isObject, numberField, parseContent, stringField, type ContentObject } from './messageContent';
import { postBodies, postText } from './postContent';

const MAX_PREVIEW = 200;

/** A one-line, human-readable summary of a message for listings and the tree. */
export function textPreview(item: MessageItem): string {
	if (item.deleted === true) {
		return '[Recalled]';
	}
	const raw = item.body?.content ?? '';
	const content = parseContent(raw);
	// Non-JSON content is a placeholder (merge_forward) or plain text from an old client.
	const text = content === undefined && item.msg_type === 'text' ? raw : describe(item, content ?? {});
	const line = text.replace(/\s+/g, ' ').trim();
	return line.length > MAX_PREVIEW ? `${line.slice(0, MAX_PREVIEW - 1)}…` : line;
}

function describe(item: MessageItem, content: ContentObject): string {
	const name = (label: string, field = 'file_name'): string => {
		const value = stringField(content, field);
		return value === undefined ? `[${label}]` : `[${label}: ${value}]`;
	};
	switch (item.msg_type) {
		case 'text':
			return withMentionNames(stringField(content, 'text') ?? '', item);
		case 'post': {
			const [first] = postBodies(content);
			return first === undefined ? '[Post]' : withMentionNames(postText(first), item);
		}
		case 'image':
			return '[Image]';
		case 'file':
			return name('File');
		case 'folder':
			return name('Folder');
		case 'audio': {
			const ms = numberField(content, 'duration');
			return ms === undefined ? '[Voice]' : `[Voice: ${Math.round(ms / 1000)}s]`;
		}
		case 'media':
		case 'video':
			return name('Video');
		case 'sticker':
			return '[Sticker]';
		case 'interactive':
			return cardTitle(content) === undefined ? '[Card]' : `[Card: ${cardTitle(content)}]`;
		case 'merge_forward':
			return '[Merged forward]';
		case 'share_chat':
			return '[Shared chat]';
		case 'share_user':
			return '[Shared contact]';
		case 'location':
			return name('Location', 'name');
		case 'system':
			return '[System message]';
		default:
			return `[${item.msg_type}]`;
	}
}

/** Text content refers to mentions as `@_user_1`; show the names instead. */
function withMentionNames(text: string, item: MessageItem): string {
	let result = text;
	for (const mention of item.mentions ?? []) {
		if (mention.key !== '' && mention.name !== '') {
			result = result.split(mention.key).join(`@${mention.name}`);
		}
	}
	return result;
}

/** Card 1.0/2.0 `header.title.content`, or the rendered card's `title`. */
function cardTitle(content: ContentObject): string | undefined {
	const header = isObject(content.header) ? content.header : undefined;
	const title = header !== undefined && isObject(header.title) ? stringField(header.title, 'content') : undefined;
	return title ?? stringField(content, 'title');
}
