import { constants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { LarkError } from '../errors';

/**
 * `.part` files are written through, so whatever already lies at a `.part` name in the download folder is
 * treated as a possible plant: a symlink or a hard link to a file outside the folder must never be opened for
 * writing. Everything here opens without following links and checks that what it opened is a regular file
 * with no other name.
 */

function notOurs(file: string, what: string): LarkError {
	return new LarkError('io', `${file} is ${what}, not a partial download of ours: refusing to write through it.`, {
		hint: 'Remove that file from the download folder, then download again.',
	});
}

/** Throws unless `handle` is a regular file with a single name (no hard link to anything else). */
async function assertPlainFile(handle: FileHandle, file: string): Promise<void> {
	const stat = await handle.stat();
	if (!stat.isFile()) {
		throw notOurs(file, 'not a regular file');
	}
	if (stat.nlink !== 1) {
		throw notOurs(file, 'a hard link with other names');
	}
}

/** Creates `file` new; never follows a link (O_EXCL). EEXIST propagates for the caller to handle. */
export async function createPart(file: string): Promise<FileHandle> {
	return fs.open(file, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
}

/** Opens an existing `.part` for writing without following a symlink; refuses anything but a plain file. */
export async function openExistingPart(file: string, { truncate }: { truncate: boolean }): Promise<FileHandle> {
	let handle: FileHandle;
	try {
		handle = await fs.open(file, constants.O_RDWR | constants.O_NOFOLLOW);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
			throw notOurs(file, 'a symbolic link');
		}
		throw error;
	}
	try {
		await assertPlainFile(handle, file);
		if (truncate) {
			await handle.truncate(0); // after the checks: a planted link is refused before anything is changed
		}
		return handle;
	} catch (error) {
		await handle.close().catch(() => undefined);
		throw error;
	}
}

/** Size of the plain file at `file`, or undefined when nothing usable (missing, a link, a folder) is there. */
export async function plainFileSize(file: string): Promise<number | undefined> {
	try {
		const stat = await fs.lstat(file);
		return stat.isFile() && stat.nlink === 1 ? stat.size : undefined;
	} catch {
		return undefined;
	}
}
