import * as assert from 'node:assert/strict';
import { runPool } from '../../../../src/core/util/pool';

describe('runPool (the one worker pool of the core)', () => {
	it('never runs more than the concurrency at once, starts items in order, and takes an iterator lazily', async () => {
		let running = 0;
		let peak = 0;
		const started: number[] = [];
		let pulled = 0;
		function* items(): Generator<number> {
			for (let i = 0; i < 10; i++) {
				pulled++;
				yield i;
			}
		}
		await runPool(items(), 3, async (item) => {
			started.push(item);
			running++;
			peak = Math.max(peak, running);
			assert.ok(pulled <= started.length + 3, 'not drained up front');
			await new Promise((resolve) => setTimeout(resolve, 5 + (item % 3)));
			running--;
		});
		assert.equal(peak, 3);
		assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	});

	it('starts nothing new once told to stop; the running items finish', async () => {
		const done: number[] = [];
		let stop = false;
		await runPool([1, 2, 3, 4, 5, 6], 2, async (item) => {
			if (item === 2) {
				stop = true;
			}
			await new Promise((resolve) => setTimeout(resolve, 5));
			done.push(item);
		}, () => stop);
		assert.deepEqual(done.sort(), [1, 2]);
	});
});
