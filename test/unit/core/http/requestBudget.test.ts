import * as assert from 'node:assert/strict';
import { RequestBudget } from '../../../../src/core/http/requestBudget';

describe('request budget', () => {
	it('never lets more than the limit start within any window', async () => {
		const budget = new RequestBudget([{ limit: 5, windowMs: 200 }]);
		const starts: number[] = [];
		await Promise.all(Array.from({ length: 17 }, async () => {
			await budget.acquire();
			starts.push(Date.now());
		}));
		starts.sort((a, b) => a - b);
		for (let i = 5; i < starts.length; i++) {
			assert.ok((starts[i] ?? 0) - (starts[i - 5] ?? 0) >= 200, `request ${i} started ${(starts[i] ?? 0) - (starts[i - 5] ?? 0)} ms after the one 5 before`);
		}
	});

	it('can be cancelled while waiting', async () => {
		const budget = new RequestBudget([{ limit: 1, windowMs: 10_000 }]);
		await budget.acquire();
		const controller = new AbortController();
		const waiting = budget.acquire(controller.signal);
		controller.abort();
		await assert.rejects(waiting, { type: 'cancelled' });
	});
});
