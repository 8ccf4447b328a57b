import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import { FileWriter, writeBufferBytesFor } from '../../../../src/core/download/fileWriter';
import { positionalWrites } from '../../../../src/core/download/openPart';
import type { PartStream } from '../../../../src/core/download/partStream';
import { LarkError } from '../../../../src/core/errors';
import { bytes, sha256, sha256File, tempDir } from '../../../support/fixtures';
import { prng } from '../../../support/sandbox/content';

type Range = [start: number, end: number];

interface FakeWrite {
	position: number;
	length: number;
}

interface FakeFileOptions {
	/** Each write waits until the test calls `release()`. */
	gated?: boolean;
	/** Calls from this index on (0-based) fail as a full disk does. */
	failFromCall?: number;
	/** A call writes at most this many bytes (a short write), like `write(2)` may. */
	maxBytesPerCall?: number;
	/** Bytes go to this real handle instead of the in-memory copy. */
	delegate?: FileHandle;
}

/** Stands in for the .part file's FileHandle: records every `write` call, counts how many are in flight at once. */
class FakeFile {
	readonly data: Buffer;
	readonly calls: FakeWrite[] = [];
	readonly completed: FakeWrite[] = [];
	inFlight = 0;
	maxInFlight = 0;
	private readonly held: Array<() => void> = [];

	constructor(
		size: number,
		private readonly options: FakeFileOptions = {},
	) {
		this.data = Buffer.alloc(size);
	}

	get handle(): FileHandle {
		return this as unknown as FileHandle;
	}

	/** Writes waiting for `release()`. */
	get waiting(): number {
		return this.held.length;
	}

	/** Lets the oldest held write finish. */
	release(): void {
		const next = this.held.shift();
		assert.ok(next, 'no write is waiting to be released');
		next();
	}

	async write(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number; buffer: Buffer }> {
		const call = this.calls.length;
		this.calls.push({ position, length });
		this.inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
		try {
			if (this.options.gated === true) {
				await new Promise<void>((resolve) => this.held.push(resolve));
			} else {
				await tick(); // room for a second write to start, were the writer to issue one
			}
			if (this.options.failFromCall !== undefined && call >= this.options.failFromCall) {
				throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
			}
			let bytesWritten = Math.min(length, this.options.maxBytesPerCall ?? length);
			if (this.options.delegate !== undefined) {
				({ bytesWritten } = await this.options.delegate.write(buffer, offset, bytesWritten, position));
			} else {
				buffer.copy(this.data, position, offset, offset + bytesWritten);
			}
			this.completed.push({ position, length: bytesWritten });
			return { bytesWritten, buffer };
		} finally {
			this.inFlight--;
		}
	}

	/** True when `write` calls that already finished hold every byte of [start, end). */
	holds(start: number, end: number): boolean {
		let covered = 0;
		for (const each of this.completed) {
			if (each.position >= start && each.position + each.length <= end) {
				covered += each.length;
			}
		}
		return covered === end - start;
	}
}

/** Seeded integers in [min, max]: a failing run is replayed with its seed. */
function randomInts(seed: number): (min: number, max: number) => number {
	const unit = prng(seed);
	return (min, max) => min + Math.floor(unit() * (max - min + 1));
}

/** Streams of these lengths laid end to end: each one's span of the file, and the file's size. */
function layOut(lengths: readonly number[]): { spans: Range[]; total: number } {
	const spans: Range[] = [];
	let total = 0;
	for (const length of lengths) {
		spans.push([total, total + length]);
		total += length;
	}
	return { spans, total };
}

/** Tracks whether a promise has settled, without awaiting it. */
function watch(promise: Promise<unknown>): { settled: boolean } {
	const state = { settled: false };
	const settle = (): void => {
		state.settled = true;
	};
	void promise.then(settle, settle);
	return state;
}

/** Socket-sized chunks: many tiny ones, many larger than a buffer. */
function chunkSize(next: (min: number, max: number) => number, bufferBytes: number): number {
	return next(0, 3) === 0 ? next(1, 64) : next(1, 3 * bufferBytes);
}

/** A body arriving in chunks, copied in by `push`. */
async function feedByPush(stream: PartStream, data: Buffer, next: (min: number, max: number) => number, bufferBytes: number, timerFlushes = false): Promise<void> {
	for (let offset = 0; offset < data.length; ) {
		const size = Math.min(chunkSize(next, bufferBytes), data.length - offset);
		await stream.push(data.subarray(offset, offset + size));
		offset += size;
		if (timerFlushes && next(0, 3) === 0) {
			stream.flushPartial();
		}
		if (next(0, 2) === 0) {
			await tick();
		}
	}
}

/**
 * A socket reading straight into `region()`, sometimes fewer bytes than offered, pausing whenever `filled` says so.
 * With `timerFlushes`, the flush timer's `flushPartial()` runs now and then, also while the socket holds a region.
 */
async function feedByRegion(stream: PartStream, data: Buffer, next: (min: number, max: number) => number, bufferBytes: number, timerFlushes = false): Promise<void> {
	for (let offset = 0; offset < data.length; ) {
		assert.ok(stream.hasSpace, 'after whenSpace() the stream has space');
		const want = Math.min(chunkSize(next, bufferBytes), data.length - offset);
		const region = stream.region(want);
		assert.ok(region.length > 0 && region.length <= want, `region(${want}) gave ${region.length} bytes`);
		if (timerFlushes && next(0, 3) === 0) {
			stream.flushPartial();
		}
		const n = data.copy(region, 0, offset, offset + next(1, region.length));
		offset += n;
		if (!stream.filled(n)) {
			await stream.whenSpace();
		} else if (next(0, 2) === 0) {
			await tick();
		}
	}
}

function assertDiskFull(error: unknown): true {
	assert.ok(error instanceof LarkError, `expected a LarkError, got ${String(error)}`);
	assert.equal(error.type, 'io');
	assert.equal(error.reason, 'disk-full');
	return true;
}

describe('FileWriter and PartStream: the single writer of a .part file', () => {
	let work: { dir: string; cleanup: () => Promise<void> };
	let file: FileHandle | undefined;

	beforeEach(async () => {
		work = await tempDir('lark-dl-writer-');
		file = undefined;
	});

	afterEach(async () => {
		await file?.close();
		await work.cleanup();
	});

	async function openPart(): Promise<FileHandle> {
		file = await fs.open(path.join(work.dir, 'file.bin.part'), 'w+');
		return file;
	}

	it('eight concurrent streams, fed by push and by region/filled in random chunk sizes with partial flushes between, build the exact file, each byte counted once, inside its stream, in order', async () => {
		const seed = Number(process.env.FILE_WRITER_SEED ?? Date.now()) >>> 0;
		const why = `seed ${seed} (replay with FILE_WRITER_SEED=${seed})`;
		const next = randomInts(seed);
		const bufferBytes = 4096;
		const lengths = [1, 2 * bufferBytes, 3 * bufferBytes + 1, bufferBytes - 1];
		while (lengths.length < 8) {
			lengths.push(next(1, 12 * bufferBytes));
		}
		const { spans, total } = layOut(lengths);
		const source = bytes(total);
		const written: Range[] = [];
		const writer = new FileWriter(await openPart(), { bufferBytes, onWritten: (start, end) => written.push([start, end]) });

		// Open the streams in a shuffled order, so that the file is written at interleaved offsets.
		const order = spans.map((_, i) => i).sort(() => next(0, 1) - 0.5);
		const closed = await Promise.all(
			order.map(async (i) => {
				const [start, end] = spans[i]!;
				const stream = writer.stream(start);
				const data = source.subarray(start, end);
				await (i % 2 === 0 ? feedByPush(stream, data, next, bufferBytes, true) : feedByRegion(stream, data, next, bufferBytes, true));
				return { i, bytes: await stream.close() };
			}),
		);
		await writer.drain();

		assert.equal(await sha256File(path.join(work.dir, 'file.bin.part')), sha256(source), why);
		for (const { i, bytes: count } of closed) {
			const [start, end] = spans[i]!;
			assert.equal(count, end - start, `close() of stream ${i} returns its length; ${why}`);
		}
		for (const [i, [start, end]] of spans.entries()) {
			const mine = written.filter(([from]) => from >= start && from < end);
			assert.ok(mine.length > 0, `stream ${i} reported writes; ${why}`);
			let expected = start;
			for (const [from, to] of mine) {
				assert.ok(to > from && to <= end, `[${from}, ${to}) lies inside stream ${i}'s [${start}, ${end}); ${why}`);
				assert.equal(from, expected, `stream ${i}'s writes are reported in increasing order, back to back; ${why}`);
				expected = to;
			}
			assert.equal(expected, end, `stream ${i}'s writes reach its end; ${why}`);
		}
		const union = [...written].sort((a, b) => a[0] - b[0]);
		let covered = 0;
		for (const [from, to] of union) {
			assert.equal(from, covered, `the written ranges neither overlap nor leave a gap; ${why}`);
			covered = to;
		}
		assert.equal(covered, total, why);
	});

	it('writes one buffer at a time, never two writes in flight, and every write but a stream’s last is a whole buffer', async () => {
		const next = randomInts(7);
		const bufferBytes = 8192;
		const lengths = [5.5 * bufferBytes, 3 * bufferBytes, 7 * bufferBytes + 1, 1, bufferBytes - 1, 2 * bufferBytes];
		const { spans, total } = layOut(lengths);
		const source = bytes(total);
		const fake = new FakeFile(0, { delegate: await openPart() });
		const writer = new FileWriter(fake.handle, { bufferBytes, onWritten: () => undefined });

		const timerFlushes = await Promise.all(
			spans.map(async ([start, end], i) => {
				const stream = writer.stream(start);
				// Count the flush timer's partial flushes (close() calls flushPartial too: those are not counted).
				let closing = false;
				let flushes = 0;
				const flushPartial = stream.flushPartial.bind(stream);
				stream.flushPartial = (): void => {
					flushes += closing ? 0 : 1;
					flushPartial();
				};
				const data = source.subarray(start, end);
				await (i % 2 === 0 ? feedByPush(stream, data, next, bufferBytes) : feedByRegion(stream, data, next, bufferBytes));
				closing = true;
				assert.equal(await stream.close(), end - start);
				return flushes;
			}),
		);

		assert.equal(fake.maxInFlight, 1, 'at most one write to the file at any time');
		assert.equal(await sha256File(path.join(work.dir, 'file.bin.part')), sha256(source));
		for (const [i, [start, end]] of spans.entries()) {
			const lengthsWritten = fake.calls.filter((call) => call.position >= start && call.position < end).map((call) => call.length);
			const wholeBuffers = Math.floor((end - start) / bufferBytes);
			const expected = [...(Array(wholeBuffers).fill(bufferBytes) as number[]), ...((end - start) % bufferBytes > 0 ? [(end - start) % bufferBytes] : [])];
			if (timerFlushes[i] === 0) {
				assert.deepEqual(lengthsWritten, expected, `stream ${i}: one write per whole buffer, then the rest`);
			} else {
				// A partial flush splits one buffer into two writes; nothing else may be short.
				const short = lengthsWritten.slice(0, -1).filter((length) => length !== bufferBytes).length;
				assert.ok(short <= 2 * (timerFlushes[i] ?? 0), `stream ${i}: ${short} short writes for ${timerFlushes[i]} partial flushes`);
			}
		}
	});

	it('continues a short write until the whole buffer is in the file, and counts the buffer once', async () => {
		const bufferBytes = 4096;
		const data = bytes(3 * bufferBytes + 17);
		const fake = new FakeFile(100 + data.length, { maxBytesPerCall: 1000 });
		const written: Range[] = [];
		const writer = new FileWriter(fake.handle, { bufferBytes, onWritten: (start, end) => written.push([start, end]) });
		const stream = writer.stream(100);
		await stream.push(data);
		assert.equal(await stream.close(), data.length);
		assert.ok(fake.calls.length > 4, 'the fake wrote 1000 bytes per call');
		assert.deepEqual(fake.data.subarray(100), data);
		assert.deepEqual(written, [
			[100, 100 + bufferBytes],
			[100 + bufferBytes, 100 + 2 * bufferBytes],
			[100 + 2 * bufferBytes, 100 + 3 * bufferBytes],
			[100 + 3 * bufferBytes, 100 + data.length],
		]);
	});

	it('after two full buffers the stream waits for the disk: filled() is false, hasSpace false, whenSpace() resolves only once a write finished', async () => {
		const bufferBytes = 1024;
		const data = bytes(3 * bufferBytes);
		const fake = new FakeFile(data.length, { gated: true });
		const written: Range[] = [];
		const countedTooEarly: Range[] = [];
		const writer = new FileWriter(fake.handle, {
			bufferBytes,
			onWritten: (start, end) => {
				written.push([start, end]);
				if (!fake.holds(start, end)) {
					countedTooEarly.push([start, end]);
				}
			},
		});
		const stream = writer.stream(0);

		const first = stream.region(bufferBytes);
		assert.equal(first.length, bufferBytes);
		data.copy(first, 0, 0, bufferBytes);
		assert.equal(stream.filled(bufferBytes), true, 'the second buffer is free');
		assert.equal(stream.hasSpace, true);

		const second = stream.region(bufferBytes);
		assert.equal(second.length, bufferBytes);
		data.copy(second, 0, bufferBytes, 2 * bufferBytes);
		assert.equal(stream.filled(bufferBytes), false, 'both buffers are taken');
		assert.equal(stream.hasSpace, false);

		const space = watch(stream.whenSpace());
		await tick();
		await tick();
		assert.equal(fake.waiting, 1, 'one write in flight, the other queued behind it');
		assert.equal(space.settled, false, 'no space while both writes are pending');
		assert.deepEqual(written, [], 'nothing counted before a write finished');
		assert.equal(stream.bytesWritten, 0);

		fake.release();
		await tick();
		await tick();
		assert.equal(space.settled, true, 'space once the first buffer is written');
		assert.equal(stream.hasSpace, true);
		assert.deepEqual(written, [[0, bufferBytes]]);
		assert.equal(stream.bytesWritten, bufferBytes);

		const third = stream.region(bufferBytes);
		data.copy(third, 0, 2 * bufferBytes);
		assert.equal(stream.filled(bufferBytes), false, 'the second buffer is still being written');
		const closing = stream.close();
		const closed = watch(closing);
		for (let turns = 0; turns < 100 && (fake.waiting > 0 || !closed.settled); turns++) {
			await tick();
			if (fake.waiting > 0) {
				fake.release();
			}
		}
		assert.equal(await closing, 3 * bufferBytes);
		assert.deepEqual(fake.data, data);
		assert.deepEqual(written, [
			[0, bufferBytes],
			[bufferBytes, 2 * bufferBytes],
			[2 * bufferBytes, 3 * bufferBytes],
		]);
		assert.deepEqual(countedTooEarly, []);
	});

	it('a full disk fails every stream with an io / disk-full LarkError, calls onFailure and counts nothing after the failure', async () => {
		const bufferBytes = 1024;
		const fake = new FakeFile(8 * bufferBytes, { failFromCall: 1 });
		const written: Range[] = [];
		const writer = new FileWriter(fake.handle, { bufferBytes, onWritten: (start, end) => written.push([start, end]) });
		const failing = writer.stream(0);
		const other = writer.stream(4 * bufferBytes);
		const failures: Array<[string, LarkError]> = [];
		failing.onFailure = (error): void => {
			failures.push(['failing', error]);
		};
		other.onFailure = (error): void => {
			failures.push(['other', error]);
		};

		await failing.push(bytes(2 * bufferBytes)); // two writes: the first succeeds, the second fails
		await other.push(bytes(bufferBytes + 10)); // queued behind the failing write
		await writer.drain();

		assert.ok(writer.error !== undefined && assertDiskFull(writer.error));
		assert.deepEqual(
			failures.map(([name]) => name),
			['failing', 'other'],
		);
		for (const [, error] of failures) {
			assert.equal(error, writer.error);
		}
		assert.equal(fake.calls.length, 2, 'the write queued behind the failure is not attempted');
		assert.deepEqual(written, [[0, bufferBytes]], 'only the write before the failure is counted');
		assert.equal(failing.bytesWritten, bufferBytes);
		assert.equal(other.bytesWritten, 0);

		await assert.rejects(failing.push(bytes(10)), assertDiskFull);
		await assert.rejects(other.push(bytes(10)), assertDiskFull);
		await assert.rejects(failing.close(), assertDiskFull);
		await assert.rejects(other.close(), assertDiskFull);

		const late = writer.stream(6 * bufferBytes);
		await late.push(bytes(10));
		await assert.rejects(late.close(), assertDiskFull, 'a stream opened after the failure fails too');
		assert.equal(fake.calls.length, 2);
		assert.deepEqual(written, [[0, bufferBytes]]);
	});

	it('asks for a sync once per syncEveryBytes written, across streams', async () => {
		const bufferBytes = 1024;
		const fake = new FakeFile(12 * bufferBytes);
		let writtenBytes = 0;
		const syncsAt: number[] = [];
		const writer = new FileWriter(fake.handle, {
			bufferBytes,
			syncEveryBytes: 4 * bufferBytes,
			onWritten: (start, end) => {
				writtenBytes += end - start;
			},
			onSyncDue: () => syncsAt.push(writtenBytes),
		});
		const first = writer.stream(0);
		for (let i = 0; i < 10; i++) {
			await first.push(bytes(bufferBytes));
		}
		assert.equal(await first.close(), 10 * bufferBytes);
		assert.deepEqual(syncsAt, [4 * bufferBytes, 8 * bufferBytes]);

		const second = writer.stream(10 * bufferBytes);
		await second.push(bytes(2 * bufferBytes));
		assert.equal(await second.close(), 2 * bufferBytes);
		assert.deepEqual(syncsAt, [4 * bufferBytes, 8 * bufferBytes, 12 * bufferBytes]);
	});

	it('a slow body’s bytes are written and counted by the flush timer before its buffer fills or the stream closes', async () => {
		const data = bytes(1500);
		const written: Range[] = [];
		const writer = new FileWriter(await openPart(), { bufferBytes: 64 * 1024, onWritten: (start, end) => written.push([start, end]) });
		const stream = writer.stream(4096);
		await stream.push(data.subarray(0, 1000));
		await sleep(300); // the flush timer runs every 250 ms
		await writer.drain();
		assert.deepEqual(written, [[4096, 5096]], 'the first 1000 bytes are counted without closing');
		assert.equal(stream.bytesWritten, 1000);

		await stream.push(data.subarray(1000)); // the rest of the same buffer
		assert.equal(await stream.close(), 1500);
		assert.deepEqual(written, [
			[4096, 5096],
			[5096, 5596],
		]);
		const content = await fs.readFile(path.join(work.dir, 'file.bin.part'));
		assert.equal(content.length, 5596);
		assert.deepEqual(content.subarray(4096), data);
		assert.deepEqual(content.subarray(0, 4096), Buffer.alloc(4096));
	});

	it('recycles buffers: twenty streams one after another use no more than four buffers', async () => {
		const bufferBytes = 1024;
		const source = bytes(20 * 3 * bufferBytes);
		const fake = new FakeFile(source.length);
		const writer = new FileWriter(fake.handle, { bufferBytes, onWritten: () => undefined });
		// Spy on every way a stream gets a buffer from the writer (a second buffer may come from takeSpareBuffer).
		const handedOut = new Set<Buffer>();
		let taken = 0;
		const methods = writer as unknown as Record<string, unknown>;
		for (const name of ['takeBuffer', 'takeSpareBuffer']) {
			const original = methods[name];
			if (typeof original === 'function') {
				methods[name] = (...args: unknown[]): unknown => {
					const buffer: unknown = original.apply(writer, args);
					if (Buffer.isBuffer(buffer)) {
						handedOut.add(buffer);
						taken++;
					}
					return buffer;
				};
			}
		}
		for (let i = 0; i < 20; i++) {
			const start = i * 3 * bufferBytes;
			const stream = writer.stream(start);
			await stream.push(source.subarray(start, start + 3 * bufferBytes));
			assert.equal(await stream.close(), 3 * bufferBytes);
		}
		assert.deepEqual(fake.data, source);
		assert.ok(taken >= 20, `every stream takes its buffers from the writer (${taken} taken)`);
		assert.ok(handedOut.size <= 4, `${handedOut.size} distinct buffers for 20 streams`);
	});

	it('drain() resolves at once when idle, and otherwise only after every queued write finished', async () => {
		const bufferBytes = 1024;
		const fake = new FakeFile(2 * bufferBytes, { gated: true });
		const written: Range[] = [];
		const writer = new FileWriter(fake.handle, { bufferBytes, onWritten: (start, end) => written.push([start, end]) });
		const idle = watch(writer.drain());
		await tick();
		assert.equal(idle.settled, true, 'nothing queued: drain() resolves at once');

		const stream = writer.stream(0);
		await stream.push(bytes(2 * bufferBytes));
		let writtenWhenDrained: number | undefined;
		const drained = watch(
			writer.drain().then(() => {
				writtenWhenDrained = written.length;
			}),
		);
		await tick();
		assert.equal(drained.settled, false, 'two writes pending');
		fake.release();
		await tick();
		await tick();
		assert.equal(written.length, 1);
		assert.equal(drained.settled, false, 'one write still pending');
		fake.release();
		await tick();
		await tick();
		assert.equal(drained.settled, true);
		assert.equal(writtenWhenDrained, 2, 'both writes were counted before drain() resolved');
		assert.equal(await stream.close(), 2 * bufferBytes);
	});
	it('keeps memory flat: under maxBuffers a stream gets a second buffer, at the limit it waits for its own write', async () => {
		const bufferBytes = 4096;
		const fake = new FakeFile(6 * bufferBytes, { gated: true });
		const writer = new FileWriter(fake.handle, { bufferBytes, maxBuffers: 3, onWritten: () => undefined });
		const handedOut = new Set<Buffer>();
		const take = writer.takeBuffer.bind(writer);
		const spare = writer.takeSpareBuffer.bind(writer);
		writer.takeBuffer = (): Buffer => {
			const buffer = take();
			handedOut.add(buffer);
			return buffer;
		};
		writer.takeSpareBuffer = (): Buffer | undefined => {
			const buffer = spare();
			if (buffer !== undefined) {
				handedOut.add(buffer);
			}
			return buffer;
		};
		const [a, b] = [writer.stream(0), writer.stream(3 * bufferBytes)];
		const fill = (stream: PartStream): boolean => {
			const region = stream.region(bufferBytes);
			region.fill(1);
			return stream.filled(region.length);
		};
		assert.equal(fill(a), true, 'a: first buffer full, a second one given (2 of 3)');
		assert.equal(fill(b), false, 'b: its first buffer is the third: at the limit it waits for its own write');
		assert.equal(fill(a), false, 'a: second buffer full, no third: it waits for its first write');
		assert.equal(handedOut.size, 3, 'never more buffers than the limit');
		fake.release();
		await a.whenSpace();
		assert.equal(a.hasSpace, true, 'a goes on once its own write finished');
		while (fake.waiting > 0 || fake.calls.length < 3) {
			if (fake.waiting > 0) {
				fake.release();
			}
			await tick();
		}
		assert.equal(await b.close(), bufferBytes);
		const closingA = a.close();
		while (fake.waiting > 0) {
			fake.release();
			await tick();
		}
		assert.equal(await closingA, 2 * bufferBytes);
		assert.equal(handedOut.size, 3);
	});

	it('never gives a spare buffer that a stream opened but not yet filling will need: at most maxBuffers in all', async () => {
		const bufferBytes = 4096;
		const fake = new FakeFile(4 * bufferBytes, { gated: true });
		const writer = new FileWriter(fake.handle, { bufferBytes, maxBuffers: 2, onWritten: () => undefined });
		const handedOut = new Set<Buffer>();
		for (const method of ['takeBuffer', 'takeSpareBuffer'] as const) {
			const original = writer[method].bind(writer);
			writer[method] = (): Buffer => {
				const buffer = original();
				if (buffer !== undefined) {
					handedOut.add(buffer);
				}
				return buffer as Buffer;
			};
		}
		const [a, b] = [writer.stream(0), writer.stream(2 * bufferBytes)];
		const first = a.region(bufferBytes);
		assert.equal(a.filled(first.length), false, 'b has not taken its buffer yet: the second one is kept for it, so a waits');
		const second = b.region(bufferBytes);
		assert.equal(second.length, bufferBytes);
		assert.equal(handedOut.size, 2);
		const closing = Promise.all([a.close(), b.close()]);
		while (fake.waiting > 0 || fake.calls.length < 1) {
			if (fake.waiting > 0) {
				fake.release();
			}
			await tick();
		}
		assert.deepEqual(await closing, [bufferBytes, 0]);
	});

	it('a progress listener that throws fails the download with that error instead of stalling the writer', async () => {
		const fake = new FakeFile(8192);
		const writer = new FileWriter(fake.handle, {
			bufferBytes: 1024,
			onWritten: () => {
				throw new Error('listener broke');
			},
		});
		const stream = writer.stream(0);
		await assert.rejects(async () => {
			await stream.push(bytes(3000));
			await stream.close();
		}, (error: unknown) => error instanceof LarkError && /listener broke/.test(error.message));
		assert.ok(writer.error instanceof LarkError);
		await writer.drain(); // settles: the writer is not stuck
	});

	for (const blocking of [true, false]) {
		it(`the engine's ${blocking ? 'blocking writes (the CLI)' : 'pool writes (the extension host)'} put the same bytes at the same offsets`, async () => {
			const work = await tempDir();
			try {
				const file = path.join(work.dir, 'blocking.part');
				const handle = await fs.open(file, 'w+');
				const data = bytes(5 * 4096 + 17);
				const writer = new FileWriter(positionalWrites(handle, blocking), { bufferBytes: 4096, onWritten: () => undefined });
				const [first, second] = [writer.stream(0), writer.stream(3 * 4096)];
				await Promise.all([first.push(data.subarray(0, 3 * 4096)), second.push(data.subarray(3 * 4096))]);
				assert.deepEqual(await Promise.all([first.close(), second.close()]), [3 * 4096, 2 * 4096 + 17]);
				await handle.close();
				assert.equal(await sha256File(file), sha256(data));
			} finally {
				await work.cleanup();
			}
		});
	}
	it('sizes the buffers to the file: 64 KiB for a small image, powers of two up to 1 MiB, 1 MiB when the size is unknown', () => {
		assert.equal(writeBufferBytesFor(0), 64 * 1024);
		assert.equal(writeBufferBytesFor(100), 64 * 1024);
		assert.equal(writeBufferBytesFor(200_000), 256 * 1024);
		assert.equal(writeBufferBytesFor(1024 * 1024), 1024 * 1024);
		assert.equal(writeBufferBytesFor(5 * 1024 * 1024 * 1024), 1024 * 1024);
		assert.equal(writeBufferBytesFor(undefined), 1024 * 1024);
	});
});
