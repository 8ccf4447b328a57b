import { randomBytes } from 'node:crypto';
import { constants, promises as fs, type BigIntStats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { LarkError } from '../errors';
import { acquireFileLock } from '../util/fileLock';
import { emptyManifest, MANIFEST_FILE_NAME, parseManifest, parseResource, resourceKey, serializeManifest, unreadableManifest, type Manifest, type ManifestChat, type ManifestRefusal, type ManifestResource } from './manifestFormat';

/**
 * Reading and updating `<root>/.lark-manifest.json`. Every update runs under a lock file beside it (between
 * processes) and a promise chain per folder (within one), re-reads the file under the lock and replaces it
 * whole by a rename, so no writer loses another's entries and a crash never leaves half a file.
 */

const MAX_BYTES = 64 * 1024 * 1024;
const LOCK_WAIT_MS = 30_000;
/** Our own temp files (`<manifest>.<pid>.<hex>.tmp`), written under the lock. */
const TEMP_NAME = /^\.lark-manifest\.json\.(\d+)\.[0-9a-f]{12}\.tmp$/;
const MAX_ATTEMPTS = 5;

export function manifestPath(root: string): string {
	return path.join(root, MANIFEST_FILE_NAME);
}

/** The folder's manifest; an empty one when there is none yet. Never follows a symlink. */
export async function readManifest(root: string): Promise<Manifest> {
	return (await readVersioned(root)).manifest;
}

/** The manifest and what identifies the file it came from ('none' when missing): every write is a new file. */
async function readVersioned(root: string): Promise<{ manifest: Manifest; version: string }> {
	const file = manifestPath(root);
	let handle: FileHandle;
	try {
		// O_NONBLOCK: a FIFO planted at the name must not hang the open; it is refused below.
		handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') {
			return { manifest: emptyManifest(), version: 'none' };
		}
		if (code === 'ELOOP' || code === 'EMLINK') {
			throw unreadableManifest(file, 'is a symbolic link, which is never followed');
		}
		throw error;
	}
	let data: Buffer;
	let version: string;
	try {
		const stat = await handle.stat({ bigint: true });
		if (!stat.isFile()) {
			throw unreadableManifest(file, 'is not a regular file');
		}
		// Checked before reading and after: it may have grown meanwhile.
		if (stat.size > MAX_BYTES || (data = await handle.readFile()).length > MAX_BYTES) {
			throw unreadableManifest(file, `is larger than ${MAX_BYTES / 1024 / 1024} MiB`);
		}
		version = versionOf(stat);
	} finally {
		await handle.close().catch(() => undefined);
	}
	let value: unknown;
	try {
		value = JSON.parse(data.toString('utf8').replace(/^\uFEFF/, '')) as unknown;
	} catch {
		throw unreadableManifest(file, 'is not valid JSON');
	}
	return { manifest: parseManifest(value, file), version };
}

function versionOf(stat: BigIntStats): string {
	return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

async function currentVersion(file: string): Promise<string> {
	const stat = await fs.lstat(file, { bigint: true }).catch(() => undefined);
	return stat === undefined ? 'none' : versionOf(stat);
}

/** Per resolved folder, the tail of this process's updates: they run one after another, not against our own lock. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Applies `mutate` to the folder's current manifest and saves it; resolves to what was saved. When `mutate`
 * throws, nothing is written. An unreadable manifest is never replaced: the error propagates. `mutate` runs
 * again, on a fresh read, in the rare case another writer got in despite the lock (a stale lock taken over
 * twice), so it should only change the manifest it is given.
 */
export function updateManifest(root: string, mutate: (manifest: Manifest) => void | Promise<void>): Promise<Manifest> {
	const key = path.resolve(root);
	const run = (queues.get(key) ?? Promise.resolve()).then(() => updateLocked(key, mutate));
	const tail = run.catch(() => undefined);
	queues.set(key, tail);
	void tail.then(() => {
		if (queues.get(key) === tail) {
			queues.delete(key);
		}
	});
	return run;
}

async function updateLocked(root: string, mutate: (manifest: Manifest) => void | Promise<void>): Promise<Manifest> {
	await fs.mkdir(root, { recursive: true });
	const file = manifestPath(root);
	const lock = await acquireFileLock(`${file}.lock`, { what: 'The download record', waitMs: LOCK_WAIT_MS, reason: 'manifest-busy' });
	try {
		await removeStrayTemps(root);
		for (let attempt = 1; ; attempt++) {
			const { manifest, version } = await readVersioned(root);
			await mutate(manifest);
			const text = serializeManifest(manifest);
			const temp = await writeTemp(file, text);
			// Defence in depth: replace only the version we read, so a writer that got past the lock loses nothing.
			if ((await currentVersion(file)) === version) {
				await fs.rename(temp, file).catch(async (error: unknown) => {
					await fs.rm(temp, { force: true }).catch(() => undefined);
					throw error;
				});
				await syncDirectory(root);
				return parseManifest(JSON.parse(text));
			}
			await fs.rm(temp, { force: true });
			if (attempt === MAX_ATTEMPTS) {
				throw new LarkError('io', `The download record ${file} kept changing while it was being updated.`, { reason: 'manifest-busy', hint: 'Wait for the other run to finish, then try again.' });
			}
		}
	} finally {
		await lock.release();
	}
}

/** A new temp file beside the manifest (exclusive: nothing planted is written through), written and synced. */
async function writeTemp(file: string, text: string): Promise<string> {
	const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
	let handle: FileHandle | undefined;
	try {
		handle = await fs.open(temp, 'wx', 0o644);
		await handle.writeFile(text, 'utf8');
		await handle.sync();
		await handle.close();
		return temp;
	} catch (error) {
		await handle?.close().catch(() => undefined);
		await fs.rm(temp, { force: true }).catch(() => undefined);
		throw error;
	}
}

/** Makes the rename itself durable; some platforms (Windows) cannot sync a folder, which is fine. */
async function syncDirectory(directory: string): Promise<void> {
	const handle = await fs.open(directory, 'r').catch(() => undefined);
	await handle?.sync().catch(() => undefined);
	await handle?.close().catch(() => undefined);
}

/** Temp files of writers that crashed (their process is gone); a live writer's is never touched. */
async function removeStrayTemps(root: string): Promise<void> {
	for (const name of await fs.readdir(root).catch(() => [] as string[])) {
		const pid = Number(TEMP_NAME.exec(name)?.[1]);
		if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !isRunning(pid)) {
			await fs.rm(path.join(root, name), { force: true }).catch(() => undefined);
		}
	}
}

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Adds or replaces the entry for its `messageId/fileKey`; throws on an entry the manifest would drop. */
export function recordResource(manifest: Manifest, entry: ManifestResource): ManifestResource {
	const key = resourceKey(entry.messageId, entry.fileKey);
	const parsed = parseResource(key, entry);
	if (parsed === undefined) {
		throw new LarkError('validation', `Not a valid download record entry for ${key} (path ${JSON.stringify(entry.path)}).`);
	}
	manifest.resources[key] = parsed;
	return parsed;
}

export function resourceFor(manifest: Manifest, messageId: string, fileKey: string): ManifestResource | undefined {
	const key = resourceKey(messageId, fileKey);
	return Object.hasOwn(manifest.resources, key) ? manifest.resources[key] : undefined;
}

/** Every entry whose bytes live at `relPath` (the original and its `sameAs` entries). */
export function resourcesAtPath(manifest: Manifest, relPath: string): ManifestResource[] {
	return Object.values(manifest.resources).filter((r) => r.path === relPath);
}

/** An entry that stored these bytes itself (not a `sameAs`): where a new identical file can point instead. */
export function resourceWithSha(manifest: Manifest, sha256: string): ManifestResource | undefined {
	const wanted = sha256.toLowerCase();
	return Object.values(manifest.resources).find((r) => r.sha256 === wanted && r.sameAs === undefined);
}

/** The chat's entry, created empty when missing, for the caller to update in place. */
export function chatEntry(manifest: Manifest, chatId: string): ManifestChat {
	if (!Object.hasOwn(manifest.chats, chatId)) {
		manifest.chats[chatId] = {};
	}
	return manifest.chats[chatId] as ManifestChat;
}

/** Remembers that Lark refuses this resource for good, so no front end asks for it again (until forced). */
export function recordRefusal(manifest: Manifest, messageId: string, fileKey: string, reason: ManifestRefusal['reason'], at = new Date()): void {
	(manifest.refused ??= Object.create(null) as Record<string, ManifestRefusal>)[resourceKey(messageId, fileKey)] = { reason, at: at.toISOString() };
}

/** Why Lark refused this resource before, if the record says it did. */
export function refusalOf(manifest: Manifest, messageId: string, fileKey: string): ManifestRefusal | undefined {
	const key = resourceKey(messageId, fileKey);
	return manifest.refused !== undefined && Object.hasOwn(manifest.refused, key) ? manifest.refused[key] : undefined;
}
