import * as assert from 'node:assert/strict';
import { durationParts, ProgressMeter } from '../../../../src/core/download/progressMeter';
import { parseResourceLine } from '../../../../src/core/download/resourceLine';

describe('progress meter', () => {
	it('turns absolute bytes into increments that add up to 100 with rate and time left', () => {
		let now = 0;
		const meter = new ProgressMeter(() => now);
		const steps = [
			meter.update({ kind: 'started', fileName: 'a.pdf', totalBytes: 4 * 1048576, resumedBytes: 0 }),
			(now = 1000, meter.update({ kind: 'progress', bytesDone: 1048576, totalBytes: 4 * 1048576 })),
			(now = 2000, meter.update({ kind: 'progress', bytesDone: 2 * 1048576, totalBytes: 4 * 1048576 })),
			meter.update({ kind: 'finished', savedPath: '/x/a.pdf', sizeBytes: 4 * 1048576 }),
		];
		assert.deepEqual(steps.map((s) => s.increment), [0, 25, 25, 50]);
		assert.deepEqual(steps[2]?.status, { kind: 'transferring', bytesDone: 2 * 1048576, totalBytes: 4 * 1048576, bytesPerSecond: 1048576, secondsLeft: 2 });
		assert.deepEqual(steps[0]?.status, { kind: 'started', fileName: 'a.pdf' });
		assert.deepEqual(steps[3]?.status, { kind: 'finished', fileName: 'a.pdf', sizeBytes: 4 * 1048576 });
	});

	it('says numbers, not words: a retry in whole seconds, a restart by its cause', () => {
		const meter = new ProgressMeter(() => 0);
		assert.deepEqual(meter.update({ kind: 'retrying', attempt: 2, delayMs: 1200, reason: 'reset' }).status, { kind: 'retrying', attempt: 2, delaySeconds: 2 });
		assert.deepEqual(meter.update({ kind: 'restarted', cause: 'range-ignored', reason: 'x' }).status, { kind: 'restarted', cause: 'range-ignored' });
	});

	it('splits durations for wording', () => {
		assert.deepEqual(durationParts(4.2), { hours: 0, minutes: 0, seconds: 5 });
		assert.deepEqual(durationParts(125), { hours: 0, minutes: 2, seconds: 5 });
		assert.deepEqual(durationParts(7260), { hours: 2, minutes: 1, seconds: 0 });
	});

	it('never reports a negative increment after a restart', () => {
		const meter = new ProgressMeter(() => 0);
		meter.update({ kind: 'progress', bytesDone: 50, totalBytes: 100 });
		meter.update({ kind: 'restarted', cause: 'range-ignored', reason: 'server ignored Range' });
		assert.equal(meter.update({ kind: 'progress', bytesDone: 10, totalBytes: 100 }).increment, 0);
		assert.equal(meter.update({ kind: 'progress', bytesDone: 60, totalBytes: 100 }).increment, 10);
	});
});

describe('parseResourceLine', () => {
	it('reads "om_… key type" and lark-cli flags, infers the type from the key', () => {
		assert.deepEqual(parseResourceLine('om_1 file_v3_a file'), { messageId: 'om_1', fileKey: 'file_v3_a', type: 'file' });
		assert.deepEqual(parseResourceLine('  om_1   img_v3_b  '), { messageId: 'om_1', fileKey: 'img_v3_b', type: 'image' });
		assert.deepEqual(parseResourceLine('lark-cli im +messages-resources-download --message-id om_9 --file-key img_x --type image'), { messageId: 'om_9', fileKey: 'img_x', type: 'image' });
		assert.equal(parseResourceLine('om_1'), undefined);
		assert.equal(parseResourceLine('hello world'), undefined);
		assert.throws(() => parseResourceLine('om_1 key_without_hint'), { type: 'validation' });
		assert.throws(() => parseResourceLine('om_1 a/b file'), { type: 'validation' });
	});
});
