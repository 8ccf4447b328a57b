import { LarkError } from '../errors';

export interface ContentRange {
	start: number;
	/** Inclusive, as in the header. */
	end: number;
	total: number;
}

/**
 * Strict `Content-Range: bytes START-END/TOTAL`: every number present, START ≤ END < TOTAL. The
 * unsatisfied form (`bytes *∕N`) and an unknown total (`/*`) are refused: without them the bytes
 * cannot be placed safely.
 */
export function parseContentRange(header: string | undefined): ContentRange {
	const match = header === undefined ? null : /^\s*bytes\s+(\d+)-(\d+)\/(\d+)\s*$/i.exec(header);
	if (match === null) {
		throw new LarkError('protocol', `Invalid Content-Range header on a ranged response: ${JSON.stringify(header ?? null)}.`, {
			hint: 'The server answered a range request with a malformed Content-Range; retry later.',
			retryable: true,
		});
	}
	const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
	if (!Number.isSafeInteger(total) || start > end || end >= total) {
		throw new LarkError('protocol', `Inconsistent Content-Range header: ${JSON.stringify(header)}.`, { retryable: true });
	}
	return { start, end, total };
}

export function formatRange(start: number, endInclusive: number): string {
	return `bytes=${start}-${endInclusive}`;
}
