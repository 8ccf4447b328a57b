/**
 * Text from a message made inert in CommonMark (and markdown-it as VS Code's preview runs it: HTML, tables,
 * strikethrough, linkify, math): what a message says is always shown as text, never interpreted.
 */

/** Every character that can start inline syntax: emphasis, code, links, HTML, entities, tables, math. */
const INLINE_SPECIAL = /[\\`*_[\]<>&|~$]/g;
/** What a line must not start with: it would begin a heading, quote, list, setext underline or fence. */
const LINE_START_SPECIAL = /^([#>+=-])/;
const ORDERED_LIST_START = /^(\d{1,9})([.)])/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u2028\u2029]/g;

/** One line of text, escaped for use anywhere inline: a paragraph, link text, alt text, emphasis. */
export function escapeInline(text: string): string {
	return text.replace(CONTROL, '').replace(/[\r\n\t]+/g, ' ').replace(INLINE_SPECIAL, '\\$&');
}

/**
 * A line of text as a line of a paragraph: escaped inline, leading white space dropped (it would be lost or
 * make a code block), and a start that would begin a block escaped.
 */
export function escapeLine(text: string): string {
	return guardLineStart(escapeInline(text.trimStart()));
}

/** Multi-line text as lines of a paragraph (the caller joins them with hard breaks); empty lines are dropped. */
export function escapeLines(text: string): string[] {
	return text.replace(/\r\n?/g, '\n').split('\n').map(escapeLine).filter((line) => line.trim() !== '');
}

/** An inline code span that shows `text` exactly, whatever backticks it contains. */
export function codeSpan(text: string): string {
	const flat = text.replace(CONTROL, '').replace(/[\r\n]+/g, ' ');
	const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((run) => run[0].length));
	const fence = '`'.repeat(longest + 1);
	const pad = flat.startsWith('`') || flat.endsWith('`') || flat.startsWith(' ') ? ' ' : '';
	return flat.trim() === '' ? escapeInline(flat) : `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block that shows `text` exactly: the fence is longer than any backtick run inside. */
export function codeBlock(text: string, language?: string): string[] {
	const body = text.replace(CONTROL, '').replace(/\r\n?/g, '\n').replace(/\n+$/, '');
	const longest = Math.max(0, ...[...body.matchAll(/`{3,}/g)].map((run) => run[0].length));
	const fence = '`'.repeat(Math.max(3, longest + 1));
	const info = language !== undefined && /^[A-Za-z0-9+#._-]{1,32}$/.test(language) ? language.toLowerCase() : '';
	return [`${fence}${info}`, ...body.split('\n'), fence];
}

const WEB_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/**
 * A link destination for a URL from a message, or undefined when it is not http(s) or mailto (javascript:,
 * data:, vbscript:, file:, relative, malformed). Percent-encoded so it needs no angle brackets and cannot
 * end early: no spaces, parentheses, brackets, quotes or backslashes are left in it.
 */
export function webLinkDestination(href: string): string | undefined {
	const trimmed = href.replace(CONTROL, '').trim();
	let url: URL;
	try {
		url = new URL(trimmed);
	} catch {
		return undefined;
	}
	if (!WEB_SCHEMES.has(url.protocol)) {
		return undefined;
	}
	return url.href.replace(/[^A-Za-z0-9\-._~:/?#@!$&+,;=%]/g, percentEncode);
}

/** Every UTF-8 byte of `char` as `%XX`. */
function percentEncode(char: string): string {
	return [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/**
 * A link destination for a file we saved, relative to the document (a `/`-separated path inside the download
 * folder): each segment percent-encoded (spaces, `#`, `%`, `?`, brackets, parentheses, `:`, CJK), so a
 * Markdown renderer resolves it to exactly that file and nothing in a name can start a scheme or a query.
 */
export function fileLinkDestination(relativePath: string): string {
	return relativePath.split('/').map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, percentEncode)).join('/');
}

/** `[text](destination)` with the text escaped. */
export function link(text: string, destination: string): string {
	return `[${escapeInline(text)}](${destination})`;
}

/** Turns http(s) URLs in a piece of plain text into autolinks, escaping the rest. */
export function escapeWithUrls(text: string): string {
	let out = '';
	let last = 0;
	for (const match of text.matchAll(/https?:\/\/[^\s<>"`]+/g)) {
		const url = match[0].replace(/[.,;:!?)\]}'"。，；：！？）】」]+$/u, '');
		const destination = webLinkDestination(url);
		if (destination === undefined || url === '') {
			continue;
		}
		out += escapeInline(text.slice(last, match.index)) + `<${destination}>`;
		last = match.index + url.length;
	}
	return out + escapeInline(text.slice(last));
}

/** An already escaped line made safe as a line of a paragraph: a start that would begin a block is escaped. */
export function guardLineStart(escaped: string): string {
	return escaped.replace(LINE_START_SPECIAL, '\\$1').replace(ORDERED_LIST_START, '$1\\$2');
}

/** Lines joined as one paragraph with hard line breaks (a backslash at the end of each line but the last). */
export function hardBreaks(lines: readonly string[]): string[] {
	return lines.map((line, index) => (index < lines.length - 1 ? `${line}\\` : line));
}

/** Every line prefixed as a block quote (nesting adds one `>` per level). */
export function quote(lines: readonly string[]): string[] {
	return lines.map((line) => (line === '' ? '>' : `> ${line}`));
}
