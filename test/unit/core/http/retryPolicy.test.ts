import * as assert from 'node:assert/strict';
import { LarkError } from '../../../../src/core/errors';
import { decideRetry, DEFAULT_RETRY_POLICY } from '../../../../src/core/http/retryPolicy';

describe('retry policy', () => {
	const transient = new LarkError('network', 'reset', { retryable: true });
	const half = () => 0.5;

	it('backs off exponentially with jitter, within bounds', () => {
		const delays = [0, 1, 2, 3].map((attempt) => decideRetry(transient, attempt, 0, DEFAULT_RETRY_POLICY, half));
		assert.deepEqual(delays.map((d) => (d.retry ? d.delayMs : -1)), [225, 450, 900, 1800]);
		const low = decideRetry(transient, 2, 0, DEFAULT_RETRY_POLICY, () => 0);
		const high = decideRetry(transient, 2, 0, DEFAULT_RETRY_POLICY, () => 0.999);
		assert.ok(low.retry && high.retry && low.delayMs === 600 && high.delayMs <= 1200);
	});

	it('stops after maxRetries', () => {
		assert.deepEqual(decideRetry(transient, DEFAULT_RETRY_POLICY.maxRetries, 0, DEFAULT_RETRY_POLICY, half), { retry: false });
	});

	it('never retries permanent errors', () => {
		for (const type of ['permission', 'scope', 'not_found', 'validation', 'auth'] as const) {
			assert.deepEqual(decideRetry(new LarkError(type, 'x'), 0, 0, DEFAULT_RETRY_POLICY, half), { retry: false });
		}
	});

	it('waits the server-announced reset for rate limits, but not absurdly long', () => {
		const limited = new LarkError('rate_limit', 'slow down', { retryable: true, retryAfterSeconds: 3 });
		const decision = decideRetry(limited, 0, 0, DEFAULT_RETRY_POLICY, () => 0);
		assert.deepEqual(decision, { retry: true, delayMs: 3000 });
		const tooLong = new LarkError('rate_limit', 'slow down', { retryable: true, retryAfterSeconds: 3600 });
		assert.deepEqual(decideRetry(tooLong, 0, 0, DEFAULT_RETRY_POLICY, half), { retry: false });
	});

	it('respects the total wait budget', () => {
		assert.deepEqual(decideRetry(transient, 1, DEFAULT_RETRY_POLICY.totalWaitBudgetMs - 10, DEFAULT_RETRY_POLICY, half), { retry: false });
	});
});
