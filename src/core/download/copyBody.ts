import type { Readable } from 'node:stream';
import { LarkError, localFileError } from '../errors';
import { bodyEndedEarlyError, bodyOverflowError, discardBody, toTransportError } from '../http/httpClient';
import type { PartStream } from './partStream';

/** How a body ended: `received` bytes went into the stream; `error` when it broke off or overflowed. */
export interface BodyCopy {
	received: number;
	error?: LarkError;
}

/**
 * Copies a node:http body into `stream` (the path for answers the lean reader does not take: whole bodies, the
 * probe, anything unusual). Stops at `limit` bytes: more than the server declared is a protocol error, fewer is a
 * truncated transfer the caller continues from what was written.
 */
export async function copyBody(body: Readable, stream: PartStream, limit: number | undefined, signal?: AbortSignal): Promise<BodyCopy> {
	let received = 0;
	try {
		for await (const chunk of body) {
			const buffer = chunk as Buffer;
			if (limit !== undefined && received + buffer.length > limit) {
				discardBody(body);
				return { received, error: bodyOverflowError(limit) };
			}
			await stream.push(buffer);
			received += buffer.length;
		}
	} catch (error) {
		discardBody(body);
		if (error instanceof LarkError) {
			return { received, error };
		}
		return { received, error: localFileError(error) ?? toTransportError(error, signal) };
	}
	if (limit !== undefined && received < limit) {
		return { received, error: bodyEndedEarlyError(received, limit) };
	}
	return { received };
}
