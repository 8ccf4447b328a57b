import { formatBytes } from '../util/formatBytes';
import type { DownloadEvent } from './progress';

export interface ProgressStep {
	/** Percentage points to add since the last step (withProgress wants increments). */
	increment: number;
	message: string;
}

/**
 * Turns absolute byte counts into the increments and text a progress UI shows under its title (which
 * names the download): "3.0 MiB of 10.0 MiB · 5.1 MiB/s · 2 s left"; the start and the end name the
 * file as saved. Increments never go backwards, so a restart does not confuse it.
 */
export class ProgressMeter {
	private reportedPercent = 0;
	private name = '';
	private startedAt: number;
	private startBytes = 0;

	constructor(private readonly now: () => number = Date.now) {
		this.startedAt = now();
	}

	update(event: DownloadEvent): ProgressStep | undefined {
		switch (event.kind) {
			case 'started':
				this.name = event.fileName;
				this.startedAt = this.now();
				this.startBytes = event.resumedBytes;
				return { increment: this.advanceTo(event.totalBytes ? (event.resumedBytes / event.totalBytes) * 100 : 0), message: this.name };
			case 'progress':
				return { increment: this.advanceTo(event.totalBytes ? (event.bytesDone / event.totalBytes) * 100 : 0), message: this.describe(event.bytesDone, event.totalBytes) };
			case 'retrying':
				return { increment: 0, message: `retrying (${event.attempt}) in ${Math.ceil(event.delayMs / 1000)} s` };
			case 'restarted':
				this.startedAt = this.now();
				this.startBytes = 0;
				return { increment: 0, message: event.reason };
			case 'finished':
				return { increment: this.advanceTo(100), message: `${this.name} — ${formatBytes(event.sizeBytes)}` };
		}
	}

	private advanceTo(percent: number): number {
		const target = Math.min(100, Math.max(this.reportedPercent, percent));
		const increment = target - this.reportedPercent;
		this.reportedPercent = target;
		return increment;
	}

	private describe(done: number, total: number | undefined): string {
		const seconds = Math.max(0.001, (this.now() - this.startedAt) / 1000);
		const rate = Math.max(0, done - this.startBytes) / seconds;
		const parts = [total === undefined ? formatBytes(done) : `${formatBytes(done)} of ${formatBytes(total)}`, `${formatBytes(rate)}/s`];
		if (total !== undefined && rate > 0 && done < total) {
			parts.push(`${formatDuration((total - done) / rate)} left`);
		}
		return parts.join(' · ');
	}
}

export function formatDuration(seconds: number): string {
	if (seconds < 60) {
		return `${Math.ceil(seconds)} s`;
	}
	const minutes = Math.floor(seconds / 60);
	return minutes < 60 ? `${minutes} min ${Math.round(seconds % 60)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
