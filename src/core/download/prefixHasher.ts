import { createHash, type Hash } from 'node:crypto';
import { read as readWithCallback, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { LarkError, localFileError } from '../errors';

const READ_BYTES = 1024 * 1024;

/**
 * The SHA-256 of a .part, computed while it downloads: whenever the bytes from 0 on grow (parts finish in order
 * more or less), the new stretch is read back from the page cache and hashed. The record then needs no second
 * pass over the file after the download, only over the last stretch.
 */
export class PrefixHasher {
	private hash: Hash = createHash('sha256');
	private hashed = 0;
	private available = 0;
	private running: Promise<void> | undefined;
	private generation = 0;
	private readonly buffer = Buffer.allocUnsafe(READ_BYTES);
	private failure: LarkError | undefined;

	constructor(
		private readonly file: FileHandle,
		/** Read on the calling thread (EngineSettings.blockingFileIo), one MiB per turn of the event loop. */
		private readonly blocking = false,
	) {}

	/** Bytes [0, end) are written: they may be hashed. */
	advance(end: number): void {
		if (end > this.available || (end === this.available && this.hashed < end && this.running === undefined)) {
			this.available = end;
			this.running ??= this.catchUp(this.generation).finally(() => {
				this.running = undefined;
				if (this.hashed < this.available && this.failure === undefined) {
					this.advance(this.available); // grew while the last read finished
				}
			});
		}
	}

	/** The file is written again from byte 0 (a whole-body restart): start over. */
	async reset(): Promise<void> {
		this.generation++;
		await this.running;
		this.hash = createHash('sha256');
		this.hashed = 0;
		this.available = 0;
		this.failure = undefined;
	}

	/** The file is about to be closed without a digest: read nothing more. */
	stop(): void {
		this.generation++;
	}

	/** The digest of bytes [0, total), hashing what is still missing (hex). */
	async digest(total: number): Promise<string> {
		await this.running;
		this.advance(total);
		await this.running;
		if (this.failure !== undefined) {
			throw this.failure;
		}
		return this.hash.digest('hex');
	}

	private async catchUp(generation: number): Promise<void> {
		try {
			while (this.hashed < this.available && generation === this.generation) {
				const length = Math.min(READ_BYTES, this.available - this.hashed);
				let bytesRead: number;
				if (this.blocking) {
					await new Promise((resolve) => setImmediate(resolve)); // let the sockets in between the MiBs
					if (generation !== this.generation) {
						return; // stopped meanwhile: the descriptor may be closed, or already another file's
					}
					bytesRead = readSync(this.file.fd, this.buffer, 0, length, this.hashed);
				} else {
					bytesRead = await readInPool(this.file.fd, this.buffer, length, this.hashed);
				}
				if (bytesRead === 0 || generation !== this.generation) {
					return;
				}
				this.hash.update(this.buffer.subarray(0, bytesRead));
				this.hashed += bytesRead;
			}
		} catch (error) {
			this.failure = localFileError(error) ?? new LarkError('io', `Could not read the .part back to hash it: ${error instanceof Error ? error.message : String(error)}`);
		}
	}
}

/** `fs.read` with a callback: cheaper than FileHandle.read, like the writer's pool writes (fileWriter.ts). */
function readInPool(fd: number, buffer: Buffer, length: number, position: number): Promise<number> {
	return new Promise((resolve, reject) => {
		readWithCallback(fd, buffer, 0, length, position, (error, bytesRead) => (error === null ? resolve(bytesRead) : reject(error)));
	});
}
