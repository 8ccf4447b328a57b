/**
 * Speed and time left for the status bar and a bulk run's notification, in numbers (no `vscode`: the words are
 * progressText.ts's). The speed is over the last few seconds, so a stall shows as a falling rate.
 */
export class RateMeter {
	private readonly samples: { at: number; bytes: number }[] = [];
	readonly startedAt: number;

	constructor(private readonly now: () => number = Date.now, private readonly windowMs = 5000) {
		this.startedAt = now();
		this.samples.push({ at: this.startedAt, bytes: 0 });
	}

	/** The bytes done so far (absolute, never less than before). */
	sample(bytes: number): void {
		const at = this.now();
		const last = this.samples[this.samples.length - 1];
		this.samples.push({ at, bytes: Math.max(bytes, last?.bytes ?? 0) });
		while (this.samples.length > 2 && at - (this.samples[1]?.at ?? at) > this.windowMs) {
			this.samples.shift();
		}
	}

	get bytes(): number {
		return this.samples[this.samples.length - 1]?.bytes ?? 0;
	}

	bytesPerSecond(): number {
		const first = this.samples[0];
		const last = this.samples[this.samples.length - 1];
		if (first === undefined || last === undefined) {
			return 0;
		}
		const seconds = (Math.max(last.at, this.now()) - first.at) / 1000;
		return seconds <= 0 ? 0 : (last.bytes - first.bytes) / seconds;
	}

	elapsedSeconds(): number {
		return (this.now() - this.startedAt) / 1000;
	}
}

/** Seconds left: from the bytes when the total is known, else from the files finished so far; undefined before any. */
export function secondsLeft(options: { bytesDone: number; bytesTotal?: number; bytesPerSecond: number; elapsedSeconds: number; filesDone?: number; filesTotal?: number }): number | undefined {
	const { bytesDone, bytesTotal, bytesPerSecond, elapsedSeconds, filesDone, filesTotal } = options;
	if (bytesTotal !== undefined && bytesTotal > 0 && bytesPerSecond > 0) {
		return bytesDone >= bytesTotal ? 0 : (bytesTotal - bytesDone) / bytesPerSecond;
	}
	if (filesDone !== undefined && filesTotal !== undefined && filesDone > 0 && filesTotal >= filesDone && elapsedSeconds > 0) {
		return (elapsedSeconds / filesDone) * (filesTotal - filesDone);
	}
	return undefined;
}
