import type { HttpResponse } from '../http/httpClient';

/**
 * What tells two answers of a server apart as the same file: a strong ETag, else Last-Modified. Lark sends
 * neither today (docs/fixtures.md), so resuming then assumes that a file key's bytes never change — true of
 * Lark's message resources, which are immutable once sent (README, "How one download runs").
 */
export interface Validators {
	etag?: string;
	lastModified?: string;
}

export function validatorsOf(response: Pick<HttpResponse, 'headers'>): Validators {
	const etag = response.headers.etag?.trim();
	const lastModified = response.headers['last-modified']?.trim();
	return {
		...(etag === undefined || etag === '' || etag.startsWith('W/') ? {} : { etag }), // a weak ETag proves nothing about bytes
		...(lastModified === undefined || lastModified === '' ? {} : { lastModified }),
	};
}

/** How the resource changed between two answers, or undefined when nothing says it did. */
export function describeChange(before: Validators, after: Validators): string | undefined {
	if (before.etag !== undefined && after.etag !== undefined && before.etag !== after.etag) {
		return `ETag ${before.etag} → ${after.etag}`;
	}
	if (before.lastModified !== undefined && after.lastModified !== undefined && before.lastModified !== after.lastModified) {
		return `Last-Modified ${before.lastModified} → ${after.lastModified}`;
	}
	return undefined;
}

/** The If-Range value for ranged requests: a server that honours it answers a changed file with all of it (200). */
export function ifRange(validators: Validators): string | undefined {
	return validators.etag ?? validators.lastModified;
}
