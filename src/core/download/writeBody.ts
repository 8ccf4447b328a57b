import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { LarkError, localFileError } from '../errors';
import { discardBody, toTransportError } from '../http/httpClient';

export interface BodyWrite {
	/** Bytes the body delivered and we wrote, even when it failed part-way. */
	written: number;
	error?: LarkError;
}

/**
 * Streams `body` into `file` at `offset` with positional writes (constant memory, safe alongside
 * other parts). Stops at `limit` bytes: more than the server declared is a protocol error, fewer is a
 * truncated transfer the caller can continue from `offset + written`.
 */
export async function writeBodyAt(body: Readable, file: FileHandle, offset: number, limit: number | undefined, onBytes: (n: number) => void, signal?: AbortSignal): Promise<BodyWrite> {
	let written = 0;
	try {
		for await (const chunk of body) {
			const buffer = chunk as Buffer;
			if (limit !== undefined && written + buffer.length > limit) {
				discardBody(body);
				return {
					written,
					error: new LarkError('protocol', `The server sent more than the ${limit} bytes its headers declared.`, {
						hint: 'Transient server problem; the part is requested again.',
						retryable: true,
					}),
				};
			}
			let done = 0;
			while (done < buffer.length) {
				const { bytesWritten } = await file.write(buffer, done, buffer.length - done, offset + written + done);
				done += bytesWritten;
			}
			written += buffer.length;
			onBytes(buffer.length);
		}
	} catch (error) {
		discardBody(body);
		if (error instanceof LarkError) {
			return { written, error };
		}
		const local = localFileError(error);
		if (local !== undefined) {
			return { written, error: local };
		}
		return { written, error: toTransportError(error, signal) };
	}
	if (limit !== undefined && written < limit) {
		return {
			written,
			error: new LarkError('network', `The connection ended after ${written} of ${limit} bytes.`, { retryable: true }),
		};
	}
	return { written };
}
