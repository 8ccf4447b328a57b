/** Half-open byte intervals [start, end), kept sorted and merged. */
export type Interval = readonly [number, number];

export class RangeSet {
	private intervals: Interval[] = [];

	constructor(initial: readonly Interval[] = []) {
		for (const interval of initial) {
			this.add(interval[0], interval[1]);
		}
	}

	add(start: number, end: number): void {
		if (end <= start) {
			return;
		}
		const merged: Interval[] = [];
		let [newStart, newEnd] = [start, end];
		for (const [s, e] of this.intervals) {
			if (e < newStart || s > newEnd) {
				merged.push([s, e]);
			} else {
				newStart = Math.min(s, newStart);
				newEnd = Math.max(e, newEnd);
			}
		}
		merged.push([newStart, newEnd]);
		this.intervals = merged.sort((a, b) => a[0] - b[0]);
	}

	/** Where the run of bytes from 0 ends (0 when byte 0 is missing). */
	get prefixEnd(): number {
		const first = this.intervals[0];
		return first !== undefined && first[0] === 0 ? first[1] : 0;
	}

	get size(): number {
		return this.intervals.reduce((sum, [s, e]) => sum + (e - s), 0);
	}

	/** The gaps within [0, total), in order. */
	missing(total: number): Interval[] {
		const gaps: Interval[] = [];
		let cursor = 0;
		for (const [s, e] of this.intervals) {
			if (s > cursor) {
				gaps.push([cursor, Math.min(s, total)]);
			}
			cursor = Math.max(cursor, e);
		}
		if (cursor < total) {
			gaps.push([cursor, total]);
		}
		return gaps.filter(([s, e]) => e > s);
	}

	toJSON(): Interval[] {
		return this.intervals.map(([s, e]) => [s, e]);
	}
}

/**
 * Splits gaps into parts of at most `partSize` bytes (inclusive end, as Range headers want), one at a time:
 * a server's declared size costs no memory up front, whatever it claims.
 */
export function* planParts(gaps: readonly Interval[], partSize: number): Generator<{ start: number; end: number }, void, undefined> {
	for (const [gapStart, gapEnd] of gaps) {
		for (let start = gapStart; start < gapEnd; start += partSize) {
			yield { start, end: Math.min(start + partSize, gapEnd) - 1 };
		}
	}
}

/** How many parts planParts() yields for these gaps. */
export function countParts(gaps: readonly Interval[], partSize: number): number {
	return gaps.reduce((sum, [start, end]) => sum + Math.ceil((end - start) / partSize), 0);
}
