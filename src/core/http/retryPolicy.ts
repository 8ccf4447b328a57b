import type { LarkError } from '../errors';

export interface RetryPolicy {
	/** Attempts after the first one, per request. */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** Longest server-requested wait (429 reset) we accept before giving up. */
	maxRateLimitWaitMs: number;
	/** Total time one request may spend sleeping between its attempts. */
	totalWaitBudgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 4,
	baseDelayMs: 300,
	maxDelayMs: 8_000,
	maxRateLimitWaitMs: 60_000,
	totalWaitBudgetMs: 90_000,
};

export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

/**
 * Pure decision: retry only what can succeed later (network failures, 408, 429, 5xx, Lark 99991400),
 * with exponential backoff and jitter, or the server's own wait for rate limits.
 */
export function decideRetry(error: LarkError, attempt: number, waitedMs: number, policy: RetryPolicy, random: () => number = Math.random): RetryDecision {
	if (!error.retryable || attempt >= policy.maxRetries) {
		return { retry: false };
	}
	let delayMs: number;
	if (error.retryAfterSeconds !== undefined) {
		delayMs = error.retryAfterSeconds * 1000;
		if (delayMs > policy.maxRateLimitWaitMs) {
			return { retry: false };
		}
		delayMs += Math.floor(random() * 100);
	} else {
		const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
		// "Equal jitter": keep half the delay, randomise the other half, so parallel parts spread out.
		delayMs = Math.round(exponential / 2 + random() * (exponential / 2));
	}
	if (waitedMs + delayMs > policy.totalWaitBudgetMs) {
		return { retry: false };
	}
	return { retry: true, delayMs };
}
