import type { FileHandle } from 'node:fs/promises';
import { LarkError, toLarkError } from '../errors';
import { discardBody, type HttpResponse } from '../http/httpClient';
import { runPool } from '../util/pool';
import { formatRange, parseContentRange } from './contentRange';
import type { PartLedger, Resumable } from './partLedger';
import { countParts, planParts } from './rangeSet';
import type { ResourceRequests } from './resourceRequests';
import { checkPartAnswer } from './responseChecks';
import { writeBodyAt } from './writeBody';

/** Where the parts of one ranged download go; `resumable` is what every answer must match. */
export interface PartSink {
	readonly requests: ResourceRequests;
	readonly file: FileHandle;
	readonly ledger: PartLedger;
	readonly resumable: Resumable;
	readonly onBytes: (n: number) => void;
}

/** Writes the probe's 206 body at byte 0; a probe cut short is just a gap, the parts then request what is missing. */
export async function writeProbePart(sink: PartSink, probe: HttpResponse, signal: AbortSignal | undefined): Promise<void> {
	const range = parseContentRange(probe.headers['content-range']);
	const declared = range.end - range.start + 1;
	const result = await writeBodyAt(probe.body, sink.file, 0, declared, sink.onBytes, signal);
	sink.ledger.add(0, result.written);
	if (result.error !== undefined && !result.error.retryable) {
		throw result.error;
	}
	await sink.ledger.save(sink.file, sink.resumable);
}

/**
 * Fetches the bytes the ledger is missing as parts of at most `partSize` bytes, `concurrency` at once. The first
 * failing part aborts the requests of the others and is what the caller gets; a cancelled `signal` cancels all.
 */
export async function fetchMissingParts(sink: PartSink, partSize: number, concurrency: number, signal: AbortSignal | undefined): Promise<void> {
	const gaps = sink.ledger.missing(sink.resumable.total);
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
				await fetchPart(sink, part.start, part.end, inner.signal);
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

/** Fetches [start, end] (inclusive) into `sink`, continuing after short or truncated answers. */
async function fetchPart(sink: PartSink, start: number, end: number, signal: AbortSignal): Promise<void> {
	const { total, validators } = sink.resumable;
	let position = start;
	let responses = 0;
	while (position <= end) {
		await sink.requests.withRetries(async () => {
			if (++responses > 64) {
				throw new LarkError('protocol', `Gave up on bytes ${position}-${end}: the server kept answering with tiny parts.`);
			}
			const response = await sink.requests.getRange(formatRange(position, end), validators, signal);
			let declared: number;
			try {
				declared = checkPartAnswer(response, position, total, validators);
			} catch (error) {
				discardBody(response.body);
				throw error;
			}
			const result = await writeBodyAt(response.body, sink.file, position, declared, sink.onBytes, signal);
			sink.ledger.add(position, position + result.written);
			position += result.written;
			if (result.error !== undefined) {
				await sink.ledger.save(sink.file, sink.resumable);
				throw result.error;
			}
		}, signal);
	}
	await sink.ledger.save(sink.file, sink.resumable);
}
