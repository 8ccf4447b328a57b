import type { FileHandle } from 'node:fs/promises';
import { discardBody, type HttpResponse } from '../http/httpClient';
import { copyBody, type BodyCopy } from './copyBody';
import type { FileWriter } from './fileWriter';
import type { ResourceRequests } from './resourceRequests';
import { checkWholeAnswer } from './responseChecks';

/** Where a whole body goes, and what its size must be. */
export interface WholeBodySink {
	readonly requests: ResourceRequests;
	readonly file: FileHandle;
	readonly writer: FileWriter;
	/** The size the probe declared, if it did; a restart must deliver exactly that. */
	readonly expectedTotal: number | undefined;
	/** Every attempt writes from byte 0 again, so the progress count starts over with it. */
	readonly onAttempt: () => Promise<void>;
}

/**
 * Whole-body mode, for servers without Range (or that stopped honouring it): one plain GET written from byte 0,
 * and a broken transfer restarts from byte 0. `first` is an answer already in hand (the probe's 200). Returns
 * the size written.
 */
export async function streamWholeBody(sink: WholeBodySink, first: HttpResponse | undefined, signal: AbortSignal | undefined): Promise<number> {
	let pending = first;
	return sink.requests.withRetries(async () => {
		const response = pending ?? (await sink.requests.getWhole(signal));
		pending = undefined;
		let length: number | undefined;
		try {
			length = checkWholeAnswer(response, sink.expectedTotal);
		} catch (error) {
			discardBody(response.body);
			throw error;
		}
		await sink.writer.drain();
		await sink.file.truncate(0);
		await sink.onAttempt();
		// A size the probe declared is the size: a restart without Content-Length may not deliver more or less.
		const expected = length ?? sink.expectedTotal;
		const stream = sink.writer.stream(0);
		let result: BodyCopy;
		let written: number;
		try {
			result = await copyBody(response.body, stream, expected, signal);
		} finally {
			written = await stream.close();
		}
		if (result.error !== undefined) {
			throw result.error;
		}
		return written;
	}, signal);
}
