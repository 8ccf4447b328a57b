import { LarkError } from '../errors';

/** A moment as the document shows it, in one time zone. */
export interface ZonedTime {
	/** `2024-05-06` */
	day: string;
	/** `2024-05` */
	month: string;
	/** `09:05` */
	time: string;
}

/** The time zone of this machine (an IANA name), the default of an export. */
export function localTimeZone(): string {
	return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Formats moments in `timeZone`; refuses a name Intl does not know. */
export function zonedFormatter(timeZone: string): (date: Date) => ZonedTime {
	let format: Intl.DateTimeFormat;
	try {
		format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
	} catch {
		throw new LarkError('validation', `Unknown time zone ${JSON.stringify(timeZone)}: use an IANA name such as Asia/Shanghai or UTC.`);
	}
	return (date) => {
		const parts = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
		const month = `${parts.year ?? '0000'}-${parts.month ?? '00'}`;
		return { day: `${month}-${parts.day ?? '00'}`, month, time: `${parts.hour ?? '00'}:${parts.minute ?? '00'}` };
	};
}

/** `UTC+08:00` for a zone at a moment (for the document's header). */
export function utcOffset(timeZone: string, at: Date): string {
	const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
	return name === 'GMT' ? 'UTC' : name.replace('GMT', 'UTC');
}
