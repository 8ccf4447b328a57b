import { cancelledError } from '../../src/core/errors';

/** Time that moves only when slept on or advanced: polling and freshness tests run instantly. */
export class FakeClock {
	readonly sleeps: number[] = [];

	constructor(public time = Date.UTC(2026, 0, 1)) {}

	readonly now = (): number => this.time;

	readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
		if (signal?.aborted) {
			return Promise.reject(cancelledError(signal.reason));
		}
		this.sleeps.push(ms);
		this.time += ms;
		return Promise.resolve();
	};

	advance(ms: number): void {
		this.time += ms;
	}
}
