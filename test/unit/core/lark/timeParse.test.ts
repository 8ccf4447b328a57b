import * as assert from 'node:assert/strict';
import { parseTimeArg, toUnixSeconds } from '../../../../src/core/lark/timeParse';

describe('--start/--end time parsing', () => {
	const cases: [string, 'start' | 'end', Date][] = [
		['2024-05-06T09:30:00+08:00', 'start', new Date('2024-05-06T01:30:00Z')],
		['2024-05-06T09:30+08:00', 'end', new Date('2024-05-06T01:30:00Z')],
		['2024-05-06t01:30:15.250Z', 'start', new Date('2024-05-06T01:30:15Z')],
		['2024-05-06T09:30:00-05:30', 'start', new Date('2024-05-06T15:00:00Z')],
		['2024-05-06 09:30', 'start', new Date(2024, 4, 6, 9, 30, 0)],
		['2024-05-06T09:30:45', 'end', new Date(2024, 4, 6, 9, 30, 45)],
		['2024-05-06', 'start', new Date(2024, 4, 6, 0, 0, 0)],
		['2024-05-06', 'end', new Date(2024, 4, 6, 23, 59, 59)],
		['1714957200', 'start', new Date(1714957200 * 1000)],
		['  2024-02-29  ', 'start', new Date(2024, 1, 29)],
	];
	for (const [input, bound, expected] of cases) {
		it(`${bound} ${JSON.stringify(input)} → ${expected.toISOString()}`, () => {
			assert.equal(parseTimeArg(input, bound).getTime(), expected.getTime());
		});
	}

	const invalid: [string, RegExp][] = [
		['yesterday', /unrecognised/],
		['2024-13-01', /calendar/],
		['2023-02-29', /calendar/],
		['2024-05-06 24:00', /out of range/],
		['2024-05-06+08:00', /time zone needs a time/],
		['2024-05-06T09:00+24:00', /offset/],
		['1714957200000', /milliseconds/],
		['-5', /unrecognised/],
		['', /unrecognised/],
	];
	for (const [input, why] of invalid) {
		it(`refuses ${JSON.stringify(input)} as a bad-time validation error naming the value, in the caller's words`, () => {
			assert.throws(() => parseTimeArg(input, 'start'), (error: { type?: string; reason?: string; message?: string; params?: Record<string, unknown> }) => {
				assert.equal(error.type, 'validation');
				assert.equal(error.reason, 'bad-time');
				assert.match(error.message ?? '', /^Invalid start time /, 'core names no CLI flag');
				assert.match(error.message ?? '', why);
				assert.equal(error.params?.value, input);
				assert.equal(error.params?.bound, 'start');
				return true;
			});
			assert.throws(() => parseTimeArg(input, 'start', '--start'), /^LarkError: Invalid --start /);
		});
	}

	it('formats whole Unix seconds for the API', () => {
		assert.equal(toUnixSeconds(new Date(1714957200999)), '1714957200');
	});
});
