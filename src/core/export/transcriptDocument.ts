import { LarkError } from '../errors';
import { codeSpan, escapeInline } from './markdownEscape';

/** The line after which everything is generated; what is above it is the user's. */
export const GENERATED_MARKER = '<!-- lark-downloader: generated below; edits above this line are kept -->';
const CURSOR_PREFIX = '<!-- lark-downloader:cursor ';
const CURSOR_SUFFIX = ' -->';

/** What the last line of an export remembers, so the next export appends only what is new. */
export interface ExportCursor {
	chatId: string;
	/** The document's time zone: later exports keep it. */
	timeZone: string;
	/** ISO create time of the newest message written. */
	through?: string;
	/** Ids of the messages written within the last second up to `through` (Lark's start time is in seconds). */
	ids: string[];
	/** The day heading the document ends in. */
	day?: string;
	/** Threads seen in this chat: their new replies are looked for on every export. */
	threads: string[];
	/** Messages written so far. */
	messages: number;
}

/** A document as read: everything but its cursor line (kept byte for byte), and the cursor. */
export interface ParsedDocument {
	kept: string;
	cursor: ExportCursor;
}

function notOurs(file: string, why: string): LarkError {
	return new LarkError('io', `${file} ${why}, so it was left as it is.`, {
		reason: 'export-not-ours',
		params: { path: file },
		hint: 'Move or rename the file to export into a new one, or restore its lark-downloader comment lines.',
	});
}

/** The top of a new export: title, what it is, the marker. */
export function documentHeader(title: string, chatId: string, timeZone: string, offset: string): string {
	return [
		`# ${escapeInline(title)}`,
		'',
		`*Lark chat* ${codeSpan(chatId)} *exported by Lark Downloader. Times are in ${escapeInline(timeZone)} (${escapeInline(offset)}); attachments are linked relative to this file.*`,
		'',
		GENERATED_MARKER,
		'',
	].join('\n');
}

/** The cursor as an HTML comment line (nothing in it can end the comment early). */
export function cursorLine(cursor: ExportCursor): string {
	const json = JSON.stringify({ v: 1, ...cursor }).replace(/[<>&]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(/--/g, '-\\u002d');
	return `${CURSOR_PREFIX}${json}${CURSOR_SUFFIX}`;
}

/** Splits an existing export into what is kept and its cursor; refuses a file that is not an export of this chat. */
export function parseDocument(text: string, file: string, chatId: string): ParsedDocument {
	if (!text.includes(GENERATED_MARKER)) {
		throw notOurs(file, 'exists but was not written by Lark Downloader (its marker line is missing)');
	}
	const trimmed = text.replace(/\n+$/, '');
	const start = trimmed.lastIndexOf(`\n${CURSOR_PREFIX}`);
	const line = start === -1 ? '' : trimmed.slice(start + 1);
	if (start === -1 || line.includes('\n') || !line.endsWith(CURSOR_SUFFIX)) {
		throw notOurs(file, 'has no cursor line at its end');
	}
	const cursor = toCursor(line.slice(CURSOR_PREFIX.length, -CURSOR_SUFFIX.length));
	if (cursor === undefined) {
		throw notOurs(file, 'has a cursor line that cannot be read');
	}
	if (cursor.chatId !== chatId) {
		throw notOurs(file, `is the export of another chat (${cursor.chatId})`);
	}
	return { kept: text.slice(0, start + 1), cursor };
}

function toCursor(json: string): ExportCursor | undefined {
	let value: unknown;
	try {
		value = JSON.parse(json);
	} catch {
		return undefined;
	}
	if (typeof value !== 'object' || value === null) {
		return undefined;
	}
	const raw = value as Record<string, unknown>;
	const strings = (field: unknown): string[] | undefined => (Array.isArray(field) && field.every((item) => typeof item === 'string') ? field : undefined);
	const ids = strings(raw.ids);
	const threads = strings(raw.threads) ?? [];
	if (raw.v !== 1 || typeof raw.chatId !== 'string' || typeof raw.timeZone !== 'string' || ids === undefined || typeof raw.messages !== 'number') {
		return undefined;
	}
	const through = typeof raw.through === 'string' && !Number.isNaN(Date.parse(raw.through)) ? raw.through : undefined;
	const day = typeof raw.day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw.day) ? raw.day : undefined;
	return { chatId: raw.chatId, timeZone: raw.timeZone, ids, threads, messages: raw.messages, ...(through === undefined ? {} : { through }), ...(day === undefined ? {} : { day }) };
}

/** One message ready to append: its day (for the headings) and its Markdown lines. */
export interface Entry {
	day: string;
	lines: string[];
}

/** The kept text, the new entries under day headings where the day changes, and the new cursor line. */
export function appendEntries(kept: string, entries: readonly Entry[], previousDay: string | undefined, cursor: ExportCursor): string {
	const out: string[] = [];
	let day = previousDay;
	for (const entry of entries) {
		if (entry.day !== day) {
			out.push(`## ${entry.day}`, '');
			day = entry.day;
		}
		out.push(...entry.lines, '');
	}
	const base = kept === '' || kept.endsWith('\n') ? kept : `${kept}\n`;
	const gap = base === '' || base.endsWith('\n\n') || out.length === 0 ? '' : '\n';
	return `${base}${gap}${out.length === 0 ? '' : `${out.join('\n')}\n`}${cursorLine(cursor)}\n`;
}
