import { LarkError } from '../errors';

export type TimeBound = 'start' | 'end';

/** Why a time was refused (the `problem` parameter of a `bad-time` error), for a front end's own words. */
export type TimeProblem = 'milliseconds' | 'format' | 'zone-without-time' | 'time-out-of-range' | 'no-such-date' | 'zone-out-of-range';

const FORMATS_HINT = 'Use RFC 3339 (2024-05-06T09:30:00+08:00), local "YYYY-MM-DD[ HH:MM[:SS]]", or Unix seconds.';
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?([Zz]|[+-]\d{2}:\d{2})?$/;

/**
 * Parses a start or end time: RFC 3339 with a zone, local `YYYY-MM-DD[ HH:MM[:SS]]`, or Unix
 * seconds. A bare date covers the whole local day: 00:00:00 as a start, 23:59:59 as an end.
 */
export function parseTimeArg(value: string, bound: TimeBound, label = `${bound} time`): Date {
	const text = value.trim();
	const invalid = (why: string, problem: TimeProblem): LarkError => new LarkError('validation', `Invalid ${label} ${JSON.stringify(value)}: ${why}`, {
		reason: 'bad-time',
		params: { bound, value, problem },
		hint: FORMATS_HINT,
	});
	if (/^\d+$/.test(text)) {
		const seconds = Number(text);
		// Twelve or more digits is past the year 5000 in seconds: almost surely milliseconds.
		if (text.length >= 12 || !Number.isSafeInteger(seconds)) {
			throw invalid('this looks like milliseconds; give Unix seconds.', 'milliseconds');
		}
		return new Date(seconds * 1000);
	}
	const m = DATE_TIME.exec(text);
	if (m === null) {
		throw invalid('unrecognised date/time format.', 'format');
	}
	const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const hasTime = m[4] !== undefined;
	const zone = m[7];
	if (zone !== undefined && !hasTime) {
		throw invalid('a time zone needs a time of day.', 'zone-without-time');
	}
	const [hour, minute, second] = hasTime
		? [Number(m[4]), Number(m[5]), Number(m[6] ?? '0')]
		: bound === 'start' ? [0, 0, 0] : [23, 59, 59];
	if (hour > 23 || minute > 59 || second > 59) {
		throw invalid('the time of day is out of range.', 'time-out-of-range');
	}
	let date: Date;
	if (zone === undefined) {
		date = new Date(year, month - 1, day, hour, minute, second);
		if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) {
			throw invalid('no such calendar date.', 'no-such-date');
		}
	} else {
		const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
		if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) {
			throw invalid('no such calendar date.', 'no-such-date');
		}
		const offset = zoneOffsetMinutes(zone);
		if (offset === undefined) {
			throw invalid('the time zone offset is out of range.', 'zone-out-of-range');
		}
		date = new Date(utc.getTime() - offset * 60_000);
	}
	return date;
}

/** "Z" → 0, "+08:00" → 480, "-05:30" → -330; undefined beyond ±23:59. */
function zoneOffsetMinutes(zone: string): number | undefined {
	if (zone === 'Z' || zone === 'z') {
		return 0;
	}
	const sign = zone.startsWith('-') ? -1 : 1;
	const [hours = 0, minutes = 0] = zone.slice(1).split(':').map(Number);
	return hours > 23 || minutes > 59 ? undefined : sign * (hours * 60 + minutes);
}

/** What the Open API expects for start_time/end_time: whole Unix seconds, as a string. */
export function toUnixSeconds(date: Date): string {
	return String(Math.floor(date.getTime() / 1000));
}
