import type { Readable } from 'node:stream';
import { LarkError } from '../errors';
import { classifyHttpStatus, classifyLarkCode } from '../larkErrorCodes';
import { discardBody, type HttpResponse } from './httpClient';
import { redactSecrets } from '../secrets/secretRegistry';

const MAX_ERROR_BODY_BYTES = 64 * 1024;

interface LarkErrorBody {
	code?: unknown;
	msg?: unknown;
	error?: { log_id?: unknown; permission_violations?: { subject?: unknown }[] };
}

/** Reads at most `limit` bytes of a body, then discards the rest of it. */
export async function readLimited(body: Readable, limit = MAX_ERROR_BODY_BYTES): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	try {
		for await (const chunk of body) {
			const buffer = chunk as Buffer;
			if (size < limit) {
				chunks.push(buffer.subarray(0, limit - size));
			}
			size += buffer.length;
			if (size >= limit) {
				break;
			}
		}
	} catch {
		// A broken error body still lets us report the status.
	} finally {
		discardBody(body);
	}
	return Buffer.concat(chunks).toString('utf8');
}

/** Seconds to wait from `x-ogw-ratelimit-reset` (Lark) or `Retry-After` (seconds or HTTP date). */
export function retryAfterSeconds(headers: Record<string, string>, now = Date.now()): number | undefined {
	const reset = headers['x-ogw-ratelimit-reset'];
	if (reset !== undefined && /^\d+(\.\d+)?$/.test(reset.trim())) {
		return Number(reset);
	}
	const retryAfter = headers['retry-after'];
	if (retryAfter === undefined) {
		return undefined;
	}
	if (/^\d+$/.test(retryAfter.trim())) {
		return Number(retryAfter);
	}
	const date = Date.parse(retryAfter);
	return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/** Turns a non-success response (JSON Lark envelope or e.g. an HTML gateway page) into a typed error. */
export async function errorFromResponse(response: HttpResponse): Promise<LarkError> {
	const text = await readLimited(response.body);
	const headerLogId = response.headers['x-tt-logid'];
	const waitSeconds = retryAfterSeconds(response.headers);
	let parsed: LarkErrorBody | undefined;
	try {
		const value: unknown = JSON.parse(text);
		parsed = typeof value === 'object' && value !== null ? value : undefined;
	} catch {
		parsed = undefined;
	}
	const statusClass = classifyHttpStatus(response.status);
	if (parsed !== undefined && typeof parsed.code === 'number') {
		const code = parsed.code;
		const codeClass = classifyLarkCode(code) ?? statusClass;
		// A server may echo what we sent (a token, the app secret): never let it into a message we print.
		const msg = typeof parsed.msg === 'string' && parsed.msg !== '' ? redactSecrets(parsed.msg) : `Lark error ${code}`;
		const logId = typeof parsed.error?.log_id === 'string' ? parsed.error.log_id : headerLogId;
		let message = `${msg} (Lark code ${code}, HTTP ${response.status})`;
		const scopes = codeClass.type === 'scope' ? missingScopes(parsed) : undefined;
		if (scopes !== undefined) {
			message += `; missing scope: ${scopes}`;
		}
		return new LarkError(codeClass.type, message, {
			code,
			...(codeClass.reason === undefined ? {} : { reason: codeClass.reason }),
			params: { serverMessage: msg, ...(scopes === undefined ? {} : { scopes }) },
			hint: codeClass.hint,
			logId,
			httpStatus: response.status,
			retryable: codeClass.retryable ?? statusClass.retryable ?? false,
			retryAfterSeconds: waitSeconds,
			tokenRejected: codeClass.tokenRejected ?? false,
		});
	}
	return new LarkError(statusClass.type, `HTTP ${response.status} from ${new URL(response.url).host}: ${redactSecrets(describeBody(text, response.headers['content-type']))}`, {
		...(statusClass.reason === undefined ? {} : { reason: statusClass.reason }),
		params: { httpStatus: response.status },
		hint: statusClass.hint,
		logId: headerLogId,
		httpStatus: response.status,
		retryable: statusClass.retryable ?? false,
		retryAfterSeconds: waitSeconds,
	});
}

function missingScopes(body: LarkErrorBody): string {
	const subjects = (body.error?.permission_violations ?? [])
		.map((violation) => violation.subject)
		.filter((subject): subject is string => typeof subject === 'string' && subject !== '');
	return subjects.length > 0 ? subjects.join(', ') : 'im:message:readonly (or im:message.history:readonly)';
}

/** A short readable summary of a non-JSON body: the HTML <title> or the first words of the text. */
function describeBody(text: string, contentType: string | undefined): string {
	if (text.trim() === '') {
		return 'empty response body';
	}
	const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
	const plain = (title ?? text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
	const kind = contentType?.includes('html') === true ? 'HTML page' : 'response';
	return `${kind} "${plain.slice(0, 160)}"`;
}
