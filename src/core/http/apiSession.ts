import { Readable } from 'node:stream';
import type { TokenProvider } from '../auth/tokenProvider';
import { LarkError, toLarkError } from '../errors';
import { sleep } from '../util/sleep';
import { errorFromResponse } from './errorResponse';
import type { HttpClient, HttpRequest, HttpResponse } from './httpClient';
import { exchangeRange, type RangeBody } from './rangeExchange';
import type { RequestBudget } from './requestBudget';
import { decideRetry, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retryPolicy';

/** A ranged GET's answer: read into the body's target by the lean path, or an ordinary response to read. */
export type RangeAnswer = { kind: 'read'; received: number; error?: LarkError } | { kind: 'response'; response: HttpResponse };

export interface RetryNotice {
	attempt: number;
	delayMs: number;
	error: LarkError;
}

/**
 * Everything a call to the Open API shares: the base URL, the identity's token (added here and
 * refreshed once when Lark rejects it), the process-wide request budget, and the retry policy.
 */
export class ApiSession {
	constructor(
		readonly http: HttpClient,
		readonly baseUrl: string,
		readonly tokens: TokenProvider,
		readonly userAgent: string,
		readonly budget?: RequestBudget,
		readonly retryPolicy: RetryPolicy = DEFAULT_RETRY_POLICY,
	) {}

	get identity(): TokenProvider['identity'] {
		return this.tokens.identity;
	}

	url(path: string, query: Record<string, string | undefined> = {}): string {
		const url = new URL(path, this.baseUrl);
		for (const [key, value] of Object.entries(query)) {
			if (value !== undefined) {
				url.searchParams.set(key, value);
			}
		}
		return url.toString();
	}

	/**
	 * One authorized request. Returns any response below 400; throws a typed error otherwise. A token
	 * Lark calls expired or invalid is replaced once, then the request is repeated.
	 */
	async send(req: Omit<HttpRequest, 'headers'> & { headers?: Record<string, string> }): Promise<HttpResponse> {
		let refreshed = false;
		for (;;) {
			const token = await this.tokens.getToken(req.signal);
			await this.budget?.acquire(req.signal);
			const response = await this.http.send({
				...req,
				headers: { 'user-agent': this.userAgent, ...req.headers, authorization: `Bearer ${token}` },
			});
			if (response.status < 400) {
				return response;
			}
			const error = await errorFromResponse(response);
			if (error.tokenRejected && !refreshed && this.tokens.invalidate(token)) {
				refreshed = true;
				continue;
			}
			throw error;
		}
	}

	/**
	 * A ranged GET. A plain 206 (known length, no encoding) is read straight into `body.target` by the lean path. A
	 * 200 (its body unread) or an error with a small body is judged from what arrived, as `send` would judge it (a
	 * rejected token is replaced once). Anything else — a redirect, a chunked or compressed body, a large error —
	 * is asked for again through `send`, which handles every answer.
	 */
	async sendRange(req: Omit<HttpRequest, 'headers' | 'method' | 'body'> & { headers: Record<string, string> }, body: RangeBody): Promise<RangeAnswer> {
		const connections = this.http.rangeConnections;
		let refreshed = false;
		while (connections?.worthTrying(new URL(req.url)) === true) {
			const token = await this.tokens.getToken(req.signal);
			await this.budget?.acquire(req.signal);
			const headers = { 'user-agent': this.userAgent, ...req.headers, authorization: `Bearer ${token}` };
			const outcome = await exchangeRange(connections, new URL(req.url), headers, body, req.signal, this.http.idleTimeoutMs);
			if (outcome.kind === 'read') {
				return outcome;
			}
			if (outcome.kind === 'other') {
				break;
			}
			const response = { status: outcome.status, headers: outcome.headers, body: Readable.from([outcome.body]), url: req.url };
			if (outcome.status < 400) {
				return { kind: 'response', response };
			}
			const error = await errorFromResponse(response);
			if (error.tokenRejected && !refreshed && this.tokens.invalidate(token)) {
				refreshed = true;
				continue;
			}
			throw error;
		}
		return { kind: 'response', response: await this.send(req) };
	}

	/** Runs `operation` again on transient failures, as the retry policy allows. */
	async withRetries<T>(operation: () => Promise<T>, signal: AbortSignal | undefined, onRetry?: (notice: RetryNotice) => void): Promise<T> {
		let waitedMs = 0;
		for (let attempt = 0; ; attempt++) {
			try {
				return await operation();
			} catch (caught) {
				const error = toLarkError(caught, signal);
				if (error.type === 'cancelled') {
					throw error;
				}
				const decision = decideRetry(error, attempt, waitedMs, this.retryPolicy);
				if (!decision.retry) {
					throw error;
				}
				onRetry?.({ attempt: attempt + 1, delayMs: decision.delayMs, error });
				await sleep(decision.delayMs, signal);
				waitedMs += decision.delayMs;
			}
		}
	}
}
