import { write as writeWithCallback, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { FileWriter, writeBufferBytesFor, type PositionalWrites } from './fileWriter';
import { PrefixHasher } from './prefixHasher';

export interface OpenPartEvents {
	/** Bytes [start, end) are written; returns where the written bytes from 0 on now end (the hasher follows it). */
	onWritten: (start: number, end: number) => number;
	/** About 64 MiB were written since the last time (FileWriter.onSyncDue). */
	onSyncDue: () => void;
}

/**
 * An open .part with its one writer and its hasher: what a transfer opens, writes through, and closes or commits.
 * `hashedFrom` is where an earlier run's verified bytes from 0 on end; they are hashed first.
 */
export class OpenPart {
	readonly writer: FileWriter;
	private readonly hasher: PrefixHasher;

	constructor(
		readonly file: FileHandle,
		blocking: boolean,
		hashedFrom: number,
		/** The file's size, if known: its buffers need be no larger. */
		total: number | undefined,
		events: OpenPartEvents,
	) {
		const hasher = new PrefixHasher(file, blocking);
		hasher.advance(hashedFrom);
		this.hasher = hasher;
		this.writer = new FileWriter(positionalWrites(file, blocking), {
			bufferBytes: writeBufferBytesFor(total),
			onWritten: (start, end) => hasher.advance(events.onWritten(start, end)),
			onSyncDue: events.onSyncDue,
		});
	}

	/** The file is written again from byte 0 (a whole-body restart). */
	restartHash(): Promise<void> {
		return this.hasher.reset();
	}

	/** Waits for every queued write. */
	drain(): Promise<void> {
		return this.writer.drain();
	}

	/** All `total` bytes are written: hashes what is left while the file is synced, closes it; returns the SHA-256. */
	async syncAndClose(total: number): Promise<string> {
		await this.writer.drain();
		const [sha256] = await Promise.all([this.hasher.digest(total), this.file.sync()]);
		await this.file.close();
		return sha256;
	}

	/** Closes without committing (the .part stays or goes, as the caller decides). */
	async close(): Promise<void> {
		this.hasher.stop();
		await this.writer.drain();
		await this.file.close().catch(() => undefined);
	}
}

/**
 * The writes of one .part. Blocking: on the calling thread (the CLI, which has nothing else to do). Otherwise
 * `fs.write` with a callback on the thread pool: the same pool write as FileHandle.write, measured at 0.74× its
 * wall time and half its system time for a 1 GiB download (README, "The body path").
 */
export function positionalWrites(file: FileHandle, blocking: boolean): PositionalWrites {
	if (blocking) {
		return { write: (buffer, offset, length, position) => Promise.resolve({ bytesWritten: writeSync(file.fd, buffer, offset, length, position) }) };
	}
	return {
		write: (buffer, offset, length, position) =>
			new Promise((resolve, reject) => {
				writeWithCallback(file.fd, buffer, offset, length, position, (error, bytesWritten) => (error === null ? resolve({ bytesWritten }) : reject(error)));
			}),
	};
}
