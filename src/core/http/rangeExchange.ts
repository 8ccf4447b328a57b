import { cancelledError, LarkError } from '../errors';
import { bodyEndedEarlyError, bodyOverflowError, toTransportError } from './httpClient';
import type { ByteReader, RawConnection } from './rawConnection';
import type { RangeConnections } from './rangeConnections';
import { MAX_HEAD_BYTES, parseResponseHead, type ResponseHead } from './responseHead';

/** Where a lean answer's body goes (the download engine's PartStream fits it). */
export interface BodyTarget {
	/** Free memory for at most `maxBytes` (> 0) of the body. */
	region(maxBytes: number): Buffer;
	/** `n` bytes were put into the last region; false: wait for `whenSpace()` before the next. */
	filled(n: number): boolean;
	whenSpace(): Promise<void>;
	/** Called when the body can no longer be stored (a full disk): the exchange stops with that error. */
	onFailure: ((error: LarkError) => void) | undefined;
}

export interface RangeBody {
	/** Checks a lean answer's head (status, Content-Range, validators); returns the body length it declares. */
	accept(head: ResponseHead): number;
	target: BodyTarget;
}

/**
 * `read`: a 206 whose body went into the target (all of it unless `error`). `answer`: a 200 (its body left unread:
 * the range was ignored) or an error with a small body, for the caller to judge. `other`: anything else, not read.
 */
export type RangeOutcome =
	| { kind: 'read'; received: number; error?: LarkError }
	| { kind: 'answer'; status: number; headers: Record<string, string>; body: Buffer }
	| { kind: 'other'; status: number };

const FIRST_HEAD_BYTES = 16 * 1024;
/** Lark's error bodies are small JSON; a larger one is left to node:http. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * One GET on a raw connection, for answers that are a plain 206 with Content-Length and no encoding: the body
 * is read straight into the target's buffers. Anything else ends as `other` (the connection is dropped) so the
 * caller asks again through node:http, which handles redirects, errors, chunking and the rest.
 */
export async function exchangeRange(connections: RangeConnections, url: URL, headers: Record<string, string>, body: RangeBody, signal: AbortSignal | undefined, idleTimeoutMs: number): Promise<RangeOutcome> {
	if (signal?.aborted === true) {
		throw cancelledError(signal.reason);
	}
	const connection = connections.acquire(url, idleTimeoutMs);
	const outcome = await new Exchange(connection, body, signal).run(requestText(url, headers));
	if (outcome.kind === 'read' && outcome.error === undefined && outcome.keepAlive) {
		// One turn of the event loop first: bytes the server sent beyond the body are read (and the connection
		// dropped) before anyone can take them for the next answer's head.
		await new Promise((resolve) => setImmediate(resolve));
		connections.release(url, connection);
	} else {
		connection.destroy();
	}
	if (outcome.kind === 'other' && outcome.status === 206) {
		connections.markNotLean(url); // one wasted request per origin (per part in flight), not one per part
	}
	if (outcome.kind !== 'read') {
		return outcome;
	}
	if (outcome.errorBody !== undefined && outcome.error === undefined) {
		return { kind: 'answer', status: outcome.errorBody.status, headers: outcome.errorBody.headers, body: outcome.errorBody.bytes };
	}
	return { kind: 'read', received: outcome.errorBody === undefined ? outcome.received : 0, ...(outcome.error === undefined ? {} : { error: outcome.error }) };
}

function requestText(url: URL, headers: Record<string, string>): string {
	const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`];
	for (const [name, value] of Object.entries(headers)) {
		if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) {
			throw new LarkError('validation', `The request header ${name.slice(0, 40)} contains a line break.`);
		}
		lines.push(`${name}: ${value}`);
	}
	return `${lines.join('\r\n')}\r\n\r\n`;
}

/** An error answer's small body, collected in memory instead of the target. */
interface ErrorBody {
	status: number;
	headers: Record<string, string>;
	bytes: Buffer;
}

type ExchangeEnd =
	| { kind: 'read'; received: number; error?: LarkError; keepAlive: boolean; errorBody?: ErrorBody }
	| { kind: 'answer'; status: number; headers: Record<string, string>; body: Buffer }
	| { kind: 'other'; status: number };

/** The state of one request on one connection: head, then body, then done. */
class Exchange implements ByteReader {
	private head = Buffer.allocUnsafe(FIRST_HEAD_BYTES);
	private headFill = 0;
	private inBody = false;
	private remaining = 0;
	private received = 0;
	private keepAlive = false;
	private settle: (end: ExchangeEnd) => void = () => undefined;
	private settled = false;
	private storeError: LarkError | undefined;
	private target: BodyTarget;
	private errorBody: ErrorBody | undefined;

	constructor(
		private readonly connection: RawConnection,
		private readonly body: RangeBody,
		private readonly signal: AbortSignal | undefined,
	) {
		this.target = body.target;
	}

	run(request: string): Promise<ExchangeEnd> {
		return new Promise((resolve) => {
			const onAbort = (): void => this.connection.destroy(cancelledError(this.signal?.reason));
			this.settle = (end): void => {
				if (!this.settled) {
					this.settled = true;
					this.connection.attach(undefined); // later bytes are stray: the idle connection drops itself
					this.signal?.removeEventListener('abort', onAbort);
					this.body.target.onFailure = undefined;
					resolve(end);
				}
			};
			this.signal?.addEventListener('abort', onAbort, { once: true });
			this.body.target.onFailure = (error): void => {
				this.storeError = error;
				this.connection.destroy();
			};
			this.connection.attach(this);
			this.connection.socket.write(request);
		});
	}

	region(): Buffer {
		return this.inBody ? this.target.region(this.remaining) : this.head.subarray(this.headFill);
	}

	delivered(n: number): boolean {
		if (this.inBody) {
			this.received += n;
			this.remaining -= n;
			const more = this.target.filled(n);
			if (this.remaining === 0) {
				this.finish(undefined);
				return true; // idle from now on: keep reading so that a close or stray byte is noticed
			}
			if (!more) {
				void this.target.whenSpace().then(() => this.connection.resume());
			}
			return more;
		}
		this.headFill += n;
		try {
			return this.readHead();
		} catch (error) {
			this.finish(error instanceof LarkError ? error : toTransportError(error));
			this.connection.destroy();
			return false;
		}
	}

	ended(error: Error | undefined): void {
		if (this.settled) {
			return;
		}
		if (this.storeError !== undefined) {
			this.finish(this.storeError);
			return;
		}
		if (error === undefined && this.inBody) {
			this.finish(bodyEndedEarlyError(this.received, this.received + this.remaining)); // as node:http's path says it
			return;
		}
		const cause = error ?? Object.assign(new Error('The server closed the connection before answering.'), { code: 'ECONNRESET' });
		this.finish(toTransportError(cause, this.signal));
	}

	private readHead(): boolean {
		const head = parseResponseHead(this.head.subarray(0, this.headFill));
		if (head === undefined) {
			if (this.headFill === this.head.length) {
				const larger = Buffer.allocUnsafe(Math.min(MAX_HEAD_BYTES, this.head.length * 2));
				this.head.copy(larger, 0, 0, this.headFill);
				this.head = larger;
			}
			return true;
		}
		if (head.status === 200) {
			this.settle({ kind: 'answer', status: head.status, headers: head.headers, body: Buffer.alloc(0) });
			this.connection.destroy();
			return false;
		}
		if (isSmallError(head)) {
			const bytes = Buffer.alloc(head.contentLength);
			this.errorBody = { status: head.status, headers: head.headers, bytes };
			this.target = collector(bytes);
			return this.startBody(head, head.contentLength);
		}
		if (!isLean(head)) {
			this.settle({ kind: 'other', status: head.status });
			this.connection.destroy();
			return false;
		}
		const declared = this.body.accept(head);
		if (declared !== head.contentLength) {
			throw new LarkError('protocol', `The part declares ${declared} bytes in Content-Range but ${head.contentLength ?? 'no'} in Content-Length.`, { retryable: true });
		}
		return this.startBody(head, declared);
	}

	private startBody(head: ResponseHead, declared: number): boolean {
		this.keepAlive = !/^HTTP\/1\.0/.test(this.head.toString('latin1', 0, 8)) && !/\bclose\b/i.test(head.headers.connection ?? '');
		this.inBody = true;
		this.remaining = declared;
		const early = this.head.subarray(head.length, this.headFill);
		if (early.length > declared) {
			throw bodyOverflowError(declared);
		}
		return this.takeEarlyBody(early);
	}

	/** Body bytes that came with the head; a fresh target always has room for a whole head's worth. */
	private takeEarlyBody(early: Buffer): boolean {
		if (early.length > 0) {
			const target = this.target.region(early.length);
			if (target.length < early.length) {
				throw new LarkError('io', 'The write buffer is smaller than a response head.');
			}
			early.copy(target);
			return this.delivered(early.length);
		}
		if (this.remaining === 0) {
			this.finish(undefined);
		}
		return true;
	}

	private finish(error: LarkError | undefined): void {
		const errorBody = this.errorBody === undefined ? {} : { errorBody: this.errorBody };
		this.settle({ kind: 'read', received: this.received, keepAlive: this.keepAlive, ...errorBody, ...(error === undefined ? {} : { error }) });
	}
}

function isSmallError(head: ResponseHead): head is ResponseHead & { contentLength: number } {
	return head.status >= 400 && head.contentLength !== undefined && head.contentLength <= MAX_ERROR_BODY_BYTES && head.headers['transfer-encoding'] === undefined && head.headers['content-encoding'] === undefined;
}

/** A target that collects a small body in memory. */
function collector(bytes: Buffer): BodyTarget {
	let offset = 0;
	return {
		region: (maxBytes) => bytes.subarray(offset, offset + maxBytes),
		filled: (n) => {
			offset += n;
			return true;
		},
		whenSpace: () => Promise.resolve(),
		onFailure: undefined,
	};
}

/** Only the simplest answer takes this path: a 206 of known length, not compressed, not chunked. */
function isLean(head: ResponseHead): boolean {
	const encoding = head.headers['content-encoding']?.trim().toLowerCase();
	return head.status === 206 && head.contentLength !== undefined && head.headers['transfer-encoding'] === undefined && (encoding === undefined || encoding === '' || encoding === 'identity');
}
