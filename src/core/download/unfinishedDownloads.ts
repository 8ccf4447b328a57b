import type { Dirent } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LarkError } from '../errors';
import { acquireFileLock, isLockHeld } from '../util/fileLock';
import type { ResourceRef } from './resource';
import { readAnyResumeRecord, RECORD_NAME, resourceLockPath } from './resumeState';

/** An interrupted download the folder still holds: its `.part` and the record a rerun continues from. */
export interface UnfinishedDownload {
	ref: ResourceRef;
	/** The folder of the `.part` (absolute). */
	directory: string;
	/** The name the finished file will have, beside the `.part`. */
	fileName: string;
	partPath: string;
	recordPath: string;
	/** The output the first attempt asked for (relative to its root), or null for a server-named file. */
	requested: string | null;
	/** Bytes of the `.part` already verified; `total` null for a whole-body download (it starts over). */
	bytesDone: number;
	total: number | null;
}

/** Folders deep enough for `{chat}/{date}/{sender}` templates; deeper ones are not ours to walk. */
const MAX_DEPTH = 6;

/**
 * Every unfinished download under `folder`: each resume record that is self-consistent and whose `.part` is a
 * regular file beside it, that no running download holds. Symlinks are never followed; records that name a
 * resource we cannot parse are skipped.
 */
export async function listUnfinished(folder: string, depth = 0): Promise<UnfinishedDownload[]> {
	let entries: Dirent[];
	try {
		entries = await fs.readdir(folder, { withFileTypes: true });
	} catch {
		return [];
	}
	const found: UnfinishedDownload[] = [];
	for (const entry of entries) {
		if (entry.isDirectory() && depth < MAX_DEPTH) {
			found.push(...(await listUnfinished(path.join(folder, entry.name), depth + 1)));
		} else if (entry.isFile() && RECORD_NAME.test(entry.name)) {
			const unfinished = await readUnfinished(folder, entry.name);
			if (unfinished !== undefined) {
				found.push(unfinished);
			}
		}
	}
	return found;
}

async function readUnfinished(directory: string, recordName: string): Promise<UnfinishedDownload | undefined> {
	const recordPath = path.join(directory, recordName);
	const record = await readAnyResumeRecord(recordPath);
	// host/messageId/fileKey/type, as resourceIdentity writes it
	const [, messageId, fileKey, type] = record?.resource.split('/') ?? [];
	if (record === undefined || messageId === undefined || fileKey === undefined || (type !== 'image' && type !== 'file')) {
		return undefined;
	}
	if (await isLockHeld(resourceLockPath(recordPath))) {
		return undefined; // still downloading: not unfinished, and not ours to offer to resume or discard
	}
	const partPath = path.join(directory, record.partName);
	const stat = await fs.lstat(partPath).catch(() => undefined);
	if (stat === undefined || !stat.isFile()) {
		return undefined;
	}
	const bytesDone = record.completed.reduce((sum, [start, end]) => sum + (end - start), 0);
	return { ref: { messageId, fileKey, type }, directory, fileName: record.fileName, partPath, recordPath, requested: record.requested, bytesDone, total: record.total };
}

/**
 * Throws an unfinished download away: its `.part` and its record. Refused while a download of it is running
 * (its lock is held), so a running transfer never loses its file.
 */
export async function discardUnfinished(unfinished: Pick<UnfinishedDownload, 'recordPath' | 'partPath' | 'fileName'>): Promise<void> {
	if (path.basename(unfinished.partPath) !== `${unfinished.fileName}.part` || path.dirname(unfinished.partPath) !== path.dirname(unfinished.recordPath)) {
		throw new LarkError('validation', `Not an unfinished download: ${unfinished.partPath}`);
	}
	const lock = await acquireFileLock(resourceLockPath(unfinished.recordPath), {
		what: `The download of ${unfinished.fileName}`,
		hint: 'Cancel that download first, then discard it.',
	});
	try {
		await fs.rm(unfinished.partPath, { force: true });
		await fs.rm(unfinished.recordPath, { force: true });
	} finally {
		await lock.release();
	}
}
