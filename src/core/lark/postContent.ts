import { isObject, stringField, type ContentObject } from './messageContent';

/** One language version of a post: its title and its paragraphs of elements. */
export interface PostBody {
	locale: string | undefined;
	title: string | undefined;
	paragraphs: ContentObject[][];
}

/** Preview order when a post has several languages; the rest follow alphabetically. */
const PREFERRED_LOCALES = ['zh_cn', 'en_us', 'ja_jp'];

/**
 * Every language version of a post. The list API answers `{title, content}` directly, while sent or
 * event payloads wrap it per locale (`{zh_cn: {…}, en_us: {…}}`), sometimes inside `{post: …}`.
 * Resources can differ between locales, so callers must look at all of them.
 */
export function postBodies(content: ContentObject | undefined): PostBody[] {
	if (content === undefined) {
		return [];
	}
	const inner = isObject(content.post) ? content.post : content;
	if (Array.isArray(inner.content)) {
		return [toBody(undefined, inner)];
	}
	return Object.keys(inner)
		.filter((locale) => isObject(inner[locale]))
		.sort(compareLocales)
		.map((locale) => toBody(locale, inner[locale] as ContentObject));
}

function compareLocales(a: string, b: string): number {
	const rank = (locale: string): number => {
		const index = PREFERRED_LOCALES.indexOf(locale.toLowerCase());
		return index === -1 ? PREFERRED_LOCALES.length : index;
	};
	return rank(a) - rank(b) || a.localeCompare(b);
}

function toBody(locale: string | undefined, body: ContentObject): PostBody {
	const rows = Array.isArray(body.content) ? body.content : [];
	// Paragraphs are arrays of elements; tolerate a flat element list too.
	const paragraphs = rows.map((row: unknown) => (Array.isArray(row) ? row : [row]).filter(isObject));
	return { locale, title: stringField(body, 'title'), paragraphs };
}

/** Readable text of a post body: title, then each paragraph on its own line. */
export function postText(body: PostBody): string {
	const lines = body.paragraphs.map((paragraph) => paragraph.map(elementText).join('').trim()).filter((line) => line !== '');
	return [body.title, ...lines].filter((line) => line !== undefined && line !== '').join('\n');
}

function elementText(element: ContentObject): string {
	switch (element.tag) {
		case 'text':
		case 'a':
		case 'code_block':
			return stringField(element, 'text') ?? '';
		case 'at':
			return `@${stringField(element, 'user_name') ?? stringField(element, 'user_id') ?? ''}`;
		case 'emotion':
			return `:${stringField(element, 'emoji_type') ?? ''}:`;
		case 'img':
			return '[Image]';
		case 'media':
			return '[Video]';
		default:
			return '';
	}
}
