// The benchmark bodies: generated, never stored. One 1 MiB block from a seeded PRNG (mulberry32)
// repeated to any size, so every server process produces the same bytes and the same SHA-256.
import { createHash } from 'node:crypto';

export const BLOCK_SIZE = 1024 * 1024;
export const SEED = 0x1a2b3c4d;

// mulberry32: small, fast, deterministic; good enough to defeat compression/dedup.
function makeBlock(seed) {
	const block = Buffer.allocUnsafe(BLOCK_SIZE);
	let a = seed >>> 0;
	for (let i = 0; i < BLOCK_SIZE; i += 4) {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		block.writeUInt32LE((t ^ (t >>> 14)) >>> 0, i);
	}
	return block;
}

export const BLOCK = makeBlock(SEED);

/** SHA-256 of the first `size` bytes of the body. */
export function sha256Of(size) {
	const h = createHash('sha256');
	for (let left = size; left > 0; left -= BLOCK_SIZE) {
		h.update(left >= BLOCK_SIZE ? BLOCK : BLOCK.subarray(0, left));
	}
	return h.digest('hex');
}

/** Resolves on 'drain' or 'close', removing both listeners (no per-chunk leak). */
function drainOrClose(res) {
	return new Promise((resolve) => {
		const done = () => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}

/**
 * Writes body bytes [start, end] (inclusive) honouring back-pressure, counting into `stats`
 * (`bytesSent`, and `aborted` when the client goes away); returns the bytes written.
 */
export async function writeBody(res, start, end, stats) {
	let pos = start;
	const stop = end + 1;
	while (pos < stop) {
		if (res.destroyed) {
			stats.aborted++;
			break;
		}
		const off = pos % BLOCK_SIZE;
		const n = Math.min(BLOCK_SIZE - off, stop - pos);
		const ok = res.write(BLOCK.subarray(off, off + n));
		pos += n;
		stats.bytesSent += n;
		if (!ok) {
			await drainOrClose(res);
		}
	}
	if (!res.destroyed) {
		res.end();
	}
	return pos - start;
}
