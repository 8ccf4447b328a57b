import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { LarkError } from '../errors';
import { pathExists } from '../util/pathExists';
import { numberedName } from './fileName';
import { createOrReplacePart, createPart } from './partFile';

export type ConflictPolicy = 'rename' | 'overwrite' | 'fail';

const MAX_NUMBERED = 9999;

export function conflictError(file: string): LarkError {
	return new LarkError('io', `A file already exists at ${file}.`, {
		hint: 'Use --on-conflict rename to keep both files or --on-conflict overwrite to replace it.',
	});
}

/**
 * Claims a free name by creating its .part exclusively, so two downloads that want the same name
 * at the same time never share one .part (the second gets the next numbered name, or `fail`).
 */
export async function openFreePart(directory: string, fileName: string, policy: ConflictPolicy): Promise<{ fileName: string; file: FileHandle }> {
	if (policy === 'overwrite') {
		return { fileName, file: await createOrReplacePart(path.join(directory, `${fileName}.part`)) };
	}
	for (let n = 0; n <= MAX_NUMBERED; n++) {
		const candidate = n === 0 ? fileName : numberedName(fileName, n);
		if (!(await pathExists(path.join(directory, candidate)))) {
			try {
				return { fileName: candidate, file: await createPart(path.join(directory, `${candidate}.part`)) };
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
					throw error;
				}
			}
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
	throw new LarkError('io', `No free file name for ${baseName} in ${directory}.`);
}
