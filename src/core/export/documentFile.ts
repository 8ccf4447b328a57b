import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LarkError } from '../errors';

const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** What was read, and how to tell that the file was replaced since. */
export interface ReadDocument {
	text: string;
	identity: string;
}

function blocked(file: string, why: string): LarkError {
	return new LarkError('io', `${file} ${why}, so it was left as it is.`, {
		reason: 'export-not-ours',
		params: { path: file },
		hint: 'Move or rename what is there to export into a new file.',
	});
}

/**
 * The document at `file`, or undefined when nothing is there. Never follows a symlink (O_NOFOLLOW) and refuses
 * anything but a regular file (a FIFO does not hang the open).
 */
export async function readDocument(file: string): Promise<ReadDocument | undefined> {
	let handle: fs.FileHandle;
	try {
		handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') {
			return undefined;
		}
		if (code === 'ELOOP' || code === 'EMLINK') {
			throw blocked(path.basename(file), 'is a symbolic link');
		}
		throw error;
	}
	try {
		const stat = await handle.stat();
		if (!stat.isFile()) {
			throw blocked(path.basename(file), 'is not a regular file');
		}
		if (stat.size > MAX_DOCUMENT_BYTES) {
			throw blocked(path.basename(file), 'is larger than 256 MiB');
		}
		return { text: (await handle.readFile()).toString('utf8'), identity: identityOf(stat) };
	} finally {
		await handle.close();
	}
}

function identityOf(stat: { ino: number; size: number; mtimeMs: number; ctimeMs: number }): string {
	return `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
}

/**
 * Writes `text` to `file` atomically: a new temp file beside it (exclusive create, so nothing planted is written
 * through), fsynced, then renamed over the name, which replaces a link instead of following it. Refuses when the
 * file changed since it was read (`previous`), or appeared when there was none.
 */
export async function writeDocumentAtomically(file: string, text: string, previous: ReadDocument | undefined): Promise<void> {
	const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
	const handle = await fs.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
	try {
		try {
			await handle.writeFile(text, 'utf8');
			await handle.sync();
		} finally {
			await handle.close();
		}
		const now = await fs.lstat(file).catch((error: NodeJS.ErrnoException) => {
			if (error.code === 'ENOENT') {
				return undefined;
			}
			throw error;
		});
		if (now !== undefined && (previous === undefined || !now.isFile() || identityOf(now) !== previous.identity)) {
			throw new LarkError('io', `${path.basename(file)} changed while it was being exported; nothing was written.`, { hint: 'Export again.', retryable: true });
		}
		await fs.rename(temp, file);
	} catch (error) {
		await fs.rm(temp, { force: true });
		throw error;
	}
}
