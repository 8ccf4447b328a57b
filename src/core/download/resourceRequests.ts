import type { Identity } from '../auth/tokenProvider';
import { toLarkError } from '../errors';
import { classifyLarkCode } from '../larkErrorCodes';
import type { ApiSession, RangeAnswer } from '../http/apiSession';
import type { RangeBody } from '../http/rangeExchange';
import { discardBody, type HttpResponse } from '../http/httpClient';
import { formatRange } from './contentRange';
import type { DownloadListener } from './progress';
import { resourcePath, type ResourceRef } from './resource';
import { checkProbeAnswer } from './responseChecks';
import { ifRange, type Validators } from './validators';

/** The first answer about a resource: its body (still unread), the size it declares (a 200 may not) and its validators. */
export interface Probe {
	response: HttpResponse;
	total: number | undefined;
	validators: Validators;
}

/** The GETs of one resource as the engine sends them: authorized, never compressed, every retry reported. */
export class ResourceRequests {
	private readonly url: string;

	constructor(
		private readonly session: ApiSession,
		ref: ResourceRef,
		private readonly onEvent: DownloadListener | undefined,
	) {
		this.url = session.url(resourcePath(ref), { type: ref.type });
	}

	/** Whose token the requests carry. */
	get identity(): Identity {
		return this.session.identity;
	}

	/** First request: a small range tells the size; 400/416 (e.g. an empty file) falls back to a plain GET. */
	async probe(probeSize: number, signal: AbortSignal | undefined): Promise<Probe> {
		let response: HttpResponse;
		try {
			response = await this.withRetries(() => this.getRange(formatRange(0, probeSize - 1), {}, signal), signal);
		} catch (error) {
			const failure = toLarkError(error, signal);
			// A 400 that carries a Lark code we know (no access, card not served, too large, ...) is an answer about
			// the resource, not about the Range header: asking again without Range would only repeat it.
			const knownCode = failure.code !== undefined && classifyLarkCode(failure.code) !== undefined;
			const rangeRefused = failure.httpStatus === 416 || (failure.httpStatus === 400 && !knownCode && (failure.type === 'api' || failure.code === undefined));
			if (!rangeRefused) {
				throw failure;
			}
			response = await this.withRetries(() => this.getWhole(signal), signal);
		}
		try {
			return { response, ...checkProbeAnswer(response) };
		} catch (error) {
			discardBody(response.body);
			throw error;
		}
	}

	/** Runs `attempt` again while it fails in a way the session retries (2xx/3xx come back, errors are typed). */
	withRetries<T>(attempt: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
		return this.session.withRetries(attempt, signal, (notice) =>
			this.onEvent?.({ kind: 'retrying', attempt: notice.attempt, delayMs: notice.delayMs, reason: notice.error.message }),
		);
	}

	/** One GET of `range`; with a validator it is conditional: a file that changed comes back whole (200), never spliced. */
	getRange(range: string, validators: Validators, signal: AbortSignal | undefined): Promise<HttpResponse> {
		const condition = ifRange(validators);
		return this.send({ range, ...(condition === undefined ? {} : { 'if-range': condition }) }, signal);
	}

	/** Like `getRange`, but a plain 206's body goes straight into `body.target` (see ApiSession.sendRange). */
	getRangeInto(range: string, validators: Validators, body: RangeBody, signal: AbortSignal | undefined): Promise<RangeAnswer> {
		const condition = ifRange(validators);
		const headers = { 'accept-encoding': 'identity', range, ...(condition === undefined ? {} : { 'if-range': condition }) };
		return this.session.sendRange({ url: this.url, headers, signal }, body);
	}

	/** One plain GET of the whole body. */
	getWhole(signal: AbortSignal | undefined): Promise<HttpResponse> {
		return this.send({}, signal);
	}

	private send(headers: Record<string, string>, signal: AbortSignal | undefined): Promise<HttpResponse> {
		return this.session.send({ url: this.url, headers: { 'accept-encoding': 'identity', ...headers }, signal });
	}
}
