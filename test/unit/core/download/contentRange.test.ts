import * as assert from 'node:assert/strict';
import { parseContentRange } from '../../../../src/core/download/contentRange';
import type { LarkError } from '../../../../src/core/errors';

describe('parseContentRange', () => {
	const good: [string, { start: number; end: number; total: number }][] = [
		['bytes 0-131071/9000000', { start: 0, end: 131071, total: 9000000 }],
		['bytes 0-15/16', { start: 0, end: 15, total: 16 }],
		['BYTES 5-5/6', { start: 5, end: 5, total: 6 }],
		['  bytes 10-19/20  ', { start: 10, end: 19, total: 20 }],
	];
	for (const [header, expected] of good) {
		it(`accepts ${JSON.stringify(header)}`, () => {
			assert.deepEqual(parseContentRange(header), expected);
		});
	}
	const bad = [undefined, '', 'bytes */16', 'bytes 0-99/*', 'items 0-1/2', 'bytes 0-16/16', 'bytes 5-4/10', 'bytes -1-3/10', 'bytes 0-x/10', 'bytes 0-1/2/3', 'bytes 0-1/0'];
	for (const header of bad) {
		it(`refuses ${JSON.stringify(header)} as a protocol error`, () => {
			assert.throws(() => parseContentRange(header), (error: LarkError) => error.type === 'protocol');
		});
	}
});
