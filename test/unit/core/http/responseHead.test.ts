import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { LarkError } from '../../../../src/core/errors';
import { MAX_HEAD_BYTES, MAX_HEADER_COUNT, parseResponseHead, type ResponseHead } from '../../../../src/core/http/responseHead';
import { prng } from '../../../support/sandbox/content';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const CRLFCRLF = bytes('\r\n\r\n');

function parse(buffer: Uint8Array): ResponseHead {
	const head = parseResponseHead(buffer);
	assert.ok(head !== undefined, 'the head should be complete');
	return head;
}

function rejects(head: string | Uint8Array, message: RegExp): void {
	assert.throws(() => parseResponseHead(typeof head === 'string' ? bytes(head) : head), (error: unknown) => {
		assert.ok(error instanceof LarkError, `not a LarkError: ${String(error)}`);
		assert.equal(error.type, 'protocol');
		assert.equal(error.retryable, true);
		assert.match(error.message, message);
		return true;
	});
}

/** A head of `fields` lines `X-N: v…` padded so the whole head, CRLF CRLF included, is `size` bytes. */
function headOfSize(size: number, fields = 1): string {
	const status = 'HTTP/1.1 200 OK\r\n';
	const lines = Array.from({ length: fields - 1 }, (_, i) => `X-${i}: v\r\n`).join('');
	const padding = size - status.length - lines.length - 'X-Pad: '.length - 4;
	return `${status}${lines}X-Pad: ${'a'.repeat(padding)}\r\n\r\n`;
}

describe('response head parser', () => {
	const head206 = Buffer.concat([
		bytes('HTTP/1.1 206 Partial Content\r\nContent-Type: application/pdf\r\nContent-Range: bytes 0-4/10\r\nContent-Length: 5\r\n'),
		bytes('Content-Disposition: '),
		Buffer.from('attachment; filename="合同.pdf"'),
		bytes('\r\nConnection: keep-alive\r\n\r\n'),
	]);

	it('parses a real-looking 206 head and leaves the body alone', () => {
		const head = parse(Buffer.concat([head206, bytes('%PDF-\r\n\r\n')]));
		assert.equal(head.status, 206);
		assert.equal(head.length, head206.length);
		assert.equal(head.contentLength, 5);
		assert.deepEqual({ ...head.headers }, {
			'content-type': 'application/pdf',
			'content-range': 'bytes 0-4/10',
			'content-length': '5',
			'content-disposition': Buffer.from('attachment; filename="合同.pdf"').toString('latin1'),
			connection: 'keep-alive',
		});
	});

	it('says "not yet" at every split point of an incomplete head', () => {
		for (let end = 0; end < head206.length; end++) {
			assert.equal(parseResponseHead(head206.subarray(0, end)), undefined, `prefix of ${end} bytes`);
		}
	});

	it('accepts HTTP/1.0, a missing or empty reason, obs-text, 1xx heads and no fields at all', () => {
		assert.equal(parse(bytes('HTTP/1.0 200 OK\r\n\r\n')).status, 200);
		assert.equal(parse(bytes('HTTP/1.1 204\r\n\r\n')).status, 204);
		assert.equal(parse(bytes('HTTP/1.1 599 \r\n\r\n')).status, 599);
		assert.equal(parse(bytes('HTTP/1.1 200 \tOK \xe9\x80!\r\n\r\n')).status, 200);
		const informational = parse(bytes('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 206 Partial Content\r\n'));
		assert.deepEqual([informational.status, informational.length, informational.contentLength], [100, 25, undefined]);
	});

	it('trims only SP and HTAB around values and keeps everything else', () => {
		const head = parse(bytes('HTTP/1.1 200 OK\r\nX-A: \t a \t b\t \r\nX-B:\r\nX-C:\xa0\r\nX-D:  \r\nX-E:"a:b"\r\n\r\n'));
		assert.deepEqual({ ...head.headers }, { 'x-a': 'a \t b', 'x-b': '', 'x-c': '\xa0', 'x-d': '', 'x-e': '"a:b"' });
		// OWS is SP or HTAB after Content-Length too (llhttp refuses the HTAB there; RFC 9110 allows it).
		assert.equal(parse(bytes('HTTP/1.1 200 OK\r\nContent-Length:\t7\t\r\n\r\n')).contentLength, 7);
	});

	it('joins repeated fields other than Content-Length with ", "', () => {
		const head = parse(bytes('HTTP/1.1 200 OK\r\nX-Id: 1\r\nSet-Cookie: a=1\r\nx-id: 2\r\nSET-COOKIE: b=2\r\nX-ID:\r\n\r\n'));
		assert.deepEqual({ ...head.headers }, { 'x-id': '1, 2, ', 'set-cookie': 'a=1, b=2' });
	});

	it('treats names like constructor and __proto__ as plain fields', () => {
		const head = parse(bytes('HTTP/1.1 200 OK\r\nconstructor: a\r\n__proto__: b\r\nconstructor: c\r\n\r\n'));
		assert.deepEqual(Object.entries(head.headers), [['constructor', 'a, c'], ['__proto__', 'b']]);
		assert.equal('toString' in head.headers, false);
	});

	describe('rejects', () => {
		const cases: [string, string, RegExp][] = [
			['another version', 'HTTP/2.0 200 OK\r\n\r\n', /status line/],
			['a lower-case version', 'http/1.1 200 OK\r\n\r\n', /status line/],
			['two spaces after the version', 'HTTP/1.1  200 OK\r\n\r\n', /status line/],
			['a two-digit status', 'HTTP/1.1 20 OK\r\n\r\n', /status line/],
			['a four-digit status', 'HTTP/1.1 2000 OK\r\n\r\n', /status line/],
			['a status below 100', 'HTTP/1.1 099 OK\r\n\r\n', /status line/],
			['a status above 599', 'HTTP/1.1 600 OK\r\n\r\n', /status line/],
			['no space before the reason', 'HTTP/1.1 200OK\r\n\r\n', /status line/],
			['a control character in the reason', 'HTTP/1.1 200 O\x01K\r\n\r\n', /status line/],
			['a leading empty line', '\r\nHTTP/1.1 200 OK\r\n\r\n', /status line/],
			['a bare LF', 'HTTP/1.1 200 OK\r\nX-A: 1\nX-B: 2\r\n\r\n', /Bare CR or LF/],
			['a bare CR', 'HTTP/1.1 200 OK\r\nX-A: 1\rX-B: 2\r\n\r\n', /Bare CR or LF/],
			['an LF-only head before it is even complete', 'HTTP/1.1 200 OK\nContent-Length: 5\n', /Bare CR or LF/],
			['obs-fold', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  2\r\n\r\n', /obs-fold/],
			['a line without a colon', 'HTTP/1.1 200 OK\r\nX-A 1\r\n\r\n', /without a colon/],
			['whitespace before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n', /Whitespace before the colon/],
			['an empty name', 'HTTP/1.1 200 OK\r\n: 1\r\n\r\n', /Invalid header name/],
			['a separator in the name', 'HTTP/1.1 200 OK\r\nX(A): 1\r\n\r\n', /Invalid header name/],
			['NUL in a value', 'HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n', /Control character/],
			['DEL in a value', 'HTTP/1.1 200 OK\r\nX-A: a\x7fb\r\n\r\n', /Control character/],
			['another control character in a value', 'HTTP/1.1 200 OK\r\nX-A: \x1b[31m\r\n\r\n', /Control character/],
			['a Content-Length that is not a number', 'HTTP/1.1 200 OK\r\nContent-Length: 5a\r\n\r\n', /Invalid Content-Length/],
			['a signed Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n', /Invalid Content-Length/],
			['an empty Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n', /Invalid Content-Length/],
			['a Content-Length list', 'HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n', /Invalid Content-Length/],
			['a Content-Length beyond a safe integer', 'HTTP/1.1 200 OK\r\nContent-Length: 9007199254740992\r\n\r\n', /Invalid Content-Length/],
			['two equal Content-Length fields', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n', /More than one Content-Length/],
			['Content-Length with Transfer-Encoding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n', /Both Content-Length and Transfer-Encoding/],
		];
		for (const [what, head, message] of cases) {
			it(what, () => rejects(head, message));
		}

		it('with short messages that quote little of the input', () => {
			for (const head of [`HTTP/1.1 200 ${'\x01'.repeat(5000)}\r\n\r\n`, `HTTP/1.1 200 OK\r\n${'x'.repeat(5000)}\r\n\r\n`, `HTTP/1.1 200 OK\r\nContent-Length: ${'9'.repeat(5000)}\r\n\r\n`]) {
				assert.throws(() => parseResponseHead(bytes(head)), (error: Error) => error.message.length < 90);
			}
		});
	});

	describe('limits', () => {
		it(`accepts ${MAX_HEADER_COUNT} fields and rejects one more`, () => {
			assert.equal(Object.keys(parse(bytes(headOfSize(4096, MAX_HEADER_COUNT))).headers).length, MAX_HEADER_COUNT);
			rejects(headOfSize(4096, MAX_HEADER_COUNT + 1), /More than 128 header fields/);
		});

		it('accepts a head of exactly 64 KiB and rejects one byte more', () => {
			const exact = bytes(headOfSize(MAX_HEAD_BYTES));
			assert.equal(exact.length, MAX_HEAD_BYTES);
			assert.equal(parse(Buffer.concat([exact, bytes('body')])).length, MAX_HEAD_BYTES);
			rejects(headOfSize(MAX_HEAD_BYTES + 1), /larger than 65536 bytes/);
		});

		it('waits below 64 KiB without a terminator and rejects as soon as 64 KiB have arrived', () => {
			const long = bytes(headOfSize(MAX_HEAD_BYTES + 1));
			assert.equal(parseResponseHead(long.subarray(0, MAX_HEAD_BYTES - 1)), undefined);
			rejects(long.subarray(0, MAX_HEAD_BYTES), /larger than 65536 bytes/);
			rejects(bytes(`HTTP/1.1 200 OK\r\nX-A: ${'a'.repeat(MAX_HEAD_BYTES)}`), /larger than 65536 bytes/);
		});
	});

	describe('fuzz', () => {
		it('parses valid random heads exactly, and none of their prefixes', () => {
			const random = prng(0x1a2b);
			for (let n = 0; n < 1200; n++) {
				const built = randomHead(random, false);
				const buffer = Buffer.concat([built.head, randomBytes(random, 12)]);
				const head = parse(buffer);
				assert.deepEqual({ ...head, headers: { ...head.headers } }, built.expected, built.head.toString('latin1'));
				for (let end = 0; end < built.head.length; end++) {
					assert.equal(parseResponseHead(buffer.subarray(0, end)), undefined);
				}
			}
		});

		it('either parses or rejects mutated heads as a protocol error, never worse', () => {
			const random = prng(0x5eed);
			const outcomes = { parsed: 0, rejected: 0, incomplete: 0 };
			for (let n = 0; n < 1500; n++) {
				const buffer = mutate(random, Buffer.concat([randomHead(random, false).head, randomBytes(random, 8)]));
				for (const candidate of [buffer, buffer.subarray(0, Math.floor(random() * buffer.length))]) {
					outcomes[checkInvariants(candidate)]++;
				}
			}
			// The mutations must exercise both sides, or this test proves nothing.
			assert.ok(outcomes.parsed > 300 && outcomes.rejected > 300, JSON.stringify(outcomes));
		});

		it('agrees with node:http on valid random heads', async () => {
			const random = prng(0xd1ff);
			const heads = Array.from({ length: 300 }, () => randomHead(random, true));
			const server = net.createServer((socket) => {
				let request = '';
				socket.on('error', () => undefined);
				socket.on('data', (chunk: Buffer) => {
					request += chunk.toString('latin1');
					const built = heads[Number(/^GET \/(\d+) /.exec(request)?.[1])];
					if (request.includes('\r\n\r\n') && built !== undefined) {
						socket.end(Buffer.concat([built.head, Buffer.alloc(built.expected.contentLength ?? 0, 0x61)]));
					}
				});
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			try {
				const port = (server.address() as net.AddressInfo).port;
				for (let start = 0; start < heads.length; start += 20) {
					const batch = heads.slice(start, start + 20).map(async (built, i) => {
						const theirs = await nodeGet(port, start + i);
						assert.deepEqual(theirs, { status: built.expected.status, headers: built.expected.headers }, built.head.toString('latin1'));
					});
					await Promise.all(batch);
				}
			} finally {
				await new Promise((resolve) => server.close(resolve));
			}
		});
	});
});

/** The classification of one parse, after checking that no outcome breaks the contract. */
function checkInvariants(buffer: Buffer): 'parsed' | 'rejected' | 'incomplete' {
	let head: ResponseHead | undefined;
	try {
		head = parseResponseHead(buffer);
	} catch (error) {
		assert.ok(error instanceof LarkError && error.type === 'protocol', `unexpected ${String(error)} for ${JSON.stringify(buffer.toString('latin1'))}`);
		return 'rejected';
	}
	if (head === undefined) {
		return 'incomplete';
	}
	assert.ok(head.length <= buffer.length && buffer.subarray(head.length - 4, head.length).equals(CRLFCRLF));
	assert.ok(head.contentLength === undefined || (Number.isSafeInteger(head.contentLength) && head.contentLength >= 0));
	assert.ok(Number.isInteger(head.status) && head.status >= 100 && head.status <= 599);
	// Nothing after the head mattered.
	assert.deepEqual(parseResponseHead(buffer.subarray(0, head.length)), head);
	return 'parsed';
}

type Random = () => number;
const below = (random: Random, n: number): number => Math.floor(random() * n);
const pick = <T>(random: Random, items: readonly T[]): T => items[below(random, items.length)] as T;
const codes = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const TCHAR = [...'!#$%&\'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const VISIBLE = String.fromCharCode(...codes(0x21, 0x7e), ...codes(0x80, 0xff));
const WITH_WHITESPACE = `${VISIBLE}\t      `;

function randomText(random: Random, alphabet: string | readonly string[], min: number, max: number): string {
	let text = '';
	for (let n = min + below(random, max - min + 1); n > 0; n--) {
		text += pick(random, [...alphabet]);
	}
	return text;
}

function randomBytes(random: Random, max: number): Buffer {
	return Buffer.from(Array.from({ length: below(random, max + 1) }, () => below(random, 256)));
}

/** A value that OWS trimming leaves unchanged: empty, or visible characters at both ends. */
function randomValue(random: Random): string {
	const inner = randomText(random, VISIBLE, 1, 1) + randomText(random, WITH_WHITESPACE, 0, 12);
	return random() < 0.1 ? '' : inner + randomText(random, VISIBLE, 1, 1);
}

interface Built {
	head: Buffer;
	expected: ResponseHead;
}

/**
 * A valid head and what it should parse to. `nodeSafe` keeps to what node:http reports the same way: a
 * final status with a body, `x-` names (joined with ", "), single Content-Length/Range/Disposition.
 */
function randomHead(random: Random, nodeSafe: boolean): Built {
	const status = nodeSafe ? pick(random, [200, 206, 301, 404, 416, 500, 503]) : 100 + below(random, 500);
	const reason = random() < 0.2 ? '' : ` ${randomText(random, `${VISIBLE}\t `, 0, 16)}`;
	const fields: [string, string][] = [];
	for (let n = below(random, 8); n > 0; n--) {
		const repeat = fields.length > 0 && random() < 0.3;
		const name = repeat ? recase(random, pick(random, fields)[0]) : `${nodeSafe ? 'x-' : ''}${randomText(random, TCHAR, 1, 10)}`;
		if (!['content-length', 'transfer-encoding'].includes(name.toLowerCase())) {
			fields.push([name, randomValue(random)]);
		}
	}
	let contentLength: number | undefined;
	if (nodeSafe || random() < 0.5) {
		contentLength = nodeSafe ? below(random, 16) : random() < 0.1 ? Number.MAX_SAFE_INTEGER : Number(randomText(random, '0123456789', 1, 15));
		fields.splice(below(random, fields.length + 1), 0, [recase(random, 'Content-Length'), String(contentLength)]);
	}
	if (nodeSafe && random() < 0.5) {
		fields.splice(below(random, fields.length + 1), 0, ['Content-Range', `bytes ${below(random, 100)}-${100 + below(random, 100)}/${200 + below(random, 1000)}`]);
	}
	if (nodeSafe && random() < 0.5) {
		const name = randomText(random, ['合', '同', 'é', 'ü', 'ß', '😀', 'a', ' ', '-'], 1, 8);
		fields.splice(below(random, fields.length + 1), 0, ['Content-Disposition', Buffer.from(`attachment; filename="${name}.pdf"`).toString('latin1')]);
	}
	// llhttp refuses an HTAB after the digits of Content-Length (RFC 9110 OWS allows it, and so do we).
	const ows = (name: string): string => randomText(random, nodeSafe && name.toLowerCase() === 'content-length' ? ' ' : '\t ', 0, 2);
	const lines = fields.map(([name, value]) => `${name}:${randomText(random, '\t ', 0, 2)}${value}${ows(name)}\r\n`);
	const head = bytes(`HTTP/1.${below(random, 2)} ${status}${reason}\r\n${lines.join('')}\r\n`);
	const headers: Record<string, string> = {};
	for (const [name, value] of fields) {
		const key = name.toLowerCase();
		headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
	}
	return { head, expected: { status, headers, length: head.length, contentLength } };
}

function recase(random: Random, name: string): string {
	return [...name].map((c) => (random() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
}

/** One to three byte flips, insertions of dangerous bytes, deletions, or extra framing lines. */
function mutate(random: Random, input: Buffer): Buffer {
	let buffer = input;
	for (let n = 1 + below(random, 3); n > 0; n--) {
		const at = below(random, buffer.length + 1);
		const insert = (extra: Buffer): Buffer => Buffer.concat([buffer.subarray(0, at), extra, buffer.subarray(at)]);
		const afterStatusLine = buffer.indexOf('\r\n') + 2;
		switch (below(random, 6)) {
			case 0:
				buffer = Buffer.from(buffer);
				buffer[Math.min(at, buffer.length - 1)] = below(random, 256);
				break;
			case 1:
			case 2:
				buffer = insert(Buffer.from([pick(random, [0x0d, 0x0a, 0x00, 0x20, 0x09, 0x3a, 0x80, 0x7f])]));
				break;
			case 3:
				buffer = Buffer.concat([buffer.subarray(0, at), buffer.subarray(at + 1)]);
				break;
			default: {
				const line = pick(random, ['Content-Length: 3\r\n', 'content-length: 0\r\n', 'Content-Length: 1, 1\r\n', 'Content-Length: 99999999999999999999\r\n', 'Transfer-Encoding: chunked\r\n']);
				buffer = afterStatusLine < 2 ? insert(bytes(line)) : Buffer.concat([buffer.subarray(0, afterStatusLine), bytes(line), buffer.subarray(afterStatusLine)]);
			}
		}
	}
	return buffer;
}

function nodeGet(port: number, index: number): Promise<{ status: number | undefined; headers: Record<string, unknown> }> {
	return new Promise((resolve, reject) => {
		http.get({ host: '127.0.0.1', port, path: `/${index}`, agent: false }, (response) => {
			response.resume();
			response.on('error', reject);
			response.on('end', () => resolve({ status: response.statusCode, headers: { ...response.headers } }));
		}).on('error', reject);
	});
}
