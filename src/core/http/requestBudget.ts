import { sleep } from '../util/sleep';

export interface RateWindow {
	limit: number;
	windowMs: number;
}

/**
 * Lark allows 50 requests/s and 1000/min per API; we aim 10 % lower because the server counts
 * arrivals, which jitter behind our clock.
 */
export const LARK_RATE_WINDOWS: readonly RateWindow[] = [
	{ limit: 45, windowMs: 1000 },
	{ limit: 900, windowMs: 60_000 },
];

/**
 * A sliding-window limiter shared by every request of a process, so bulk and parallel downloads stay
 * under the server's limits instead of discovering them through 429s.
 */
export class RequestBudget {
	private readonly stamps: number[] = [];
	private queue: Promise<void> = Promise.resolve();
	private readonly spacingMs: number;

	constructor(
		private readonly windows: readonly RateWindow[] = LARK_RATE_WINDOWS,
		private readonly now: () => number = Date.now,
	) {
		// Start requests evenly (the tightest window's average gap) instead of releasing a whole
		// window at once: a burst's first requests can reach the server late, in the same server
		// second as the next burst.
		this.spacingMs = Math.min(...windows.map((w) => w.windowMs / w.limit));
	}

	/** Resolves when one more request may start; callers are served in arrival order. */
	acquire(signal?: AbortSignal): Promise<void> {
		const turn = this.queue.then(() => this.waitForSlot(signal));
		this.queue = turn.catch(() => undefined);
		return turn;
	}

	private async waitForSlot(signal?: AbortSignal): Promise<void> {
		for (;;) {
			const wait = this.delayUntilFree();
			if (wait <= 0) {
				this.stamps.push(this.now());
				return;
			}
			await sleep(wait, signal);
		}
	}

	private delayUntilFree(): number {
		const now = this.now();
		const longest = Math.max(...this.windows.map((w) => w.windowMs));
		while (this.stamps.length > 0 && (this.stamps[0] ?? 0) <= now - longest) {
			this.stamps.shift();
		}
		let wait = (this.stamps[this.stamps.length - 1] ?? -Infinity) + this.spacingMs - now;
		for (const window of this.windows) {
			const inWindow = this.stamps.filter((stamp) => stamp > now - window.windowMs);
			if (inWindow.length >= window.limit) {
				const oldest = inWindow[inWindow.length - window.limit] ?? now;
				wait = Math.max(wait, oldest + window.windowMs - now + 1);
			}
		}
		return wait;
	}
}
