import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { cancelledError, LarkError } from '../errors';

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
	dispatcher?: Dispatcher;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const TRANSIENT_SOCKET_CODES = new Set([
	'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
	'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

/**
 * The one HTTP entry point of the core. undici's `request` was chosen by measurement (README, Design).
 * Redirects are followed here rather than by undici so that `Authorization` can be dropped whenever a
 * redirect leaves the origin the credentials were meant for.
 */
export class HttpClient {
	private readonly dispatcher: Dispatcher;
	private readonly idleTimeoutMs: number;
	private readonly maxRedirects: number;

	constructor(options: HttpClientOptions = {}) {
		this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
		this.maxRedirects = options.maxRedirects ?? 5;
		this.dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connections: 16 });
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
				headers = withoutHeader(headers, 'authorization');
			}
			if (response.status === 303) {
				method = 'GET';
				body = undefined;
			}
		}
	}

	async close(): Promise<void> {
		await this.dispatcher.close();
	}

	private async sendOnce(url: URL, method: 'GET' | 'POST', headers: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined): Promise<HttpResponse> {
		if (signal?.aborted) {
			throw cancelledError(signal.reason);
		}
		try {
			const response = await request(url, {
				method,
				headers,
				body,
				signal,
				dispatcher: this.dispatcher,
				headersTimeout: this.idleTimeoutMs,
				bodyTimeout: this.idleTimeoutMs,
			});
			return { status: response.statusCode, headers: flattenHeaders(response.headers), body: response.body, url: url.toString() };
		} catch (error) {
			throw toTransportError(error, signal);
		}
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
	if (typeof code === 'string' && (TRANSIENT_SOCKET_CODES.has(code) || code.startsWith('UND_ERR'))) {
		return new LarkError('network', `Network error (${code}): ${message}`, { retryable: true, cause: error });
	}
	if (error instanceof Error && (error.name === 'AbortError' || code === 'ABORT_ERR')) {
		return cancelledError(error);
	}
	return new LarkError('network', `Network error: ${message}`, { retryable: true, cause: error });
}

/** Drops a response body we will not read; undici reports the abort as an error we must absorb. */
export function discardBody(body: Readable): void {
	body.on('error', () => undefined);
	body.destroy();
}
