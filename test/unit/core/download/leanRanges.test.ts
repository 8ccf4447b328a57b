import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { StaticTokenProvider } from '../../../../src/core/auth/tokenProvider';
import { DownloadEngine } from '../../../../src/core/download/downloadEngine';
import { ApiSession } from '../../../../src/core/http/apiSession';
import { HttpClient } from '../../../../src/core/http/httpClient';
import { USER_AGENT } from '../../../../src/core/version';
import { FAST_RETRIES } from '../../../support/engineHarness';
import { bytes, expectLarkError as failure, listFiles, sha256, sha256File, tempDir } from '../../../support/fixtures';

// The lean path reads plain 206 bodies straight from the socket (src/core/http/rangeExchange.ts). These tests talk
// to a server written on raw sockets, so that every byte of every answer is the test's choice: over TLS too, and
// with the answers the lean path must leave to node:http or refuse.

const KiB = 1024;
const TLS_DIR = path.resolve(__dirname, '..', '..', '..', '..', '..', 'test', 'fixtures', 'tls');

interface SeenRequest {
	connection: number;
	range: string | undefined;
	headers: Record<string, string>;
}

/** What the server does with one request: `write` the whole answer (head and body bytes), or end the socket. */
type Answer = (request: SeenRequest, index: number, data: Buffer) => { head: string; body?: Buffer; then?: 'close' | 'stall' } | 'reset';

class RawServer {
	readonly requests: SeenRequest[] = [];
	private server: net.Server | undefined;
	private readonly sockets = new Set<net.Socket>();
	private connections = 0;

	constructor(
		readonly data: Buffer,
		private readonly answer: Answer,
	) {}

	async start(secure: boolean): Promise<string> {
		const onSocket = (socket: net.Socket): void => this.serve(socket);
		this.server = secure
			? tls.createServer({ cert: readFileSync(path.join(TLS_DIR, 'cert.pem')), key: readFileSync(path.join(TLS_DIR, 'key.pem')) }, onSocket)
			: net.createServer(onSocket);
		await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
		const { port } = this.server.address() as net.AddressInfo;
		return `${secure ? 'https' : 'http'}://127.0.0.1:${port}`;
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) {
			socket.destroy();
		}
		await new Promise<void>((resolve) => this.server?.close(() => resolve()));
	}

	private serve(socket: net.Socket): void {
		const connection = ++this.connections;
		this.sockets.add(socket);
		socket.on('close', () => this.sockets.delete(socket));
		socket.on('error', () => undefined);
		let pending = Buffer.alloc(0);
		socket.on('data', (chunk: Buffer) => {
			pending = Buffer.concat([pending, chunk]);
			for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
				const lines = pending.subarray(0, end).toString('latin1').split('\r\n');
				pending = pending.subarray(end + 4);
				const headers = Object.fromEntries(lines.slice(1).map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
				const request: SeenRequest = { connection, range: headers.range, headers };
				this.requests.push(request);
				const answer = this.answer(request, this.requests.length - 1, this.data);
				if (answer === 'reset') {
					socket.resetAndDestroy();
					return;
				}
				socket.write(Buffer.concat([Buffer.from(answer.head, 'latin1'), answer.body ?? Buffer.alloc(0)]));
				if (answer.then === 'close') {
					socket.end();
					return;
				}
			}
		});
	}
}

/** The answer of a well-behaved server: 206 with Content-Range and Content-Length, 200 without a Range. */
function honest(request: SeenRequest, _index: number, data: Buffer, extraHeaders = ''): { head: string; body: Buffer } {
	const match = /^bytes=(\d+)-(\d*)$/.exec(request.range ?? '');
	if (match === null) {
		return { head: `HTTP/1.1 200 OK\r\ncontent-length: ${data.length}\r\ncontent-type: application/pdf\r\n${extraHeaders}\r\n`, body: data };
	}
	const start = Number(match[1]);
	const end = Math.min(match[2] === '' ? data.length - 1 : Number(match[2]), data.length - 1);
	const body = data.subarray(start, end + 1);
	const head = `HTTP/1.1 206 Partial Content\r\ncontent-range: bytes ${start}-${end}/${data.length}\r\ncontent-length: ${body.length}\r\ncontent-type: application/pdf\r\ncontent-disposition: attachment; filename="${Buffer.from('合同.pdf').toString('latin1')}"\r\n${extraHeaders}\r\n`;
	return { head, body };
}

function chunked(body: Buffer): Buffer {
	return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
}

// Both ways the engine does its file work: through the thread pool (the extension host) and on its own thread (the CLI).
for (const blockingFileIo of [false, true]) {
	describe(`the lean path for ranged parts (raw sockets, TLS, and what it leaves to node:http)${blockingFileIo ? ', blocking file writes (the CLI)' : ''}`, () => {
		let work: { dir: string; cleanup: () => Promise<void> };
		let server: RawServer | undefined;
		let http: HttpClient | undefined;

		beforeEach(async () => {
			work = await tempDir();
		});

		afterEach(async () => {
			await http?.close();
			await server?.stop();
			await work.cleanup();
			http = undefined;
			server = undefined;
		});

		async function download(data: Buffer, answer: Answer, options: { secure?: boolean; idleTimeoutMs?: number; concurrency?: number } = {}): Promise<{ savedPath: string; sha256?: string }> {
			server = new RawServer(data, answer);
			const baseUrl = await server.start(options.secure === true);
			http = new HttpClient({ idleTimeoutMs: options.idleTimeoutMs ?? 10_000, trustedCa: readFileSync(path.join(TLS_DIR, 'cert.pem')) });
			const session = new ApiSession(http, baseUrl, new StaticTokenProvider('user', 'u-lean-token'), USER_AGENT, undefined, FAST_RETRIES);
			return new DownloadEngine(session, { blockingFileIo }).download(
				{ messageId: 'om_lean', fileKey: 'file_lean', type: 'file' },
				{ root: work.dir, partSize: 256 * KiB, concurrency: options.concurrency ?? 2, probeSize: 64 * KiB },
			);
		}

		for (const secure of [false, true]) {
			it(`downloads the exact bytes over ${secure ? 'TLS' : 'plain HTTP'}, each part one request, kept-alive connections reused`, async () => {
				const data = bytes(64 * KiB + 5 * 256 * KiB + 333);
				const result = await download(data, (request, index, body) => honest(request, index, body), { secure });
				assert.equal(path.basename(result.savedPath), '合同.pdf');
				assert.equal(await sha256File(result.savedPath), sha256(data));
				assert.equal(result.sha256, sha256(data), 'hashed while written');
				const ranges = server?.requests.map((r) => r.range);
				assert.equal(ranges?.length, 7, `one probe and six parts: ${String(ranges)}`);
				assert.ok(server?.requests.every((r) => r.headers.authorization === 'Bearer u-lean-token' && r.headers['accept-encoding'] === 'identity'));
				const connections = new Set(server?.requests.map((r) => r.connection));
				assert.ok(connections.size <= 3, `the probe's connection plus at most two for the parts, not one per part: ${connections.size}`);
			});
		}

		it('a chunked 206 is left to node:http: asked again there once, later parts go there directly, saved exactly', async () => {
			const data = bytes(64 * KiB + 3 * 256 * KiB);
			const result = await download(data, (request, index, body) => {
				const plain = honest(request, index, body);
				if (index === 0) {
					return plain;
				}
				const head = plain.head.replace(/content-length: \d+\r\n/, 'transfer-encoding: chunked\r\n');
				return { head, body: chunked(plain.body) };
			}, { concurrency: 1 }); // parts already in flight would each make their one lean try
			assert.equal(await sha256File(result.savedPath), sha256(data));
			const partRequests = server?.requests.slice(1).map((r) => r.range);
			assert.deepEqual(partRequests, ['bytes=65536-327679', 'bytes=65536-327679', 'bytes=327680-589823', 'bytes=589824-851967'], 'the lean try, the same request through node:http, then node:http only');
		});

		it('a 200 to a range is not asked again: the download restarts with one whole GET', async () => {
			const data = bytes(64 * KiB + 256 * KiB);
			const result = await download(data, (request, index, body) => (index === 1 ? honest({ ...request, range: undefined }, index, body) : honest(request, index, body)));
			assert.equal(await sha256File(result.savedPath), sha256(data));
			assert.deepEqual(server?.requests.map((r) => r.range ?? 'none'), ['bytes=0-65535', 'bytes=65536-327679', 'none']);
		});

		it('a Lark error on a part is read from its small JSON body, typed, and not asked again through node:http', async () => {
			const data = bytes(64 * KiB + 256 * KiB);
			const json = Buffer.from(JSON.stringify({ code: 234003, msg: 'File not in msg.' }));
			const error = await failure(download(data, (request, index, body) =>
				index === 0 ? honest(request, index, body) : { head: `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${json.length}\r\n\r\n`, body: json },
			));
			assert.equal(error.code, 234003);
			assert.equal(server?.requests.length, 2, 'the probe and one part request');
			assert.deepEqual(await listFiles(work.dir), [], 'nothing kept: Lark refused the resource');
		});

		for (const [what, headers] of [
			['two Content-Length fields', 'content-length: 1\r\n'],
			['an obs-folded header line', 'x-note: a\r\n folded\r\n'],
		] as const) {
			it(`a head with ${what} is refused as a protocol error and the part asked for again`, async () => {
				const data = bytes(64 * KiB + 256 * KiB);
				const result = await download(data, (request, index, body) => {
					const plain = honest(request, index, body);
					return index === 1 ? { head: plain.head.replace('\r\n\r\n', `\r\n${headers}\r\n`), body: plain.body } : plain;
				});
				assert.equal(await sha256File(result.savedPath), sha256(data));
				assert.deepEqual(server?.requests.slice(1).map((r) => r.range), ['bytes=65536-327679', 'bytes=65536-327679']);
			});
		}

		it('Content-Length that disagrees with Content-Range is refused before a byte is written', async () => {
			const data = bytes(64 * KiB + 256 * KiB);
			const result = await download(data, (request, index, body) => {
				const plain = honest(request, index, body);
				return index === 1 ? { head: plain.head.replace(/content-length: \d+/, 'content-length: 10'), body: plain.body.subarray(0, 10) } : plain;
			});
			assert.equal(await sha256File(result.savedPath), sha256(data));
			assert.equal(server?.requests.length, 3);
		});

		it('bytes after the declared body are never written, and that connection is not used again', async () => {
			const data = bytes(64 * KiB + 2 * 256 * KiB);
			const result = await download(data, (request, index, body) => {
				const plain = honest(request, index, body);
				return index === 1 ? { head: plain.head, body: Buffer.concat([plain.body, Buffer.from('HTTP/1.1 206 stray bytes')]) } : plain;
			}, { concurrency: 1 });
			assert.equal(await sha256File(result.savedPath), sha256(data));
			const [, second, third] = server?.requests ?? [];
			assert.ok(second !== undefined && third !== undefined);
			assert.notEqual(third.connection, second.connection, 'a connection that sent stray bytes is dropped');
		});

		it('a body cut off mid-way is continued from exactly the bytes written', async () => {
			const data = bytes(64 * KiB + 256 * KiB);
			const result = await download(data, (request, index, body) => {
				const plain = honest(request, index, body);
				return index === 1 ? { head: plain.head, body: plain.body.subarray(0, 100_000), then: 'close' } : plain;
			});
			assert.equal(await sha256File(result.savedPath), sha256(data));
			assert.deepEqual(server?.requests.slice(1).map((r) => r.range), ['bytes=65536-327679', `bytes=${65536 + 100_000}-327679`]);
		});

		it('a server that goes quiet mid-body is an idle timeout, and the rest is asked for again', async () => {
			const data = bytes(64 * KiB + 256 * KiB);
			const result = await download(data, (request, index, body) => {
				const plain = honest(request, index, body);
				return index === 1 ? { head: plain.head, body: plain.body.subarray(0, 5000), then: 'stall' } : plain;
			}, { idleTimeoutMs: 300 });
			assert.equal(await sha256File(result.savedPath), sha256(data));
			assert.deepEqual(server?.requests.slice(1).map((r) => r.range), ['bytes=65536-327679', `bytes=${65536 + 5000}-327679`]);
		});

		it('a reset before any answer is a network error the retries absorb', async () => {
			const data = bytes(64 * KiB + 256 * KiB);
			const result = await download(data, (request, index, body) => (index === 1 ? 'reset' : honest(request, index, body)));
			assert.equal(await sha256File(result.savedPath), sha256(data));
			assert.equal(server?.requests.length, 3);
		});

		it('a gzip-encoded 206 is refused (byte ranges of a compressed body would not match), nothing saved', async () => {
			const data = bytes(64 * KiB + 256 * KiB);
			const error = await failure(download(data, (request, index, body) => {
				const plain = honest(request, index, body);
				return index >= 1 ? { head: plain.head.replace('\r\n\r\n', '\r\ncontent-encoding: gzip\r\n\r\n'), body: plain.body } : plain;
			}));
			assert.equal(error.type, 'protocol');
			assert.deepEqual(server?.requests.slice(1).map((r) => r.range), ['bytes=65536-327679', 'bytes=65536-327679'], 'left to node:http, which refuses it: no retry');
			assert.match(error.message, /Content-Encoding "gzip"/);
			assert.ok(!(await fs.readdir(work.dir)).some((f) => f === '合同.pdf'));
		});
	});
}
