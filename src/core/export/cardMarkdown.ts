import { walkCard } from '../lark/cardContent';
import { isObject, stringField, type ContentObject } from '../lark/messageContent';
import type { Message } from '../lark/model';
import { imageMarkdown, ownAttachments, type RenderContext } from './attachmentMarkdown';
import { escapeLines, escapeInline } from './markdownEscape';
import type { Block } from './postMarkdown';

const TEXT_TAGS = new Set(['plain_text', 'lark_md', 'markdown']);
const MAX_LINES = 40;

/**
 * An interactive card described: `🗂 Card: **title**`, the texts of its elements as plain lines (a card's
 * Markdown is shown as text, never interpreted), then its images.
 */
export function cardBlocks(message: Message, content: ContentObject, context: RenderContext): Block[] {
	const header = isObject(content.header) ? content.header : undefined;
	const title = (header !== undefined && isObject(header.title) ? stringField(header.title, 'content') : undefined) ?? stringField(content, 'title');
	const lines = [title === undefined ? '🗂 *Card*' : `🗂 *Card:* **${escapeInline(title)}**`];
	const texts = cardTexts(content, header);
	lines.push(...texts.slice(0, MAX_LINES).flatMap(escapeLines));
	if (texts.length > MAX_LINES) {
		lines.push('…');
	}
	for (const attachment of ownAttachments(message).filter((candidate) => candidate.kind === 'card')) {
		lines.push(imageMarkdown(attachment, 'Card image', context));
	}
	return [{ kind: 'paragraph', lines }];
}

/** The `content` of every text element below the header, in document order. */
function cardTexts(content: ContentObject, header: ContentObject | undefined): string[] {
	const found: string[] = [];
	walkCard(content, (node) => {
		if (node === header) {
			return 'skip';
		}
		const text = typeof node.tag === 'string' && TEXT_TAGS.has(node.tag) ? stringField(node, 'content') : undefined;
		if (text === undefined) {
			return 'descend';
		}
		found.push(text);
		return 'skip';
	});
	return found;
}
