import { createHash } from 'node:crypto';
import { constants, promises as fs, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { cancelledError, LarkError } from '../errors';
import type { ManifestResource } from './manifestFormat';

/**
 * What is on disk where a manifest entry says its file is. Nothing under the folder is followed: a symlink,
 * at the file's name or at any folder on the way, counts as a change, so a planted link can never make us read
 * (or report on) a file outside the folder.
 */

export type ResourceDiskState = { state: 'present' } | { state: 'missing' } | { state: 'changed'; actualSize: number; actualSha256?: string };

/** What lies at a path: a regular file (hashed when asked), something else (a link, a folder), or nothing. */
export type ObservedFile = { kind: 'missing' } | { kind: 'other'; size: number } | { kind: 'file'; size: number; sha256?: string };

const CHUNK = 1024 * 1024;

/** The SHA-256 (lowercase hex) of a regular file, read in chunks without following a symlink. */
export async function sha256File(absPath: string, signal?: AbortSignal): Promise<string> {
	const handle = await openRegularFile(absPath);
	try {
		return await hashHandle(handle, signal);
	} finally {
		await handle.close().catch(() => undefined);
	}
}

/** `relPath` (POSIX) under `root`, refused when it would leave the folder. */
export function resolveEntryPath(root: string, relPath: string): string {
	const absolute = path.join(root, ...relPath.split('/'));
	const relative = path.relative(root, absolute);
	if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
		throw new LarkError('validation', `The recorded path ${JSON.stringify(relPath)} leads outside the download folder.`);
	}
	return absolute;
}

/** The manifest's form of `absPath` (relative to `root`, '/'-separated); undefined when it is not inside. */
export function manifestRelativePath(root: string, absPath: string): string | undefined {
	const relative = path.relative(root, absPath);
	return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? undefined : relative.split(path.sep).join('/');
}

/** Compares one entry with the disk: by type and size, and by content too with `hash`. */
export async function checkResourceOnDisk(root: string, entry: Pick<ManifestResource, 'path' | 'size' | 'sha256'>, options: { hash?: boolean; signal?: AbortSignal } = {}): Promise<ResourceDiskState> {
	return compareWithEntry(entry, await observeFile(root, entry.path, { hash: options.hash === true, expectedSize: entry.size, signal: options.signal }));
}

/**
 * Looks at `relPath` under `root` with lstat, segment by segment. With `hash`, a regular file is hashed when
 * its size is `expectedSize` (another size already tells it changed) or always when no size is given.
 */
export async function observeFile(root: string, relPath: string, options: { hash: boolean; expectedSize?: number; signal?: AbortSignal }): Promise<ObservedFile> {
	const absolute = resolveEntryPath(root, relPath);
	const segments = relPath.split('/');
	let current = root;
	let stat: Stats | undefined;
	for (const segment of segments) {
		current = path.join(current, segment);
		stat = await lstatOrUndefined(current);
		if (stat === undefined) {
			return { kind: 'missing' };
		}
		if (current !== absolute && !stat.isDirectory()) {
			return { kind: 'other', size: stat.size }; // a link or a file where a folder should be
		}
	}
	if (stat === undefined || !stat.isFile()) {
		return { kind: 'other', size: stat?.size ?? 0 };
	}
	if (!options.hash || (options.expectedSize !== undefined && stat.size !== options.expectedSize)) {
		return { kind: 'file', size: stat.size };
	}
	let handle: FileHandle;
	try {
		handle = await openRegularFile(absolute);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') {
			return { kind: 'missing' }; // removed since the lstat
		}
		if (error instanceof LarkError || code === 'ELOOP' || code === 'EMLINK') {
			return { kind: 'other', size: stat.size }; // replaced since the lstat
		}
		throw error;
	}
	try {
		const size = (await handle.stat()).size;
		return { kind: 'file', size, sha256: await hashHandle(handle, options.signal) };
	} finally {
		await handle.close().catch(() => undefined);
	}
}

/** The entry's state given what was observed at its path. */
export function compareWithEntry(entry: Pick<ManifestResource, 'size' | 'sha256'>, observed: ObservedFile): ResourceDiskState {
	if (observed.kind === 'missing') {
		return { state: 'missing' };
	}
	if (observed.kind === 'other' || observed.size !== entry.size) {
		return { state: 'changed', actualSize: observed.size };
	}
	if (observed.sha256 !== undefined && observed.sha256 !== entry.sha256) {
		return { state: 'changed', actualSize: observed.size, actualSha256: observed.sha256 };
	}
	return { state: 'present' };
}

async function openRegularFile(file: string): Promise<FileHandle> {
	// O_NONBLOCK: a FIFO must not hang the open; it is refused as not a regular file right after.
	const handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
	if (!(await handle.stat()).isFile()) {
		await handle.close().catch(() => undefined);
		throw new LarkError('io', `${file} is not a regular file.`);
	}
	return handle;
}

async function hashHandle(handle: FileHandle, signal?: AbortSignal): Promise<string> {
	const hash = createHash('sha256');
	const buffer = Buffer.allocUnsafe(CHUNK);
	for (;;) {
		if (signal?.aborted) {
			throw cancelledError(signal.reason);
		}
		const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
		if (bytesRead === 0) {
			return hash.digest('hex');
		}
		hash.update(buffer.subarray(0, bytesRead));
	}
}

async function lstatOrUndefined(file: string): Promise<Stats | undefined> {
	try {
		return await fs.lstat(file);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTDIR') {
			return undefined;
		}
		throw error;
	}
}
