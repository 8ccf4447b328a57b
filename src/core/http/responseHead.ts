import { LarkError } from '../errors';

/** Status line + header fields + the final CRLF CRLF. */
export const MAX_HEAD_BYTES = 64 * 1024;
export const MAX_HEADER_COUNT = 128;

export interface ResponseHead {
	/** HTTP status code, 100..599. */
	status: number;
	/**
	 * Lower-case names; a repeated field's values joined with ", " (as node:http does for most fields). Values are
	 * latin1 strings of the raw bytes (so raw UTF-8 in Content-Disposition comes out exactly like node:http gives it).
	 * The object has no prototype, so a field named `constructor` or `__proto__` is just a field.
	 */
	headers: Record<string, string>;
	/** Bytes of `buffer` the head takes, including the final CRLF CRLF; the body starts there. */
	length: number;
	/** Content-Length as a number when present (already validated), else undefined. */
	contentLength: number | undefined;
}

const CR = 0x0d;
const LF = 0x0a;
// RFC 9112 status-line; the reason phrase is HTAB / SP / VCHAR / obs-text, and may be left out with its SP.
const STATUS_LINE = /^HTTP\/1\.[01] ([1-5]\d\d)(?: [\t\x20-\x7e\x80-\xff]*)?$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TOKEN_THEN_WHITESPACE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+[\t ]+$/;
const NOT_FIELD_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
// A CR at the very end of an incomplete head may still get its LF.
const BARE_CR_OR_LF = /\r(?!\n|$)|(?<!\r)\n/;

/**
 * `buffer` holds the first bytes received on a connection. Returns undefined while the head is not complete yet
 * and still under MAX_HEAD_BYTES; throws LarkError('protocol', message, { retryable: true }) for a malformed or
 * oversized head. Never reads past the head.
 */
export function parseResponseHead(buffer: Uint8Array): ResponseHead | undefined {
	const window = Math.min(buffer.length, MAX_HEAD_BYTES);
	const length = headLength(buffer, window);
	const text = latin1(buffer, length ?? window);
	if (BARE_CR_OR_LF.test(text)) {
		throw protocolError('Bare CR or LF in the response head.');
	}
	// Every complete line that has arrived is checked now, so a reply that is not HTTP/1.x fails at once,
	// not only when the size limit is reached.
	const lines = (length === undefined ? text : text.slice(0, -4)).split('\r\n');
	if (length === undefined) {
		lines.pop(); // the line still arriving
	}
	const [statusLine, ...fieldLines] = lines;
	// No status line yet means the head is incomplete and `status` is never returned.
	const status = statusLine === undefined ? 0 : parseStatusLine(statusLine);
	if (fieldLines.length > MAX_HEADER_COUNT) {
		throw protocolError(`More than ${MAX_HEADER_COUNT} header fields in the response head.`);
	}
	const headers = Object.create(null) as Record<string, string>;
	let contentLength: number | undefined;
	for (const line of fieldLines) {
		const [name, value] = parseFieldLine(line);
		if (name === 'content-length') {
			// Two lengths, even equal ones, are the classic response-splitting vector: refuse rather than pick.
			if (contentLength !== undefined) {
				throw protocolError('More than one Content-Length field.');
			}
			contentLength = parseContentLength(value);
		}
		const previous = headers[name];
		headers[name] = previous === undefined ? value : `${previous}, ${value}`;
	}
	if (contentLength !== undefined && headers['transfer-encoding'] !== undefined) {
		throw protocolError('Both Content-Length and Transfer-Encoding in the response head.');
	}
	if (length === undefined) {
		if (buffer.length >= MAX_HEAD_BYTES) {
			throw protocolError(`The response head is larger than ${MAX_HEAD_BYTES} bytes.`);
		}
		return undefined;
	}
	return { status, headers, length, contentLength };
}

/** The index just past the first CRLF CRLF in the first `limit` bytes. */
function headLength(buffer: Uint8Array, limit: number): number | undefined {
	for (let i = 3; i < limit; i++) {
		if (buffer[i] === LF && buffer[i - 1] === CR && buffer[i - 2] === LF && buffer[i - 3] === CR) {
			return i + 1;
		}
	}
	return undefined;
}

/** One character per byte, as node:http decodes header bytes; in chunks to keep the argument list short. */
function latin1(bytes: Uint8Array, end: number): string {
	let text = '';
	for (let start = 0; start < end; start += 8192) {
		text += String.fromCharCode(...bytes.subarray(start, Math.min(end, start + 8192)));
	}
	return text;
}

function parseStatusLine(line: string): number {
	const match = STATUS_LINE.exec(line);
	if (match === null) {
		throw protocolError(`Invalid status line ${quote(line)}.`);
	}
	return Number(match[1]);
}

function parseFieldLine(line: string): [name: string, value: string] {
	if (line.startsWith(' ') || line.startsWith('\t')) {
		throw protocolError(`Folded header line (obs-fold) ${quote(line)}.`);
	}
	const colon = line.indexOf(':');
	if (colon < 0) {
		throw protocolError(`Header line without a colon: ${quote(line)}.`);
	}
	const name = line.slice(0, colon);
	if (!TOKEN.test(name)) {
		throw protocolError(TOKEN_THEN_WHITESPACE.test(name) ? `Whitespace before the colon of header ${quote(name)}.` : `Invalid header name ${quote(name)}.`);
	}
	const value = trimOws(line.slice(colon + 1));
	if (NOT_FIELD_CHAR.test(value)) {
		throw protocolError(`Control character in the value of header ${quote(name)}.`);
	}
	return [name.toLowerCase(), value];
}

/** Only SP and HTAB: String#trim would also eat 0xA0, which is a byte of UTF-8 text here. */
function trimOws(value: string): string {
	let start = 0;
	let end = value.length;
	while (start < end && (value[start] === ' ' || value[start] === '\t')) {
		start++;
	}
	while (end > start && (value[end - 1] === ' ' || value[end - 1] === '\t')) {
		end--;
	}
	return value.slice(start, end);
}

function parseContentLength(value: string): number {
	const length = /^\d+$/.test(value) ? Number(value) : NaN;
	if (!Number.isSafeInteger(length)) {
		throw protocolError(`Invalid Content-Length ${quote(value)}.`);
	}
	return length;
}

/** At most 32 characters of the input, escaped, so a hostile head cannot flood the message or the logs. */
function quote(text: string): string {
	let shown = '';
	let i = 0;
	for (; i < text.length && shown.length < 32; i++) {
		shown += JSON.stringify(text.charAt(i)).slice(1, -1);
	}
	return `"${shown}"${i < text.length ? '…' : ''}`;
}

function protocolError(message: string): LarkError {
	return new LarkError('protocol', message, { retryable: true });
}
