import { LarkError, type ErrorType } from '../errors';
import { errorFromResponse, readLimited } from '../http/errorResponse';
import { discardBody, type HttpClient } from '../http/httpClient';
import { classifyHttpStatus, classifyLarkCode } from '../larkErrorCodes';
import { DEVICE_AUTHORIZATION_PATH, OAUTH_TOKEN_PATH, type OAuthApp } from './oauthEndpoints';

/** A parsed JSON answer of an OAuth endpoint, whatever its status. */
export interface OAuthReply {
	status: number;
	body: Record<string, unknown>;
	logId: string | undefined;
}

/** Lark's OAuth endpoints report failures as RFC 6749 `error` strings, a numeric Lark `code`, or both. */
export interface OAuthFailure {
	error: string | undefined;
	code: number | undefined;
	description: string;
}

/** The refresh token is invalid, expired, revoked or already used: only a new sign-in helps (§4.3). */
export const SIGN_IN_AGAIN_CODES: ReadonlySet<number> = new Set([20026, 20037, 20064, 20073]);
/** A server error of the token endpoint that one immediate retry usually fixes. */
export const RETRY_ONCE_CODE = 20050;

const OAUTH_CODE_HINTS: ReadonlyMap<number, string> = new Map([
	[20010, 'This user may not use the app; an administrator can make the app available to them in the Lark admin console.'],
	[21000, "The tenant's access-control policy blocked the sign-in; ask the administrator."],
	[21001, "The tenant's access-control policy blocked the sign-in; ask the administrator."],
]);

/** Posts the app's form requests to the device-authorization and token endpoints. */
export class OAuthClient {
	constructor(
		readonly http: HttpClient,
		readonly app: OAuthApp,
		readonly userAgent: string,
	) {}

	/** RFC 8628 device authorization; the app authenticates with HTTP Basic, as lark-cli does. */
	deviceAuthorization(scope: string, signal?: AbortSignal): Promise<OAuthReply> {
		const basic = Buffer.from(`${this.app.appId}:${this.app.appSecret}`).toString('base64');
		return this.postForm(new URL(DEVICE_AUTHORIZATION_PATH, this.app.accountsUrl), { client_id: this.app.appId, scope }, { authorization: `Basic ${basic}` }, signal);
	}

	/** The token endpoint. Client credentials go in the body only: Basic as well would be error 20070. */
	token(grant: Record<string, string>, signal?: AbortSignal): Promise<OAuthReply> {
		const form = { ...grant, client_id: this.app.appId, client_secret: this.app.appSecret };
		return this.postForm(new URL(OAUTH_TOKEN_PATH, this.app.baseUrl), form, {}, signal);
	}

	private async postForm(url: URL, form: Record<string, string>, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<OAuthReply> {
		const response = await this.http.send({
			url: url.toString(),
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': this.userAgent, ...headers },
			body: new URLSearchParams(form).toString(),
			signal,
		});
		if (!(response.headers['content-type'] ?? '').includes('json')) {
			// A gateway page rather than an OAuth answer: describe it the way every other endpoint does.
			if (response.status >= 400) {
				throw await errorFromResponse(response);
			}
			discardBody(response.body);
			throw new LarkError('protocol', `${url.host}${url.pathname} did not answer with JSON.`, { httpStatus: response.status, logId: response.headers['x-tt-logid'] });
		}
		const text = await readLimited(response.body);
		let body: unknown;
		try {
			body = JSON.parse(text);
		} catch {
			body = undefined;
		}
		if (typeof body !== 'object' || body === null || Array.isArray(body)) {
			throw new LarkError('protocol', `${url.host}${url.pathname} answered malformed JSON (HTTP ${response.status}).`, { httpStatus: response.status, retryable: response.status >= 500 });
		}
		const record = body as Record<string, unknown>;
		return { status: response.status, body: record, logId: logIdOf(record) ?? response.headers['x-tt-logid'] };
	}
}

/** The failure in a reply, or undefined when the reply is a success. */
export function failureOf(reply: OAuthReply): OAuthFailure | undefined {
	const { error, code, error_description: errorDescription, msg } = reply.body;
	const errorName = typeof error === 'string' && error !== '' ? error : undefined;
	const codeNumber = typeof code === 'number' && code !== 0 ? code : undefined;
	if (errorName === undefined && codeNumber === undefined && reply.status < 400) {
		return undefined;
	}
	const description = [errorDescription, msg, errorName].find((text): text is string => typeof text === 'string' && text !== '') ?? `HTTP ${reply.status}`;
	return { error: errorName, code: codeNumber, description };
}

export interface OAuthErrorFallback {
	type: ErrorType;
	hint: string;
	/** Overrides what the status suggests (a code already retried is not retried again). */
	retryable?: boolean;
}

/** A typed error for `failure`; `fallback` applies unless the Lark code or the HTTP status says more. */
export function oauthError(what: string, reply: OAuthReply, failure: OAuthFailure, fallback: OAuthErrorFallback): LarkError {
	const known = failure.code === undefined ? undefined : classifyLarkCode(failure.code);
	const byStatus = classifyHttpStatus(reply.status);
	const retryable = fallback.retryable ?? known?.retryable ?? byStatus.retryable ?? false;
	const codeText = failure.code === undefined ? '' : ` (Lark code ${failure.code})`;
	return new LarkError(known?.type ?? (retryable ? byStatus.type : fallback.type), `${what}: ${failure.description}${codeText}`, {
		code: failure.code,
		hint: (failure.code === undefined ? undefined : OAUTH_CODE_HINTS.get(failure.code)) ?? known?.hint ?? (retryable ? byStatus.hint : fallback.hint),
		logId: reply.logId,
		httpStatus: reply.status,
		retryable,
	});
}

function logIdOf(body: Record<string, unknown>): string | undefined {
	const error = body.error;
	if (typeof error === 'object' && error !== null) {
		const logId = (error as { log_id?: unknown }).log_id;
		return typeof logId === 'string' ? logId : undefined;
	}
	return undefined;
}
