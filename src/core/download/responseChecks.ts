import { LarkError } from '../errors';
import type { HttpResponse } from '../http/httpClient';

/** What the checks read of an answer: node:http's response and the lean reader's head both have it. */
type AnswerHead = Pick<HttpResponse, 'status' | 'headers'>;
import { parseContentRange } from './contentRange';
import { describeChange, validatorsOf, type Validators } from './validators';

// What a resource answer must satisfy before its bytes are used: the checks of the download engine.

/**
 * A ranged part's answer: 206, not compressed, starting exactly at `position` of a file of the same `total`,
 * with the same validators. Returns how many bytes it declares. A 200 means the server ignored Range.
 */
export function checkPartAnswer(response: AnswerHead, position: number, total: number, validators: Validators): number {
	if (response.status === 200) {
		throw new RangeIgnored();
	}
	if (response.status !== 206) {
		throw unexpectedStatus(response.status);
	}
	assertIdentityEncoding(response);
	const range = parseContentRange(response.headers['content-range']);
	if (range.total !== total) {
		throw sizeChanged(total, range.total);
	}
	if (range.start !== position) {
		throw new LarkError('protocol', `A part started at byte ${range.start} instead of ${position}.`, { retryable: true });
	}
	const change = describeChange(validators, validatorsOf(response));
	if (change !== undefined) {
		throw new ResourceChanged(change);
	}
	return range.end - range.start + 1;
}

/**
 * The probe's answer: 206 from byte 0, or a 200, not compressed. Returns the size it declares (a 200 may
 * declare none) and its validators, which every later part must match.
 */
export function checkProbeAnswer(response: AnswerHead): { total: number | undefined; validators: Validators } {
	assertIdentityEncoding(response);
	const validators = validatorsOf(response);
	if (response.status === 206) {
		const range = parseContentRange(response.headers['content-range']);
		if (range.start !== 0) {
			throw new LarkError('protocol', `The first ranged response started at byte ${range.start}, not 0.`, { retryable: true });
		}
		return { total: checkedTotal(range.total), validators };
	}
	if (response.status === 200) {
		const length = contentLength(response);
		return { total: length === undefined ? undefined : checkedTotal(length), validators };
	}
	throw unexpectedStatus(response.status);
}

/**
 * A whole-body answer: 200, not compressed, of the size the probe declared (if both say one). Returns the size
 * it declares.
 */
export function checkWholeAnswer(response: AnswerHead, expectedTotal: number | undefined): number | undefined {
	if (response.status !== 200) {
		throw unexpectedStatus(response.status);
	}
	assertIdentityEncoding(response);
	const length = contentLength(response);
	if (expectedTotal !== undefined && length !== undefined && length !== expectedTotal) {
		throw sizeChanged(expectedTotal, length);
	}
	return length;
}

/** Thrown inside the engine when a server answers a ranged request with the whole body. */
export class RangeIgnored extends LarkError {
	constructor() {
		super('protocol', 'The server ignored a range request.');
	}
}

/** The resource's size or strong ETag changed between requests: never mix bytes of two versions. */
export class ResourceChanged extends LarkError {
	constructor(what: string) {
		super('protocol', `The resource changed while downloading (${what}).`, {
			hint: 'The file changed on the server; run the command again to download the new version.',
		});
	}
}

export function sizeChanged(expected: number, actual: number): ResourceChanged {
	return new ResourceChanged(`size ${expected} → ${actual} bytes`);
}

export function unexpectedStatus(status: number): LarkError {
	return new LarkError('protocol', `Unexpected HTTP status ${status} for a resource download.`, { httpStatus: status });
}

export function assertIdentityEncoding(response: AnswerHead): void {
	const encoding = response.headers['content-encoding']?.trim().toLowerCase();
	if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
		throw new LarkError('protocol', `The server sent Content-Encoding "${encoding}" although identity was requested; byte ranges would not match.`, {
			hint: 'A proxy may be compressing responses; bypass it for the Open API host.',
		});
	}
}

/**
 * No Lark file comes near this (the docs say 100 MB, ranged downloads of a few hundred MB are reported); a
 * larger declared size is a broken or hostile answer, refused before anything is planned or written.
 */
export const MAX_RESOURCE_BYTES = 2 ** 40; // 1 TiB

export function checkedTotal(total: number): number {
	if (total > MAX_RESOURCE_BYTES) {
		throw new LarkError('protocol', `The server declared a size of ${total} bytes, more than any Lark file can have (1 TiB); nothing was written.`, {
			hint: 'A proxy or server error; try again later.',
		});
	}
	return total;
}

export function contentLength(response: AnswerHead): number | undefined {
	const value = response.headers['content-length'];
	return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
}
