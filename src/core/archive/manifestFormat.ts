import { LarkError } from '../errors';
import type { AttachmentKind } from '../lark/model';

/**
 * The download folder's record of what it holds (docs/manifest.md). The file is data anyone with access to the
 * folder can edit, so everything read from it is checked here: what we rely on must be well-formed, and no
 * path may lead outside the folder. Maps have no prototype, so ids like `__proto__` are plain keys.
 */

export const MANIFEST_FILE_NAME = '.lark-manifest.json';
export const MANIFEST_FORMAT = 'lark-downloader-manifest';
export const MANIFEST_VERSION = 1;

/** Where a sync of a chat stands. */
export interface SyncCursor {
	/** Create time of the newest message a sync fully handled. */
	syncedThrough?: string;
	/** Messages whose attachments failed or were not reached: the next sync retries them. */
	pendingMessageIds?: string[];
}

/** A chat's unfiltered sync cursor, and one per filter (a sync of only images must not hide older files). */
export interface ManifestChat extends SyncCursor {
	name?: string;
	lastSyncAt?: string;
	/** Keyed by the filter, e.g. `kinds=image;senders=ou_1`. */
	filteredSyncs?: Record<string, SyncCursor>;
}

export interface ManifestResource {
	chatId?: string;
	chatName?: string;
	messageId: string;
	sourceMessageId?: string;
	senderId?: string;
	senderName?: string;
	messageTime?: string;
	fileKey: string;
	type: 'image' | 'file';
	kind?: AttachmentKind;
	name?: string;
	/** Relative to the folder, with '/' separators. */
	path: string;
	size: number;
	/** Lowercase hex. */
	sha256: string;
	savedAt: string;
	/** The `messageId/fileKey` whose identical bytes were stored already; `path` is that file's. */
	sameAs?: string;
}

export interface Manifest {
	format: typeof MANIFEST_FORMAT;
	version: typeof MANIFEST_VERSION;
	chats: Record<string, ManifestChat>;
	resources: Record<string, ManifestResource>;
	/** Resources Lark refused for good (a card image answering 234043), by `messageId/fileKey`: not asked again. */
	refused?: Record<string, ManifestRefusal>;
}

export interface ManifestRefusal {
	reason: 'card-not-served';
	/** ISO time of the refusal. */
	at: string;
}

// Typed as a Record so a new AttachmentKind fails to compile until it is listed here.
const KINDS: Record<AttachmentKind, true> = { image: true, file: true, audio: true, video: true, cover: true, 'post-image': true, 'post-media': true, sticker: true, folder: true, card: true };
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const SHA256 = /^[0-9a-f]{64}$/i;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const MOVE_ASIDE = 'Move it aside (rename it) to start a new record.';

/** The manifest cannot be used as it is: the message says nothing was changed and what to do. */
export function unreadableManifest(file: string, problem: string, proceed = MOVE_ASIDE): LarkError {
	return new LarkError('io', `The download record ${file} ${problem}. It was left untouched. ${proceed}`, { reason: 'manifest-unreadable', params: { path: file }, hint: proceed });
}

export function emptyManifest(): Manifest {
	return { format: MANIFEST_FORMAT, version: MANIFEST_VERSION, chats: nullMap(), resources: nullMap() };
}

export function resourceKey(messageId: string, fileKey: string): string {
	return `${messageId}/${fileKey}`;
}

/**
 * The manifest in `value` (parsed JSON), normalised: known fields only, in a fixed order, maps sorted by key.
 * An unknown format or a newer version throws; a malformed entry is dropped, a malformed descriptive field
 * (a name, a time) is left out.
 */
export function parseManifest(value: unknown, file = MANIFEST_FILE_NAME): Manifest {
	if (!isObject(value) || value.format !== MANIFEST_FORMAT) {
		throw unreadableManifest(file, 'is not a Lark Downloader manifest');
	}
	if (typeof value.version === 'number' && Number.isInteger(value.version) && value.version > MANIFEST_VERSION) {
		throw unreadableManifest(file, `was written by a newer Lark Downloader (format version ${value.version})`, `Update Lark Downloader, or ${MOVE_ASIDE.toLowerCase()}`);
	}
	if (value.version !== MANIFEST_VERSION || ![value.chats, value.resources].every((map) => map === undefined || isObject(map))) {
		throw unreadableManifest(file, 'is damaged (its version, chats or resources are not what they should be)');
	}
	const manifest = emptyManifest();
	for (const [id, chat] of sortedEntries(value.chats)) {
		const parsed = parseChat(chat);
		if (id !== '' && id !== '__proto__' && parsed !== undefined) {
			manifest.chats[id] = parsed;
		}
	}
	for (const [key, resource] of sortedEntries(value.resources)) {
		const parsed = parseResource(key, resource);
		if (parsed !== undefined) {
			manifest.resources[key] = parsed;
		}
	}
	for (const [key, refusal] of isObject(value.refused) ? sortedEntries(value.refused) : []) {
		const [messageId, fileKey, ...rest] = key.split('/');
		if (rest.length === 0 && isId(messageId) && isId(fileKey) && isObject(refusal) && refusal.reason === 'card-not-served' && isTime(refusal.at)) {
			(manifest.refused ??= nullMap())[key] = { reason: refusal.reason, at: refusal.at };
		}
	}
	return manifest;
}

/** The entry normalised, or undefined when it is not one we can rely on (including a path that leaves the folder). */
export function parseResource(key: string, value: unknown): ManifestResource | undefined {
	if (!isObject(value)) {
		return undefined;
	}
	const { messageId, fileKey, type, path, size, sha256, savedAt, sameAs } = value;
	if (!isId(messageId) || !isId(fileKey) || key !== resourceKey(messageId, fileKey) || (type !== 'image' && type !== 'file')) {
		return undefined;
	}
	if (!isSafeRelativePath(path) || !Number.isSafeInteger(size) || (size as number) < 0 || typeof sha256 !== 'string' || !SHA256.test(sha256) || !isTime(savedAt)) {
		return undefined;
	}
	if (sameAs !== undefined && (typeof sameAs !== 'string' || !/^[^/]+\/[^/]+$/.test(sameAs) || sameAs === key)) {
		return undefined;
	}
	const kind = typeof value.kind === 'string' && Object.hasOwn(KINDS, value.kind) ? (value.kind as AttachmentKind) : undefined;
	return withoutUndefined<ManifestResource>({
		chatId: text(value.chatId),
		chatName: text(value.chatName),
		messageId,
		sourceMessageId: text(value.sourceMessageId),
		senderId: text(value.senderId),
		senderName: text(value.senderName),
		messageTime: isTime(value.messageTime) ? value.messageTime : undefined,
		fileKey,
		type,
		kind,
		name: text(value.name),
		path,
		size: size as number,
		sha256: sha256.toLowerCase(),
		savedAt,
		sameAs,
	});
}

export function parseChat(value: unknown): ManifestChat | undefined {
	if (!isObject(value)) {
		return undefined;
	}
	let filtered: Record<string, SyncCursor> | undefined;
	if (isObject(value.filteredSyncs)) {
		filtered = nullMap<SyncCursor>();
		for (const [key, cursor] of sortedEntries(value.filteredSyncs)) {
			if (key !== '' && key.length <= 1000 && !CONTROL_CHARS.test(key) && isObject(cursor)) {
				filtered[key] = parseCursor(cursor);
			}
		}
	}
	const cursor = parseCursor(value);
	return withoutUndefined<ManifestChat>({
		name: text(value.name),
		syncedThrough: cursor.syncedThrough,
		lastSyncAt: isTime(value.lastSyncAt) ? value.lastSyncAt : undefined,
		pendingMessageIds: cursor.pendingMessageIds,
		filteredSyncs: filtered,
	});
}

function parseCursor(value: Record<string, unknown>): SyncCursor {
	return withoutUndefined<SyncCursor>({
		syncedThrough: isTime(value.syncedThrough) ? value.syncedThrough : undefined,
		pendingMessageIds: Array.isArray(value.pendingMessageIds) ? [...new Set(value.pendingMessageIds.filter(isId))] : undefined,
	});
}

/**
 * A path we may join to the folder: relative, '/'-separated, already normalised (no '.', '..' or empty
 * segments), no backslash or control character, and not one of the manifest's own files.
 */
export function isSafeRelativePath(value: unknown): value is string {
	if (typeof value !== 'string' || value === '' || value.startsWith('/') || /^[a-zA-Z]:/.test(value) || value.includes('\\') || CONTROL_CHARS.test(value)) {
		return false;
	}
	const segments = value.split('/');
	return segments.every((s) => s !== '' && s !== '.' && s !== '..') && !(segments.length === 1 && value.startsWith(MANIFEST_FILE_NAME));
}

/** The file's text: normalised (so an edited entry that is invalid is not written back), tabs, a final newline. */
export function serializeManifest(manifest: Manifest): string {
	return `${JSON.stringify(parseManifest(manifest), null, '\t')}\n`;
}

function sortedEntries(value: unknown): [string, unknown][] {
	return value === undefined ? [] : Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function nullMap<T>(): Record<string, T> {
	return Object.create(null) as Record<string, T>;
}

/** Every field listed (so none is forgotten), the absent ones left out of the result. */
function withoutUndefined<T extends object>(value: { [K in keyof Required<T>]: T[K] | undefined }): T {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is string {
	return typeof value === 'string' && value !== '' && !value.includes('/') && !CONTROL_CHARS.test(value);
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function isTime(value: unknown): value is string {
	return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}
