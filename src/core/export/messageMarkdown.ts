import { numberField, stringField, type ContentObject } from '../lark/messageContent';
import { attachmentId, type ForwardedMessage, type Message } from '../lark/model';
import { attachmentByKey, fileMarkdown, formatDuration, imageMarkdown, ownAttachments, videoMarkdown, type RenderContext } from './attachmentMarkdown';
import { cardBlocks } from './cardMarkdown';
import { codeSpan, escapeInline, escapeWithUrls, guardLineStart, hardBreaks, quote } from './markdownEscape';
import { mentionMarkdown, postBlocks, type Block } from './postMarkdown';

const PREVIEW_LENGTH = 60;
/** Types whose content must be JSON: without it there is nothing to show but the type. */
const UNREADABLE_WITHOUT_JSON = new Set(['post', 'image', 'file', 'audio', 'media', 'video', 'sticker', 'folder', 'interactive']);

/**
 * One message as Markdown lines: `**sender** · time`, what it replies to or which thread it is in, then its
 * content by type; a merge_forward's messages follow nested in a block quote.
 */
export function messageMarkdown(message: Message, context: RenderContext, forwarded = false): string[] {
	const header = [`**${escapeInline(context.senderOf(message))}** · ${forwarded ? context.dateTime(message.createTime) : context.time(message.createTime)}`, ...contextLines(message, context)];
	const blocks = contentBlocks(message, context);
	const rest = ownAttachments(message).filter((attachment) => !context.linked.has(attachmentId(attachment)) && context.saved(attachment) !== undefined);
	if (rest.length > 0 && message.msgType !== 'merge_forward') {
		// Anything the type's rendering did not place (an unknown message type with files) still gets its link.
		blocks.push({ kind: 'paragraph', lines: rest.map((attachment) => fileMarkdown('📎', attachment, attachment.name ?? attachment.kind, context)) });
	}
	const [first, ...others] = blocks;
	const paragraphs: Block[] = first?.kind === 'paragraph' ? [{ kind: 'paragraph', lines: [...header, ...first.lines] }, ...others] : [{ kind: 'paragraph', lines: header }, ...blocks];
	return paragraphs.flatMap((block, index) => [...(index === 0 ? [] : ['']), ...(block.kind === 'paragraph' ? hardBreaks(block.lines) : block.lines)]);
}

/** `↪ Reply to **Bob** (09:01): “Kickoff…”` and `🧵 In the thread of …`. */
function contextLines(message: Message, context: RenderContext): string[] {
	const lines: string[] = [];
	if (message.parentId !== undefined) {
		const parent = context.find(message.parentId);
		const what = message.threadId === undefined ? 'Reply to' : 'Reply in the thread of';
		lines.push(parent === undefined ? `↪ *${what} an earlier message*` : `↪ *${what}* **${escapeInline(context.senderOf(parent))}** (${context.dateTime(parent.createTime)}): “${escapeInline(preview(parent))}”`);
	} else if (message.threadId !== undefined) {
		lines.push(`🧵 *Started a thread*`);
	}
	return lines;
}

function preview(message: Message): string {
	const text = message.textPreview;
	return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text;
}

function paragraph(...lines: string[]): Block[] {
	return [{ kind: 'paragraph', lines }];
}

function contentBlocks(message: Message, context: RenderContext): Block[] {
	if (message.deleted) {
		return paragraph('🚫 *This message was recalled.*');
	}
	if (message.body !== undefined && message.body.content === undefined && UNREADABLE_WITHOUT_JSON.has(message.msgType)) {
		return paragraph(`*${escapeInline(message.textPreview)} · Lark sent content that could not be read*`);
	}
	const content: ContentObject = message.body?.content ?? {};
	const own = ownAttachments(message);
	const name = (fallback: string): string => stringField(content, 'file_name') ?? own[0]?.name ?? fallback;
	switch (message.msgType) {
		case 'text':
			return paragraph(...textLines(stringField(content, 'text') ?? message.body?.rawText ?? message.textPreview, message));
		case 'post':
			return postBlocks(message, context);
		case 'image':
			return paragraph(imageMarkdown(attachmentByKey(message, stringField(content, 'image_key')) ?? own[0], 'Image', context));
		case 'file':
			return paragraph(fileMarkdown('📎', attachmentByKey(message, stringField(content, 'file_key')) ?? own[0], name('File'), context));
		case 'audio': {
			const duration = formatDuration(numberField(content, 'duration'));
			return paragraph(fileMarkdown('🎤', attachmentByKey(message, stringField(content, 'file_key')) ?? own[0], duration === undefined ? 'Voice message' : `Voice message · ${duration}`, context));
		}
		case 'media':
		case 'video':
			return paragraph(...videoMarkdown(attachmentByKey(message, stringField(content, 'file_key')), attachmentByKey(message, stringField(content, 'image_key')), name('Video'), context));
		case 'sticker':
			return paragraph('*\\[Sticker\\]*');
		case 'folder':
			return paragraph(`📁 ${escapeInline(name('Folder'))} · *folder, cannot be downloaded*`);
		case 'interactive':
			return cardBlocks(message, content, context);
		case 'merge_forward':
			return forwardBlocks(message, context);
		case 'system':
			return paragraph(`*${escapeInline(systemText(content) ?? message.textPreview)}*`);
		case 'share_chat':
			return paragraph(`*Shared a chat:* ${codeSpan(stringField(content, 'chat_id') ?? '?')}`);
		case 'share_user':
			return paragraph(`*Shared a contact:* ${codeSpan(stringField(content, 'user_id') ?? '?')}`);
		case 'location':
			return paragraph(`📍 ${escapeInline(stringField(content, 'name') ?? 'Location')}`);
		default:
			return paragraph(`*${escapeInline(message.textPreview)}*`);
	}
}

/** A text message's lines: mentions as `**@name**`, URLs linked, everything else escaped. */
export function textLines(text: string, message: Message): string[] {
	const mentions = message.body?.mentions ?? [];
	const keys = [...mentions.map((mention) => mention.key), '@_all'].filter((key) => key !== '').sort((a, b) => b.length - a.length);
	const pattern = new RegExp(keys.map((key) => key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
	return text.replace(/\r\n?/g, '\n').split('\n').map((line) => line.trim()).filter((line) => line !== '').map((line) => {
		let out = '';
		let last = 0;
		for (const match of line.matchAll(pattern)) {
			const mention = mentions.find((candidate) => candidate.key === match[0]);
			out += escapeWithUrls(line.slice(last, match.index)) + mentionMarkdown(mention?.name, match[0] === '@_all' ? 'all' : mention?.id);
			last = match.index + match[0].length;
		}
		return guardLineStart(out + escapeWithUrls(line.slice(last)));
	});
}

/** The forwarded messages in a block quote, nested ones one level deeper. */
function forwardBlocks(message: Message, context: RenderContext): Block[] {
	const children = message.forwarded;
	if (children === undefined || children.length === 0) {
		return paragraph('↪ *Forwarded messages (they could not be loaded)*');
	}
	return [{ kind: 'paragraph', lines: [`↪ *Forwarded ${children.filter((child) => child.upperMessageId === message.id).length} message(s):*`] }, { kind: 'block', lines: quote(forwardedLines(message.id, children, context)) }];
}

function forwardedLines(upperId: string, all: readonly ForwardedMessage[], context: RenderContext): string[] {
	const lines: string[] = [];
	for (const child of all.filter((candidate) => candidate.upperMessageId === upperId)) {
		const nested = child.msgType === 'merge_forward' ? { ...child, forwarded: all.filter((candidate) => candidate.id !== child.id) } : child;
		if (lines.length > 0) {
			lines.push('');
		}
		lines.push(...messageMarkdown(nested, context, true));
	}
	return lines;
}

/** `{from_user} invited {to_chatters} to this chat.` with the names filled in. */
function systemText(content: ContentObject): string | undefined {
	const template = stringField(content, 'template');
	if (template === undefined) {
		return undefined;
	}
	return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
		const value = content[key];
		return Array.isArray(value) ? value.filter((item) => typeof item === 'string').join(', ') : typeof value === 'string' ? value : whole;
	});
}
