import { LarkError } from '../errors';
import { errorFromResponse, readLimited } from '../http/errorResponse';
import type { HttpClient } from '../http/httpClient';
import { classifyLarkCode } from '../larkErrorCodes';
import type { Identity, TokenProvider } from './tokenProvider';
import { registerSecret } from '../secrets/secretRegistry';

export const TENANT_TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

/** Refresh this long before `expire`, as the official SDK does, but never more than half the lifetime. */
const REFRESH_MARGIN_MS = 3 * 60_000;

interface CachedToken {
	token: string;
	refreshAt: number;
}

/**
 * Tenant access token from app id + secret, cached until shortly before it expires, with concurrent
 * callers sharing one in-flight request.
 */
export class TenantTokenProvider implements TokenProvider {
	readonly identity: Identity = 'bot';
	private cached: CachedToken | undefined;
	private inFlight: Promise<string> | undefined;

	constructor(
		private readonly http: HttpClient,
		private readonly baseUrl: string,
		private readonly appId: string,
		private readonly appSecret: string,
		private readonly userAgent: string,
		private readonly now: () => number = Date.now,
	) {}

	async getToken(signal?: AbortSignal): Promise<string> {
		if (this.cached !== undefined && this.now() < this.cached.refreshAt) {
			return this.cached.token;
		}
		this.inFlight ??= this.fetchToken(signal).finally(() => {
			this.inFlight = undefined;
		});
		return this.inFlight;
	}

	invalidate(token: string): boolean {
		if (this.cached?.token === token) {
			this.cached = undefined;
		}
		return true;
	}

	private async fetchToken(signal?: AbortSignal): Promise<string> {
		const response = await this.http.send({
			url: new URL(TENANT_TOKEN_PATH, this.baseUrl).toString(),
			method: 'POST',
			headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': this.userAgent },
			body: JSON.stringify({ app_id: this.appId, app_secret: this.appSecret }),
			signal,
		});
		if (response.status >= 400) {
			const error = await errorFromResponse(response);
			// A 4xx without a known code is about the credentials; a 5xx or a gateway's HTML page is the server's
			// problem: it stays `api` and retryable, so it is retried like any other server error.
			const serverSide = error.httpStatus !== undefined && error.httpStatus >= 500;
			throw new LarkError(error.type === 'api' && !serverSide ? 'auth' : error.type, `Could not get a tenant access token: ${error.message}`, {
				code: error.code, ...(error.reason === undefined ? {} : { reason: error.reason }), hint: error.hint ?? 'Check the app ID and app secret.', logId: error.logId, httpStatus: error.httpStatus,
				retryable: error.retryable, retryAfterSeconds: error.retryAfterSeconds,
			});
		}
		const text = await readLimited(response.body);
		let body: { code?: unknown; msg?: unknown; tenant_access_token?: unknown; expire?: unknown };
		try {
			body = JSON.parse(text) as typeof body;
		} catch {
			throw new LarkError('protocol', 'The tenant token endpoint did not answer with JSON.', { httpStatus: response.status });
		}
		if (body.code !== 0 || typeof body.tenant_access_token !== 'string' || body.tenant_access_token === '') {
			const code = typeof body.code === 'number' ? body.code : undefined;
			const known = code === undefined ? undefined : classifyLarkCode(code);
			throw new LarkError('auth', `Could not get a tenant access token: ${typeof body.msg === 'string' ? body.msg : 'no token in the answer'}${code === undefined ? '' : ` (Lark code ${code})`}`, {
				code, ...(known?.reason === undefined ? {} : { reason: known.reason }), hint: known?.hint ?? 'Check the app ID and app secret, and that the app is enabled.',
			});
		}
		const lifetimeMs = (typeof body.expire === 'number' && body.expire > 0 ? body.expire : 7200) * 1000;
		const margin = Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2);
		registerSecret(body.tenant_access_token);
		this.cached = { token: body.tenant_access_token, refreshAt: this.now() + lifetimeMs - margin };
		return body.tenant_access_token;
	}
}
