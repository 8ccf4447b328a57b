import type { LarkError } from '../errors';
import type { FileWriter } from './fileWriter';

/**
 * One of a stream's two buffers: bytes [start, start + fill) of the file, of which [0, flushed) are queued or
 * written. A buffer is filled again (a new `cycle`) only when no write of its last cycle is pending.
 */
interface Slot {
	buffer: Buffer | undefined;
	start: number;
	fill: number;
	flushed: number;
	cycle: number;
	/** Writes of this buffer not finished yet. */
	writes: number;
	/** Writes of earlier cycles not finished yet: the buffer may not be refilled before they are. */
	oldWrites: number;
}

/**
 * Consecutive bytes of one response body on their way into the file, through two buffers: one fills (a socket
 * may read straight into `region()`) while the other is written (one only, when the writer has none to spare);
 * when none is free the stream says "wait"
 * (`filled` returns false, `whenSpace` resolves later), which is how a fast network waits for a slow disk.
 * A slow body is flushed now and then (`flushPartial`), so that progress never waits for a buffer to fill.
 */
export class PartStream {
	/** The buffer being filled, and the other one (being written, or free). */
	private filling: Slot;
	private spare: Slot;
	private pending = 0;
	private written = 0;
	private tookBuffer = false;
	private failure: LarkError | undefined;
	private spaceWaiters: Array<() => void> = [];
	private settledWaiters: Array<() => void> = [];
	/** Set by a reader that must stop when the file cannot be written (e.g. destroys its socket). */
	onFailure: ((error: LarkError) => void) | undefined;

	constructor(
		private readonly writer: FileWriter,
		private position: number,
	) {
		this.filling = { buffer: undefined, start: position, fill: 0, flushed: 0, cycle: 0, writes: 0, oldWrites: 0 };
		this.spare = { buffer: undefined, start: position, fill: 0, flushed: 0, cycle: 0, writes: 0, oldWrites: 0 };
	}

	/** Bytes of this stream already written to the file. */
	get bytesWritten(): number {
		return this.written;
	}

	/**
	 * The free part of the filling buffer, at most `maxBytes` (> 0). While the stream waits for space this is the
	 * buffer being written: a reader must not fill it before `whenSpace()`; a paused socket does not.
	 */
	region(maxBytes: number): Buffer {
		const slot = this.filling;
		if (slot.buffer === undefined) {
			slot.buffer = this.writer.takeBuffer();
			this.tookBuffer = true;
		}
		return slot.buffer.subarray(slot.fill, Math.min(slot.buffer.length, slot.fill + maxBytes));
	}

	/** `n` bytes were put into `region()`. False: no buffer is free, wait for `whenSpace()` before the next. */
	filled(n: number): boolean {
		const slot = this.filling;
		slot.fill += n;
		this.position += n;
		if (slot.buffer !== undefined && slot.fill === slot.buffer.length) {
			this.submit(slot);
			// The other buffer if there is one (or the writer can spare one); else this one again once it is written.
			this.spare.buffer ??= this.writer.takeSpareBuffer();
			const next = this.spare.buffer === undefined ? slot : this.spare;
			if (next !== slot) {
				this.spare = slot;
				this.filling = next;
			}
			next.cycle++;
			next.oldWrites = next.writes;
			next.start = this.position;
			next.fill = 0;
			next.flushed = 0;
		}
		return this.hasSpace;
	}

	/** True when the next `region()` may be filled now. */
	get hasSpace(): boolean {
		return this.filling.oldWrites === 0 && this.failure === undefined;
	}

	/** Resolves once `region()` may be filled (or the file failed: then `close` says why). */
	whenSpace(): Promise<void> {
		if (this.hasSpace || this.failure !== undefined) {
			return Promise.resolve();
		}
		return new Promise((resolve) => this.spaceWaiters.push(resolve));
	}

	/** Copies `chunk` in, waiting for space as needed (for bodies that arrive as chunks). */
	async push(chunk: Uint8Array): Promise<void> {
		let offset = 0;
		while (offset < chunk.length) {
			await this.whenSpace();
			if (this.failure !== undefined) {
				throw this.failure;
			}
			const target = this.region(chunk.length - offset);
			const copied = Buffer.from(chunk.buffer, chunk.byteOffset + offset, target.length).copy(target);
			offset += copied;
			this.filled(copied);
		}
	}

	/** Queues what the filling buffer holds so far; the reader may go on filling the rest of it meanwhile. */
	flushPartial(): void {
		if (this.hasSpace) {
			this.submit(this.filling);
		}
	}

	/**
	 * Writes what is buffered and waits for all of this stream's writes; returns the bytes written (bytes received
	 * before a failure are kept too). Throws the write error if the file could not be written.
	 */
	async close(): Promise<number> {
		this.writer.forget(this, this.tookBuffer);
		if (this.failure === undefined) {
			this.flushPartial();
		}
		if (this.pending > 0) {
			await new Promise<void>((resolve) => this.settledWaiters.push(resolve));
		}
		for (const each of [this.filling, this.spare]) {
			if (each.buffer !== undefined) {
				this.writer.returnBuffer(each.buffer);
				each.buffer = undefined;
			}
		}
		if (this.failure !== undefined) {
			throw this.failure;
		}
		return this.written;
	}

	/** @internal for FileWriter: the file cannot be written any more. */
	fail(error: LarkError): void {
		this.failure ??= error;
		this.onFailure?.(error);
		this.wakeSpaceWaiters();
	}

	private submit(slot: Slot): void {
		const buffer = slot.buffer;
		if (buffer === undefined || slot.fill === slot.flushed) {
			return;
		}
		const view = buffer.subarray(slot.flushed, slot.fill);
		const position = slot.start + slot.flushed;
		const cycle = slot.cycle;
		slot.flushed = slot.fill;
		this.pending++;
		slot.writes++;
		this.writer.enqueue(view, position, (error) => {
			this.pending--;
			slot.writes--;
			if (cycle !== slot.cycle) {
				slot.oldWrites--;
			}
			if (error === undefined) {
				this.written += view.length;
			} else {
				this.failure ??= error;
			}
			this.wakeSpaceWaiters();
			if (this.pending === 0) {
				const settled = this.settledWaiters;
				this.settledWaiters = [];
				for (const resolve of settled) {
					resolve();
				}
			}
		});
	}

	private wakeSpaceWaiters(): void {
		if (!this.hasSpace && this.failure === undefined) {
			return;
		}
		const waiters = this.spaceWaiters;
		this.spaceWaiters = [];
		for (const resolve of waiters) {
			resolve();
		}
	}
}
