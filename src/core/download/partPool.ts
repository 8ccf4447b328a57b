import type { FileHandle } from 'node:fs/promises';
import { LarkError, toLarkError } from '../errors';
import { discardBody, type HttpResponse } from '../http/httpClient';
import { runPool } from '../util/pool';
import { formatRange, parseContentRange } from './contentRange';
import { copyBody, type BodyCopy } from './copyBody';
import type { FileWriter } from './fileWriter';
import type { PartLedger, Resumable } from './partLedger';
import type { PartStream } from './partStream';
import { countParts, planParts } from './rangeSet';
import type { ResourceRequests } from './resourceRequests';
import { checkPartAnswer } from './responseChecks';

/** Where the parts of one ranged download go; `resumable` is what every answer must match. */
export interface PartSink {
	readonly requests: ResourceRequests;
	/** The file's one writer: it counts the bytes and feeds the ledger as they are written. */
	readonly writer: FileWriter;
	/** The .part itself, synced before the ledger records what it holds. */
	readonly file: FileHandle;
	readonly ledger: PartLedger;
	readonly resumable: Resumable;
}

/** Writes the probe's 206 body at byte 0; a probe cut short is just a gap, the parts then request what is missing. */
export async function writeProbePart(sink: PartSink, probe: HttpResponse, signal: AbortSignal | undefined): Promise<void> {
	const range = parseContentRange(probe.headers['content-range']);
	const stream = sink.writer.stream(0);
	let result: BodyCopy;
	try {
		result = await copyBody(probe.body, stream, range.end - range.start + 1, signal);
	} finally {
		await stream.close();
	}
	if (result.error !== undefined && !result.error.retryable) {
		throw result.error;
	}
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

/** Fetches [start, end] (inclusive), continuing after short or truncated answers from what was written. */
async function fetchPart(sink: PartSink, start: number, end: number, signal: AbortSignal): Promise<void> {
	let position = start;
	let responses = 0;
	while (position <= end) {
		await sink.requests.withRetries(async () => {
			if (++responses > 64) {
				throw new LarkError('protocol', `Gave up on bytes ${position}-${end}: the server kept answering with tiny parts.`);
			}
			const stream = sink.writer.stream(position);
			let result: BodyCopy;
			try {
				result = await requestPart(sink, stream, position, end, signal);
			} finally {
				position += await stream.close();
			}
			if (result.error !== undefined) {
				void sink.ledger.save(sink.file, sink.resumable).catch(() => undefined);
				throw result.error;
			}
		}, signal);
	}
	// A finished part is a natural point to record (in the background; the transfer waits for it at the end).
	void sink.ledger.save(sink.file, sink.resumable).catch(() => undefined);
}

/** One request for [position, end]: its body goes into `stream` by the lean path, or by copying a node:http body. */
async function requestPart(sink: PartSink, stream: PartStream, position: number, end: number, signal: AbortSignal): Promise<BodyCopy> {
	const { total, validators } = sink.resumable;
	const accept = (answer: Pick<HttpResponse, 'status' | 'headers'>): number => checkPartAnswer(answer, position, total, validators);
	const answer = await sink.requests.getRangeInto(formatRange(position, end), validators, { accept, target: stream }, signal);
	if (answer.kind === 'read') {
		return answer;
	}
	let declared: number;
	try {
		declared = accept(answer.response);
	} catch (error) {
		discardBody(answer.response.body);
		throw error;
	}
	return copyBody(answer.response.body, stream, declared, signal);
}
