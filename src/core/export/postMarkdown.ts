import { stringField, type ContentObject } from '../lark/messageContent';
import { attachmentId, type Mention, type Message } from '../lark/model';
import { postBodies, type PostBody } from '../lark/postContent';
import { attachmentByKey, imageMarkdown, videoMarkdown, type RenderContext } from './attachmentMarkdown';
import { codeBlock, escapeInline, escapeWithUrls, guardLineStart, webLinkDestination } from './markdownEscape';

/** A piece of a message's Markdown: a paragraph (its lines joined by hard breaks) or a block kept as it is. */
export interface Block {
	kind: 'paragraph' | 'block';
	lines: string[];
}

const BULLET = /^\s*(?:[-*•·▪◦]|\d{1,9}[.)])\s+/u;

/** A post: its title in bold, paragraphs with their styles, links, mentions, images, videos and code blocks. */
export function postBlocks(message: Message, context: RenderContext): Block[] {
	const bodies = postBodies(message.body?.content);
	if (bodies.length === 0) {
		return [{ kind: 'paragraph', lines: [escapeInline(message.textPreview)] }];
	}
	// Every language version: each may carry other pictures; the first is the one Lark shows by default.
	return bodies.flatMap((body, index) => bodyBlocks(body, message, context, bodies.length > 1 && index > 0));
}

function bodyBlocks(body: PostBody, message: Message, context: RenderContext, labelled: boolean): Block[] {
	const blocks: Block[] = [];
	let paragraph: string[] = [];
	let list: string[] = [];
	const flush = (): void => {
		if (paragraph.length > 0) {
			blocks.push({ kind: 'paragraph', lines: paragraph });
			paragraph = [];
		}
		if (list.length > 0) {
			blocks.push({ kind: 'block', lines: list });
			list = [];
		}
	};
	const title = [labelled ? `*${escapeInline(body.locale ?? '')}:*` : undefined, body.title === undefined ? undefined : `**${escapeInline(body.title)}**`].filter((part) => part !== undefined);
	if (title.length > 0) {
		paragraph.push(title.join(' '));
	}
	for (const row of body.paragraphs) {
		const bullet = BULLET.exec(firstText(row) ?? '');
		const first = row[0];
		// A paragraph typed as a list item ("- …", "1. …") stays one: the marker is ours, the rest is escaped.
		const elements = bullet === null || first === undefined ? row : [{ ...first, text: (first.text as string).slice(bullet[0].length) }, ...row.slice(1)];
		const inline: string[] = [];
		const endInline = (): void => {
			const line = inline.join('').trim();
			inline.length = 0;
			if (line === '') {
				return;
			}
			if (bullet !== null) {
				if (paragraph.length > 0) {
					flush();
				}
				list.push(`${listMarker(bullet[0])} ${line}`);
				return;
			}
			if (list.length > 0) {
				flush();
			}
			paragraph.push(guardLineStart(line));
		};
		for (const element of elements) {
			if (element.tag === 'code_block') {
				endInline();
				flush();
				blocks.push({ kind: 'block', lines: codeBlock(stringField(element, 'text') ?? '', stringField(element, 'language')) });
			} else if (element.tag === 'hr') {
				endInline();
				flush();
				blocks.push({ kind: 'block', lines: ['* * *'] });
			} else if (labelled && alreadyShown(message, element, context)) {
				// Another language version of the same post: its pictures and clips are shown once, with the first.
			} else if (element.tag === 'media') {
				endInline();
				if (list.length > 0) {
					flush();
				}
				const video = attachmentByKey(message, stringField(element, 'file_key'));
				paragraph.push(...videoMarkdown(video, attachmentByKey(message, stringField(element, 'image_key')), video?.name ?? 'Video', context));
			} else {
				const markdown = elementMarkdown(element, message, context);
				// Pictures side by side need a space between them.
				inline.push(element.tag === 'img' && inline.length > 0 && !/\s$/.test(inline.at(-1) ?? '') ? ` ${markdown}` : markdown);
			}
		}
		endInline();
	}
	flush();
	return blocks;
}

function alreadyShown(message: Message, element: ContentObject, context: RenderContext): boolean {
	const key = element.tag === 'img' ? stringField(element, 'image_key') : element.tag === 'media' ? stringField(element, 'file_key') : undefined;
	const attachment = attachmentByKey(message, key);
	return attachment !== undefined && context.linked.has(attachmentId(attachment));
}

function firstText(elements: readonly ContentObject[]): string | undefined {
	const first = elements[0];
	return first?.tag === 'text' && typeof first.text === 'string' ? first.text : undefined;
}

/** `-` or `3.`: the bullet typed in Lark as a Markdown list marker. */
function listMarker(bullet: string): string {
	const ordered = /^(\d{1,9})[.)]$/.exec(bullet.trim());
	return ordered === null ? '-' : `${ordered[1]}.`;
}

function elementMarkdown(element: ContentObject, message: Message, context: RenderContext): string {
	switch (element.tag) {
		case 'text':
			return styled(escapeWithUrls(typeof element.text === 'string' ? element.text : ''), element.style);
		case 'a': {
			const text = stringField(element, 'text') ?? stringField(element, 'href') ?? '';
			const destination = webLinkDestination(stringField(element, 'href') ?? '');
			return styled(destination === undefined ? escapeInline(text) : `[${escapeInline(text)}](${destination})`, element.style);
		}
		case 'at':
			return mentionMarkdown(stringField(element, 'user_name') ?? mentionName(message.body?.mentions ?? [], stringField(element, 'user_id')), stringField(element, 'user_id'));
		case 'img':
			return imageMarkdown(attachmentByKey(message, stringField(element, 'image_key')), 'Image', context);
		case 'emotion':
			return escapeInline(`:${stringField(element, 'emoji_type') ?? ''}:`);
		case 'md':
		case 'code':
			return escapeWithUrls(stringField(element, 'text') ?? '');
		default:
			return escapeInline(stringField(element, 'text') ?? '');
	}
}

function mentionName(mentions: readonly Mention[], id: string | undefined): string | undefined {
	return mentions.find((mention) => mention.id === id || mention.key === id)?.name;
}

/** `**@Bob**`; `@all` for everyone. */
export function mentionMarkdown(name: string | undefined, id: string | undefined): string {
	const shown = id === 'all' || id === '@_all' ? 'all' : name ?? id?.slice(-8) ?? 'someone';
	return `**@${escapeInline(shown)}**`;
}

/** Bold, italic and strikethrough around already escaped text, its outer spaces kept outside the markers. */
function styled(markdown: string, style: unknown): string {
	const styles = Array.isArray(style) ? style.filter((item): item is string => typeof item === 'string') : [];
	const core = markdown.trim();
	if (core === '' || styles.length === 0) {
		return markdown;
	}
	let out = core;
	if (styles.includes('lineThrough')) {
		out = `~~${out}~~`;
	}
	if (styles.includes('italic')) {
		out = `*${out}*`;
	}
	if (styles.includes('bold')) {
		out = `**${out}**`;
	}
	const lead = /^\s*/.exec(markdown)?.[0] ?? '';
	const trail = /\s*$/.exec(markdown)?.[0] ?? '';
	return `${lead}${out}${trail}`;
}
