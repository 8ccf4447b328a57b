import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LarkError } from '../errors';
import { numberedName } from './fileName';

export type ConflictPolicy = 'rename' | 'overwrite' | 'fail';

const MAX_NUMBERED = 9999;

async function exists(file: string): Promise<boolean> {
	try {
		await fs.lstat(file);
		return true;
	} catch {
		return false;
	}
}

export function conflictError(file: string): LarkError {
	return new LarkError('io', `A file already exists at ${file}.`, {
		hint: 'Use --on-conflict rename to keep both files or --on-conflict overwrite to replace it.',
	});
}

/**
 * The first name in `directory` that is free for a new download: neither the file nor its .part
 * exists. `fail` refuses an existing file; `overwrite` takes the name as is.
 */
export async function chooseFreeName(directory: string, fileName: string, policy: ConflictPolicy): Promise<string> {
	if (policy === 'overwrite') {
		return fileName;
	}
	for (let n = 0; n <= MAX_NUMBERED; n++) {
		const candidate = n === 0 ? fileName : numberedName(fileName, n);
		const taken = (await exists(path.join(directory, candidate))) || (await exists(path.join(directory, `${candidate}.part`)));
		if (!taken) {
			return candidate;
		}
		if (policy === 'fail') {
			throw conflictError(path.join(directory, candidate));
		}
	}
	throw new LarkError('io', `No free file name for ${fileName} in ${directory}.`);
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
				if (await exists(candidate)) {
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
	throw new LarkError('io', `No free file name for ${baseName} in ${directory}.`);
}
