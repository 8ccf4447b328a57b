import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { LarkError } from '../errors';
import { pathExists } from '../util/pathExists';
import { numberedName } from './fileName';
import { createPart, openExistingPart, plainFileSize } from './partFile';
import { partNamesInRecords } from './resumeState';

export type ConflictPolicy = 'rename' | 'overwrite' | 'fail';

const MAX_NUMBERED = 9999;

export function conflictError(file: string): LarkError {
	return new LarkError('io', `A file already exists at ${file}.`, {
		reason: 'file-exists',
		params: { path: file },
		hint: 'Keep both files (the new one gets a number) or replace the existing one.',
	});
}

/** Final paths of the downloads running in this process: reserved before any await, so no two share a .part. */
const running = new Set<string>();

export interface ClaimedPart {
	fileName: string;
	file: FileHandle;
	/** Ends the claim (after the commit or the cleanup); the name is free for the next download. */
	release: () => void;
}

/**
 * Claims a free name by creating its .part exclusively, so two downloads that want the same name never share
 * one .part, in one process or two (the second gets the next numbered name, or `fail`). With `overwrite` an
 * existing final file may be replaced, but neither one a running download is writing nor one in `siblings`
 * (what the same bulk run saved already): two attachments of one run that want one name are both kept, and
 * its summary says what is on disk. A `.part` already there is reused only when it is an orphan of ours — a
 * plain file no resume record claims (a crash before its record was written, a record that was corrupt and
 * discarded); one that belongs to another download (its record names it) is left alone.
 */
export async function openFreePart(directory: string, fileName: string, policy: ConflictPolicy, siblings: ReadonlySet<string> = new Set()): Promise<ClaimedPart> {
	for (let n = 0; n <= MAX_NUMBERED; n++) {
		const candidate = n === 0 ? fileName : numberedName(fileName, n);
		const finalPath = path.join(directory, candidate);
		if (!running.has(finalPath) && !siblings.has(finalPath)) {
			running.add(finalPath);
			const file = policy !== 'overwrite' && (await pathExists(finalPath)) ? undefined : await claimPart(directory, `${candidate}.part`).catch((error: unknown) => {
				running.delete(finalPath);
				throw error;
			});
			if (file !== undefined) {
				return { fileName: candidate, file, release: () => running.delete(finalPath) };
			}
			running.delete(finalPath);
		}
		if (policy === 'fail') {
			throw conflictError(finalPath);
		}
	}
	throw new LarkError('io', `No free file name for ${fileName} in ${directory}.`, { reason: 'no-free-name', params: { name: fileName } });
}

/** A new .part, or an orphan .part of ours reused (emptied); undefined when the name belongs to another download. */
async function claimPart(directory: string, partName: string): Promise<FileHandle | undefined> {
	const partPath = path.join(directory, partName);
	try {
		return await createPart(partPath);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
			throw error;
		}
	}
	if ((await plainFileSize(partPath)) === undefined || (await partNamesInRecords(directory)).has(partName)) {
		return undefined; // a link, a folder, or another download's .part (running, or waiting to be resumed)
	}
	return openExistingPart(partPath, { truncate: true });
}

/**
 * Moves the finished .part into place. With `rename`/`fail` a hard link makes "create only if
 * absent" atomic, so a file that appeared meanwhile is never clobbered; `rename` then picks the next
 * numbered name. Returns the path actually written.
 */
export async function commitPartFile(partPath: string, finalPath: string, policy: ConflictPolicy): Promise<string> {
	if (policy === 'overwrite') {
		await fs.rename(partPath, finalPath);
		return finalPath;
	}
	const directory = path.dirname(finalPath);
	const baseName = path.basename(finalPath);
	for (let n = 0; n <= MAX_NUMBERED; n++) {
		const candidate = path.join(directory, n === 0 ? baseName : numberedName(baseName, n));
		try {
			await fs.link(partPath, candidate);
			await fs.unlink(partPath);
			return candidate;
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'EEXIST') {
				if (policy === 'fail') {
					throw conflictError(candidate);
				}
				continue;
			}
			if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'ENOSYS') {
				// File systems without hard links: check, then rename (a small race we cannot avoid there).
				if (await pathExists(candidate)) {
					if (policy === 'fail') {
						throw conflictError(candidate);
					}
					continue;
				}
				await fs.rename(partPath, candidate);
				return candidate;
			}
			throw error;
		}
	}
	throw new LarkError('io', `No free file name for ${baseName} in ${directory}.`, { reason: 'no-free-name', params: { name: baseName } });
}
