import * as assert from 'node:assert/strict';
import type { ProgressStatus } from '../../../../src/core/download/progressMeter';
import { progressListener } from '../../../../src/extension/platform/progressBridge';

describe('progress bridge (engine events → withProgress reports)', () => {
	it('carries the text in every report, so the notification never falls back to the bare title', () => {
		// VS Code's notification progress shows "title: message" for a report with a message and only the title
		// for one without: an increment-only report would blank the byte counts between text updates.
		const reports: { message?: string; increment?: number }[] = [];
		const words = (status: ProgressStatus): string => (status.kind === 'started' ? status.fileName : status.kind === 'transferring' ? `${status.bytesDone} bytes` : status.kind);
		const listener = progressListener({ report: (value) => reports.push(value) }, words);
		listener({ kind: 'started', fileName: 'keynote.mp4', totalBytes: 1000, resumedBytes: 0 });
		for (let done = 100; done <= 1000; done += 100) {
			listener({ kind: 'progress', bytesDone: done, totalBytes: 1000 }); // faster than the 250 ms text throttle
		}
		assert.ok(reports.length >= 10);
		for (const report of reports) {
			assert.match(report.message ?? '', /^keynote\.mp4/, JSON.stringify(report));
		}
		const total = reports.reduce((sum, r) => sum + (r.increment ?? 0), 0);
		assert.ok(Math.abs(total - 100) < 1e-9, `increments add up to ${total}`);
	});
});
