import type { DownloadEvent, RestartCause } from './progress';

/** Where a download stands, in numbers: each front end puts it into words (and its user's language). */
export type ProgressStatus =
	| { kind: 'started'; fileName: string }
	| { kind: 'transferring'; bytesDone: number; totalBytes: number | undefined; bytesPerSecond: number; secondsLeft: number | undefined }
	| { kind: 'retrying'; attempt: number; delaySeconds: number }
	| { kind: 'restarted'; cause: RestartCause }
	| { kind: 'finished'; fileName: string; sizeBytes: number };

export interface ProgressStep {
	/** Percentage points to add since the last step (withProgress wants increments). */
	increment: number;
	status: ProgressStatus;
}

/**
 * Turns absolute byte counts into increments, a rate and the time left. Increments never go backwards, so a
 * restart does not confuse it.
 */
export class ProgressMeter {
	private reportedPercent = 0;
	private name = '';
	private startedAt: number;
	private startBytes = 0;

	constructor(private readonly now: () => number = Date.now) {
		this.startedAt = now();
	}

	update(event: DownloadEvent): ProgressStep {
		switch (event.kind) {
			case 'started':
				this.name = event.fileName;
				this.startedAt = this.now();
				this.startBytes = event.resumedBytes;
				return { increment: this.advanceTo(event.totalBytes ? (event.resumedBytes / event.totalBytes) * 100 : 0), status: { kind: 'started', fileName: this.name } };
			case 'progress':
				return { increment: this.advanceTo(event.totalBytes ? (event.bytesDone / event.totalBytes) * 100 : 0), status: this.transferring(event.bytesDone, event.totalBytes) };
			case 'retrying':
				return { increment: 0, status: { kind: 'retrying', attempt: event.attempt, delaySeconds: Math.ceil(event.delayMs / 1000) } };
			case 'restarted':
				this.startedAt = this.now();
				this.startBytes = 0;
				return { increment: 0, status: { kind: 'restarted', cause: event.cause } };
			case 'finished':
				return { increment: this.advanceTo(100), status: { kind: 'finished', fileName: this.name, sizeBytes: event.sizeBytes } };
		}
	}

	private advanceTo(percent: number): number {
		const target = Math.min(100, Math.max(this.reportedPercent, percent));
		const increment = target - this.reportedPercent;
		this.reportedPercent = target;
		return increment;
	}

	private transferring(done: number, total: number | undefined): ProgressStatus {
		const seconds = Math.max(0.001, (this.now() - this.startedAt) / 1000);
		const bytesPerSecond = Math.max(0, done - this.startBytes) / seconds;
		const secondsLeft = total !== undefined && bytesPerSecond > 0 && done < total ? (total - done) / bytesPerSecond : undefined;
		return { kind: 'transferring', bytesDone: done, totalBytes: total, bytesPerSecond, secondsLeft };
	}
}

/** A duration split for wording: under a minute in seconds, then minutes and seconds, then hours and minutes. */
export function durationParts(seconds: number): { hours: number; minutes: number; seconds: number } {
	if (seconds < 60) {
		return { hours: 0, minutes: 0, seconds: Math.ceil(seconds) };
	}
	const minutes = Math.floor(seconds / 60);
	return minutes < 60 ? { hours: 0, minutes, seconds: Math.round(seconds % 60) } : { hours: Math.floor(minutes / 60), minutes: minutes % 60, seconds: 0 };
}
