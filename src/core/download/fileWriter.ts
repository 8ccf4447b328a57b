import { LarkError, localFileError, toLarkError } from '../errors';
import { PartStream } from './partStream';

/** Large writes: one syscall per MiB instead of one per 64 KiB socket chunk (chosen by measurement, README). */
export const WRITE_BUFFER_BYTES = 1024 * 1024;
/** The smallest buffer: a lean answer's first body bytes, which arrive with its head (≤ 64 KiB), must fit. */
export const MIN_WRITE_BUFFER_BYTES = 64 * 1024;

/** Buffers for a file of `total` bytes: a small file (most images) needs no MiB of memory. */
export function writeBufferBytesFor(total: number | undefined): number {
	if (total === undefined) {
		return WRITE_BUFFER_BYTES;
	}
	let size = MIN_WRITE_BUFFER_BYTES;
	while (size < total && size < WRITE_BUFFER_BYTES) {
		size *= 2;
	}
	return size;
}

/**
 * Buffers of one file beyond one per stream: every stream always has one, and a second only while the writer has
 * fewer than this many in all, so memory stays flat (about this many MiB) whatever the file's size and speed.
 */
export const MAX_WRITE_BUFFERS = 8;
/** A slow body's bytes are written (and counted) at least this often, even before a buffer is full. */
const FLUSH_EVERY_MS = 250;
/** A resume record is brought up to date after about this many bytes, so the final fsync stays short. */
export const SYNC_EVERY_BYTES = 64 * 1024 * 1024;

export interface FileWriterOptions {
	/** Bytes [start, end) of the file are written (not yet durable): the only place bytes are counted. */
	onWritten: (start: number, end: number) => void;
	/** About SYNC_EVERY_BYTES were written since the last call: time to sync and record what is durable. */
	onSyncDue?: () => void;
	bufferBytes?: number;
	maxBuffers?: number;
	syncEveryBytes?: number;
}

/** Positional writes to one file (a FileHandle has this shape; openPart.ts makes the fast ones). */
export interface PositionalWrites {
	write(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
}

interface QueuedWrite {
	view: Buffer;
	position: number;
	done: (error: LarkError | undefined) => void;
}

/**
 * The one writer of one .part file. Every part's bytes reach the file through this queue, one large positional
 * write at a time: parallel writes to one file only contend for its inode lock and wake a pool thread per chunk.
 * Buffers are recycled between the parts, so memory stays flat whatever the file's size.
 */
export class FileWriter {
	readonly bufferBytes: number;
	private readonly maxBuffers: number;
	private allocated = 0;
	/** Open streams that have not taken their first buffer yet: a spare given now would push the total past the limit. */
	private awaitingFirst = 0;
	private readonly syncEveryBytes: number;
	private readonly queue: QueuedWrite[] = [];
	private readonly freeBuffers: Buffer[] = [];
	private writing = false;
	private idle: Array<() => void> = [];
	private sinceSync = 0;
	private failure: LarkError | undefined;
	private readonly streams = new Set<PartStream>();
	private flushTimer: NodeJS.Timeout | undefined;

	constructor(
		private readonly file: PositionalWrites,
		private readonly options: FileWriterOptions,
	) {
		this.bufferBytes = options.bufferBytes ?? WRITE_BUFFER_BYTES;
		this.maxBuffers = options.maxBuffers ?? MAX_WRITE_BUFFERS;
		this.syncEveryBytes = options.syncEveryBytes ?? SYNC_EVERY_BYTES;
	}

	/** The first write error (e.g. a full disk); once set, every stream fails with it. */
	get error(): LarkError | undefined {
		return this.failure;
	}

	/** A stream of consecutive bytes starting at `position` (one response body). */
	stream(position: number): PartStream {
		const stream = new PartStream(this, position);
		this.streams.add(stream);
		this.awaitingFirst++;
		this.flushTimer ??= setInterval(() => {
			for (const each of this.streams) {
				each.flushPartial();
			}
		}, FLUSH_EVERY_MS).unref();
		return stream;
	}

	/** Resolves once every queued write has finished. */
	drain(): Promise<void> {
		if (!this.writing && this.queue.length === 0) {
			return Promise.resolve();
		}
		return new Promise((resolve) => this.idle.push(resolve));
	}

	/** @internal for PartStream: a stream's first buffer, recycled when possible (always given). */
	takeBuffer(): Buffer {
		this.awaitingFirst--;
		return this.freeBuffers.pop() ?? this.allocate();
	}

	/** @internal for PartStream: a second buffer, only while the writer is under its limit. */
	takeSpareBuffer(): Buffer | undefined {
		const reserved = Math.max(0, this.awaitingFirst - this.freeBuffers.length);
		if (this.allocated + reserved >= this.maxBuffers) {
			return undefined;
		}
		return this.freeBuffers.length > this.awaitingFirst ? this.freeBuffers.pop() : this.allocate();
	}

	private allocate(): Buffer {
		this.allocated++;
		return Buffer.allocUnsafe(this.bufferBytes);
	}

	/** @internal for PartStream: a buffer it no longer needs. */
	returnBuffer(buffer: Buffer): void {
		this.freeBuffers.push(buffer);
	}

	/** @internal for PartStream. */
	forget(stream: PartStream, tookBuffer: boolean): void {
		if (this.streams.delete(stream) && !tookBuffer) {
			this.awaitingFirst--;
		}
		if (this.streams.size === 0 && this.flushTimer !== undefined) {
			clearInterval(this.flushTimer);
			this.flushTimer = undefined;
		}
	}

	/** @internal for PartStream: queues `view` for `position`; `done` runs once it is written. */
	enqueue(view: Buffer, position: number, done: (error: LarkError | undefined) => void): void {
		if (this.failure !== undefined) {
			done(this.failure);
			return;
		}
		this.queue.push({ view, position, done });
		if (!this.writing) {
			void this.writeQueued();
		}
	}

	private async writeQueued(): Promise<void> {
		this.writing = true;
		for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
			const error = this.failure ?? (await this.writeFully(next)) ?? this.report(next);
			if (error !== undefined && this.failure === undefined) {
				this.failure = error;
				for (const stream of this.streams) {
					stream.fail(error);
				}
			}
			next.done(error);
		}
		this.writing = false;
		const waiting = this.idle;
		this.idle = [];
		for (const resolve of waiting) {
			resolve();
		}
	}

	private async writeFully(write: QueuedWrite): Promise<LarkError | undefined> {
		try {
			let done = 0;
			while (done < write.view.length) {
				const length = write.view.length - done;
				const { bytesWritten } = await this.file.write(write.view, done, length, write.position + done);
				done += bytesWritten;
			}
			return undefined;
		} catch (error) {
			return localFileError(error) ?? new LarkError('io', `Could not write the .part file: ${error instanceof Error ? error.message : String(error)}`);
		}
	}

	/** Tells the owner about a finished write; a listener that throws fails the download instead of stalling it. */
	private report(write: QueuedWrite): LarkError | undefined {
		try {
			this.options.onWritten(write.position, write.position + write.view.length);
			this.countForSync(write.view.length);
			return undefined;
		} catch (error) {
			return toLarkError(error);
		}
	}

	private countForSync(bytes: number): void {
		this.sinceSync += bytes;
		if (this.sinceSync >= this.syncEveryBytes) {
			this.sinceSync -= this.syncEveryBytes;
			this.options.onSyncDue?.();
		}
	}
}
