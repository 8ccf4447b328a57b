import { Readable } from 'node:stream';
import { LarkError } from '../errors';
import { errorFromResponse } from '../http/errorResponse';
import { toTransportError, type HttpResponse } from '../http/httpClient';
import { isObject } from './messageContent';

/** Far above any real page (50 messages), low enough that a runaway body cannot exhaust memory. */
const MAX_JSON_BYTES = 32 * 1024 * 1024;

/**
 * The `data` of a successful Open API answer. Lark also reports failures as HTTP 200 with a
 * non-zero `code`; those become the same typed errors as an HTTP error status would.
 */
export async function readEnvelopeData(response: HttpResponse, signal?: AbortSignal): Promise<unknown> {
	const text = await readText(response, signal);
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		throw new LarkError('protocol', `Lark answered ${new URL(response.url).pathname} with something that is not JSON.`, {
			httpStatus: response.status,
			retryable: true,
		});
	}
	if (!isObject(body) || typeof body.code !== 'number') {
		throw new LarkError('protocol', `Lark's answer for ${new URL(response.url).pathname} has no numeric "code".`, { httpStatus: response.status });
	}
	if (body.code !== 0) {
		// Reuse the one classifier of Lark error bodies (codes, hints, log ids, scopes).
		throw await errorFromResponse({ ...response, body: Readable.from([Buffer.from(text)]) });
	}
	return body.data;
}

async function readText(response: HttpResponse, signal?: AbortSignal): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	try {
		for await (const chunk of response.body) {
			const buffer = chunk as Buffer;
			size += buffer.length;
			if (size > MAX_JSON_BYTES) {
				response.body.destroy();
				throw new LarkError('protocol', `Lark's answer exceeded ${MAX_JSON_BYTES} bytes.`);
			}
			chunks.push(buffer);
		}
	} catch (error) {
		// A body cut off mid-way is a network failure worth retrying, not a parse error.
		throw toTransportError(error, signal);
	}
	return Buffer.concat(chunks).toString('utf8');
}
