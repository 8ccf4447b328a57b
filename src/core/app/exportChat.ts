import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { observeFile } from '../archive/fileState';
import { readManifest } from '../archive/manifestStore';
import type { DownloadEngine } from '../download/downloadEngine';
import { sanitizeFileName } from '../download/fileName';
import { isInside, resolveThroughExisting } from '../download/pathSafety';
import { LarkError, toLarkError } from '../errors';
import type { SavedFile } from '../export/attachmentMarkdown';
import { readDocument, writeDocumentAtomically, type ReadDocument } from '../export/documentFile';
import { localTimeZone, utcOffset, zonedFormatter } from '../export/exportTime';
import { messageMarkdown } from '../export/messageMarkdown';
import { appendEntries, documentHeader, parseDocument, type Entry, type ExportCursor } from '../export/transcriptDocument';
import type { LarkClient, ListNotice } from '../lark/larkClient';
import { attachmentId, type Message } from '../lark/model';
import { downloadIntoArchive, type ArchiveDownloadOptions, type ArchiveDownloadResult } from './archiveDownload';
import { collectMessages } from './collectMessages';
import type { SenderNames } from '../lark/senderNames';

export interface ExportOptions extends ArchiveDownloadOptions {
	/** What a first export covers; later ones append only what is newer than the document's cursor. */
	start?: Date;
	end?: Date;
	/** One document per month (`<chat> 2024-05.md`) instead of one per chat. */
	perMonth?: boolean;
	/** IANA time zone of a new document (an existing one keeps its own); default: this machine's. */
	timeZone?: string;
	onListed?: (progress: { messages: number; attachments: number }) => void;
	/** Names the senders (the listing carries ids only); without it, senders are short ids. */
	senderNames?: Pick<SenderNames, 'nameMessages'>;
}

export interface ExportedFile {
	/** Relative to the root, `/`-separated. */
	path: string;
	absolutePath: string;
	/** Messages appended by this export. */
	messages: number;
	created: boolean;
}

export interface ExportResult {
	/** Every document written (or, when nothing was new, the one that is up to date). */
	files: ExportedFile[];
	messagesWritten: number;
	/** Links to saved attachments in what was appended. */
	attachmentsLinked: number;
	/** The attachments' download; undefined when nothing new was listed. */
	download?: ArchiveDownloadResult;
	/** Merge-forwards or threads whose messages could not be listed. */
	unlisted: ListNotice[];
}

interface OpenDocument {
	file: string;
	read?: ReadDocument;
	kept: string;
	cursor?: ExportCursor;
}

const WINDOW_MS = 1000;

/**
 * A chat as Markdown beside its attachments: lists what is new since the document's cursor (with the replies of
 * its threads), downloads the attachments into the download folder (or reuses them from its record), and appends
 * the messages to `<chat>.md` (or one file per month) without touching what is already there.
 */
export async function exportChat(client: Pick<LarkClient, 'getMessage' | 'listMessages'>, engine: Pick<DownloadEngine, 'download'>, chatId: string, options: ExportOptions): Promise<ExportResult> {
	const folderAbs = path.resolve(options.root, options.folder);
	await fs.mkdir(folderAbs, { recursive: true });
	if (!isInside(await fs.realpath(options.root), await resolveThroughExisting(folderAbs))) {
		throw new LarkError('validation', `The download folder ${options.folder} leads outside the workspace.`, { reason: 'path-outside-folder', params: { path: options.folder } });
	}
	const chatName = await options.chatNameOf(chatId);
	const base = sanitizeFileName(chatName ?? '') ?? sanitizeFileName(chatId) ?? 'chat';
	const documents = await openDocuments(folderAbs, base, chatId, options.perMonth === true);
	const cursors = [...documents.values()].flatMap((doc) => (doc.cursor === undefined ? [] : [doc.cursor]));
	const timeZone = cursors[0]?.timeZone ?? options.timeZone ?? localTimeZone();
	const zoned = zonedFormatter(timeZone);
	const newest = cursors.map((cursor) => (cursor.through === undefined ? 0 : Date.parse(cursor.through))).reduce((a, b) => Math.max(a, b), 0);
	const since = newest === 0 ? options.start : new Date(Math.max(newest - WINDOW_MS, options.start?.getTime() ?? 0));

	const listed = await listWithThreads(client, chatId, since, options, new Set(cursors.flatMap((cursor) => cursor.threads)));
	const docNameOf = (message: Message): string => (options.perMonth === true ? `${base} ${zoned(message.createTime).month}.md` : `${base}.md`);
	const fresh = listed.messages.filter((message) => isNew(message, documents.get(docNameOf(message))?.cursor));
	const download = fresh.length === 0 ? undefined : await downloadIntoArchive(engine, fresh, options);

	const manifest = await readManifest(folderAbs);
	const savedFiles = new Map<string, SavedFile>();
	for (const message of fresh) {
		for (const attachment of message.attachments) {
			const entry = manifest.resources[attachmentId(attachment)];
			if (entry !== undefined && (await observeFile(folderAbs, entry.path, { hash: false })).kind === 'file') {
				savedFiles.set(attachmentId(attachment), { path: entry.path, size: entry.size });
			}
		}
	}
	const byId = new Map(listed.messages.map((message) => [message.id, message]));
	await addRepliedTo(client, fresh, byId, options.signal);
	// Quoted parents came by id, after the listing was named.
	await options.senderNames?.nameMessages([...byId.values()], options.signal);
	const linked = new Set<string>();
	const context = {
		saved: (attachment: Parameters<typeof attachmentId>[0]) => savedFiles.get(attachmentId(attachment)),
		senderOf,
		time: (date: Date) => zoned(date).time,
		dateTime: (date: Date) => `${zoned(date).day} ${zoned(date).time}`,
		find: (id: string) => byId.get(id),
		linked,
	};
	const threads = [...new Set([...cursors.flatMap((cursor) => cursor.threads), ...listed.threads])].sort();
	const groups = new Map<string, Message[]>();
	for (const message of fresh) {
		groups.set(docNameOf(message), [...(groups.get(docNameOf(message)) ?? []), message]);
	}
	if (groups.size === 0 && options.perMonth !== true && documents.get(`${base}.md`)?.cursor === undefined) {
		groups.set(`${base}.md`, []); // a first export of an empty range still makes the document to open
	}
	const files: ExportedFile[] = [];
	for (const [name, messages] of groups) {
		const doc = documents.get(name) ?? { file: path.join(folderAbs, name), kept: '' };
		const first = messages[0]?.createTime ?? new Date();
		const title = options.perMonth === true ? `${chatName ?? chatId} · ${zoned(first).month}` : chatName ?? chatId;
		const kept = doc.cursor === undefined ? documentHeader(title, chatId, timeZone, utcOffset(timeZone, first)) : doc.kept;
		const entries: Entry[] = messages.map((message) => ({ day: zoned(message.createTime).day, lines: messageMarkdown(message, context) }));
		await writeDocumentAtomically(doc.file, appendEntries(kept, entries, doc.cursor?.day, nextCursor(doc.cursor, chatId, timeZone, messages, threads, entries)), doc.read);
		files.push({ path: path.relative(options.root, doc.file).split(path.sep).join('/'), absolutePath: doc.file, messages: messages.length, created: doc.cursor === undefined });
	}
	if (files.length === 0) {
		const latest = [...documents.values()].filter((doc) => doc.cursor !== undefined).sort((a, b) => a.file.localeCompare(b.file)).pop();
		if (latest !== undefined) {
			files.push({ path: path.relative(options.root, latest.file).split(path.sep).join('/'), absolutePath: latest.file, messages: 0, created: false });
		}
	}
	return { files, messagesWritten: fresh.length, attachmentsLinked: linked.size, ...(download === undefined ? {} : { download }), unlisted: listed.unlisted };
}

const MAX_PARENT_LOOKUPS = 50;

/** The messages replied to that this listing does not hold (an older message), fetched once each so a reply can quote them. */
async function addRepliedTo(client: Pick<LarkClient, 'getMessage'>, messages: readonly Message[], byId: Map<string, Message>, signal: AbortSignal | undefined): Promise<void> {
	const missing = [...new Set(messages.flatMap((message) => (message.parentId === undefined || byId.has(message.parentId) ? [] : [message.parentId])))];
	for (const id of missing.slice(0, MAX_PARENT_LOOKUPS)) {
		try {
			byId.set(id, (await client.getMessage(id, signal)).container);
		} catch (error) {
			if (toLarkError(error, signal).type === 'cancelled') {
				throw toLarkError(error, signal);
			}
			// Recalled or out of reach: the reply then says it answers an earlier message.
		}
	}
}

/** The chat's existing documents by file name: `<chat>.md`, or every `<chat> YYYY-MM.md`. */
async function openDocuments(folderAbs: string, base: string, chatId: string, perMonth: boolean): Promise<Map<string, OpenDocument>> {
	const names = perMonth
		? (await fs.readdir(folderAbs)).filter((name) => name.startsWith(`${base} `) && /^ \d{4}-\d{2}\.md$/.test(name.slice(base.length)))
		: [`${base}.md`];
	const documents = new Map<string, OpenDocument>();
	for (const name of names) {
		const file = path.join(folderAbs, name);
		const read = await readDocument(file);
		if (read !== undefined) {
			const parsed = parseDocument(read.text, name, chatId);
			documents.set(name, { file, read, kept: parsed.kept, cursor: parsed.cursor });
		}
	}
	return documents;
}

/** Newer than the cursor, or within its last second and not yet written. */
function isNew(message: Message, cursor: ExportCursor | undefined): boolean {
	if (cursor?.through === undefined) {
		return true;
	}
	const through = Date.parse(cursor.through);
	const time = message.createTime.getTime();
	return time > through || (time > through - WINDOW_MS && !cursor.ids.includes(message.id));
}

function nextCursor(previous: ExportCursor | undefined, chatId: string, timeZone: string, messages: readonly Message[], threads: string[], entries: readonly Entry[]): ExportCursor {
	const before = previous?.through === undefined ? 0 : Date.parse(previous.through);
	const through = Math.max(before, ...messages.map((message) => message.createTime.getTime()));
	// The previous cursor's ids are still within the last second only when it moved by less than that.
	const recent = [...(through - before < WINDOW_MS ? previous?.ids ?? [] : []), ...messages.filter((message) => message.createTime.getTime() > through - WINDOW_MS).map((message) => message.id)];
	const day = entries.at(-1)?.day ?? previous?.day;
	return {
		chatId,
		timeZone,
		...(through === 0 ? {} : { through: new Date(through).toISOString() }),
		ids: [...new Set(recent)],
		...(day === undefined ? {} : { day }),
		threads,
		messages: (previous?.messages ?? 0) + messages.length,
	};
}

/** A sender's name, else a short form of the id (the listing API carries no names). */
export function senderOf(message: Message): string {
	if (message.senderName !== undefined) {
		return message.senderName;
	}
	const id = message.senderId?.trim() ?? '';
	if (id === '') {
		return message.senderType === 'system' ? 'System' : 'Unknown sender';
	}
	return id.length <= 16 ? id : `…${id.slice(-8)}`;
}

/** The chat's messages since `since`, and the replies in its threads (those listed now and those seen before). */
async function listWithThreads(client: Pick<LarkClient, 'getMessage' | 'listMessages'>, chatId: string, since: Date | undefined, options: ExportOptions, knownThreads: ReadonlySet<string>): Promise<{ messages: Message[]; threads: string[]; unlisted: ListNotice[] }> {
	const range = { ...(since === undefined ? {} : { start: since }), ...(options.end === undefined ? {} : { end: options.end }) };
	const chat = await collectMessages(client, { kind: 'container', containerId: chatId, containerType: 'chat', ...range }, { signal: options.signal, onProgress: options.onListed });
	const threads = [...new Set([...knownThreads, ...chat.messages.flatMap((message) => (message.threadId === undefined ? [] : [message.threadId]))])];
	const messages = new Map(chat.messages.map((message) => [message.id, message]));
	const unlisted = [...chat.unlisted];
	for (const thread of threads) {
		try {
			const replies = await collectMessages(client, { kind: 'container', containerId: thread, containerType: 'thread', ...range }, { signal: options.signal });
			replies.messages.forEach((message) => messages.has(message.id) || messages.set(message.id, message));
			unlisted.push(...replies.unlisted);
		} catch (error) {
			const failure = toLarkError(error, options.signal);
			if (failure.type === 'cancelled') {
				throw failure;
			}
			unlisted.push({ code: 'thread_unavailable', message: `Could not list the replies in thread ${thread}: ${failure.message}`, error: failure });
		}
	}
	const sorted = [...messages.values()].sort((a, b) => a.createTime.getTime() - b.createTime.getTime());
	await options.senderNames?.nameMessages(withForwarded(sorted), options.signal);
	return { messages: sorted, threads, unlisted };
}

/** The messages and, nested at any depth, the messages forwarded in them (their senders need names too). */
function withForwarded(messages: readonly Message[]): Message[] {
	return messages.flatMap((message) => [message, ...withForwarded(message.forwarded ?? [])]);
}
