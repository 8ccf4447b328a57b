import { toLarkError } from '../errors';
import { runPool } from '../util/pool';
import { countParts, planParts, type Interval } from './rangeSet';

/**
 * Fetches the missing ranges of a file as parts of at most `partSize` bytes, `concurrency` at once. The first
 * failing part aborts the requests of the others and is what the caller gets; a cancelled `signal` cancels all.
 */
export async function fetchParts(
	gaps: readonly Interval[],
	partSize: number,
	concurrency: number,
	signal: AbortSignal | undefined,
	fetchOne: (start: number, end: number, signal: AbortSignal) => Promise<void>,
): Promise<void> {
	const partCount = countParts(gaps, partSize);
	if (partCount === 0) {
		return;
	}
	const inner = new AbortController();
	const forwardAbort = (): void => inner.abort(signal?.reason);
	signal?.addEventListener('abort', forwardAbort, { once: true });
	if (signal?.aborted === true) {
		inner.abort(signal.reason);
	}
	let firstError: unknown;
	try {
		await runPool(planParts(gaps, partSize), Math.min(concurrency, partCount), async (part) => {
			try {
				await fetchOne(part.start, part.end, inner.signal);
			} catch (error) {
				firstError ??= error;
				inner.abort(error);
			}
		}, () => firstError !== undefined);
	} finally {
		signal?.removeEventListener('abort', forwardAbort);
	}
	if (firstError !== undefined) {
		throw toLarkError(firstError, signal);
	}
}
