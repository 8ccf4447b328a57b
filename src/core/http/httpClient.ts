import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { cancelledError, LarkError } from '../errors';
import { RangeConnections } from './rangeConnections';

export interface HttpRequest {
	url: string;
	method?: 'GET' | 'POST';
	headers: Record<string, string>;
	body?: string;
	signal?: AbortSignal;
}

export interface HttpResponse {
	status: number;
	/** Lower-case header names; repeated headers joined with ", ". */
	headers: Record<string, string>;
	body: Readable;
	/** The URL that finally answered, after redirects. */
	url: string;
}

export interface HttpClientOptions {
	/** No bytes for this long (headers or body) fails the request as a network error. */
	idleTimeoutMs?: number;
	maxRedirects?: number;
	/** Connections kept per host (parallel parts and bulk downloads share them). */
	maxSockets?: number;
	/**
	 * Read plain 206 bodies straight from the socket into the file's buffers (rangeExchange.ts); default true.
	 * False sends every request through node:http (the benchmark compares both).
	 */
	leanRanges?: boolean;
	/** Extra certificate authority to trust over TLS (tests use a self-signed loopback server). */
	trustedCa?: string | Buffer;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const TRANSIENT_SOCKET_CODES = new Set([
	'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * The one HTTP entry point of the core, on Node's own `http`/`https` with keep-alive agents: chosen by
 * measurement over node-fetch, built-in fetch and undici (lowest CPU and memory per byte, fastest for
 * ranged parts; docs/http-client-benchmark.md). Redirects are followed here so that credentials never
 * leave the origin they were meant for: `Authorization` is dropped, and a request with a body (all of
 * ours carry credentials) is refused rather than re-sent elsewhere.
 */
export class HttpClient {
	private readonly httpAgent: http.Agent;
	private readonly httpsAgent: https.Agent;
	readonly idleTimeoutMs: number;
	private readonly maxRedirects: number;
	/** The lean path's own keep-alive connections; undefined when it is switched off. */
	readonly rangeConnections: RangeConnections | undefined;

	constructor(options: HttpClientOptions = {}) {
		this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
		this.maxRedirects = options.maxRedirects ?? 5;
		const maxSockets = options.maxSockets ?? 16;
		this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
		this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets, ...(options.trustedCa === undefined ? {} : { ca: options.trustedCa }) });
		this.rangeConnections = options.leanRanges === false ? undefined : new RangeConnections(options.trustedCa);
	}

	async send(req: HttpRequest): Promise<HttpResponse> {
		let url = new URL(req.url);
		const originalOrigin = url.origin;
		let headers = { ...req.headers };
		let method = req.method ?? 'GET';
		let body = req.body;
		for (let hop = 0; ; hop++) {
			const response = await this.sendOnce(url, method, headers, body, req.signal);
			const location = response.headers.location;
			if (!REDIRECT_STATUSES.has(response.status) || location === undefined) {
				return response;
			}
			discardBody(response.body);
			if (hop >= this.maxRedirects) {
				throw new LarkError('protocol', `Too many redirects (more than ${this.maxRedirects}).`, { httpStatus: response.status });
			}
			url = new URL(location, url);
			if (url.protocol !== 'https:' && url.protocol !== 'http:') {
				throw new LarkError('protocol', `Refusing to follow a redirect to ${url.protocol} URL.`);
			}
			if (url.origin !== originalOrigin) {
				// Every request with a body carries credentials (app_secret, client_secret, a refresh token or a
				// device code): a 307/308 would re-send it, so it never follows a redirect to another origin.
				if (body !== undefined && response.status !== 303) {
					throw new LarkError('protocol', `Refusing to send credentials to ${url.origin}: ${originalOrigin} redirected a sign-in request there.`, {
						httpStatus: response.status,
						hint: 'A proxy or a wrong base URL redirects the token endpoint; check the Open API base URL.',
					});
				}
				headers = withoutHeader(headers, 'authorization');
			}
			if (response.status === 303) {
				method = 'GET';
				body = undefined;
			}
		}
	}

	close(): Promise<void> {
		this.httpAgent.destroy();
		this.httpsAgent.destroy();
		this.rangeConnections?.close();
		return Promise.resolve();
	}

	private sendOnce(url: URL, method: 'GET' | 'POST', headers: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined): Promise<HttpResponse> {
		if (signal?.aborted === true) {
			return Promise.reject(cancelledError(signal.reason));
		}
		return new Promise((resolve, reject) => {
			const secure = url.protocol === 'https:';
			const requestHeaders = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
			const options: http.RequestOptions = { method, headers: requestHeaders, agent: secure ? this.httpsAgent : this.httpAgent, signal };
			let answered: http.IncomingMessage | undefined;
			const onResponse = (response: http.IncomingMessage): void => {
				answered = response;
				resolve({ status: response.statusCode ?? 0, headers: flattenHeaders(response.headers), body: response, url: url.toString() });
			};
			const request = secure ? https.request(url, options, onResponse) : http.request(url, options, onResponse);
			// An idle socket (no headers, or no body bytes) for this long is a network failure, not a hang.
			request.setTimeout(this.idleTimeoutMs, () => {
				const timeout = Object.assign(new Error(`No data for ${this.idleTimeoutMs / 1000} s`), { code: 'ETIMEDOUT' });
				answered?.destroy(timeout); // the reader of the body sees the timeout, not a bare "aborted"
				request.destroy(timeout);
			});
			request.on('error', (error) => reject(toTransportError(error, signal)));
			request.end(body);
		});
	}
}

function withoutHeader(headers: Record<string, string>, name: string): Record<string, string> {
	return Object.fromEntries(Object.entries(headers).filter(([key]) => key.toLowerCase() !== name));
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [key, value] of Object.entries(raw)) {
		if (value !== undefined) {
			result[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
		}
	}
	return result;
}

/** Maps socket/timeout/abort failures to typed errors; transient ones are marked retryable. */
export function toTransportError(error: unknown, signal?: AbortSignal): LarkError {
	if (error instanceof LarkError) {
		return error;
	}
	if (signal?.aborted) {
		return cancelledError(error);
	}
	const code = (error as { code?: unknown } | null)?.code;
	const message = error instanceof Error ? error.message : String(error);
	if (typeof code === 'string' && TRANSIENT_SOCKET_CODES.has(code)) {
		return new LarkError('network', `Network error (${code}): ${message}`, { retryable: true, cause: error });
	}
	if (error instanceof Error && (error.name === 'AbortError' || code === 'ABORT_ERR')) {
		return cancelledError(error);
	}
	return new LarkError('network', `Network error: ${message}`, { retryable: true, cause: error });
}

/** A body that went on past the length its headers declared: never trusted, the part is asked for again. */
export function bodyOverflowError(declared: number): LarkError {
	return new LarkError('protocol', `The server sent more than the ${declared} bytes its headers declared.`, {
		hint: 'Transient server problem; the part is requested again.',
		retryable: true,
	});
}

/** A body that ended before the length its headers declared: the rest is asked for again. */
export function bodyEndedEarlyError(received: number, declared: number): LarkError {
	return new LarkError('network', `The connection ended after ${received} of ${declared} bytes.`, { retryable: true });
}

/** Drops a response body we will not read; destroying it may emit an error we must absorb. */
export function discardBody(body: Readable): void {
	body.on('error', () => undefined);
	body.destroy();
}
