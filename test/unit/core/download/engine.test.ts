import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DownloadEngine } from '../../../../src/core/download/downloadEngine';
import type { LarkError } from '../../../../src/core/errors';
import { larkContentDisposition, rfc5987ContentDisposition } from '../../../support/contentDisposition';
import { botHarness, startLoopbackEngine, stopLoopbackEngine, userHarness, type Harness } from '../../../support/engineHarness';
import { bytes, listFiles, sha256, sha256File, tempDir } from '../../../support/fixtures';
import { LarkTestServer, type ServedResource } from '../../../support/larkServer';

const KiB = 1024;
const PROBE = 128 * KiB;

describe('download engine against the loopback Lark server', () => {
	let server: LarkTestServer;
	let work: { dir: string; cleanup: () => Promise<void> };
	let harness: Harness;

	beforeEach(async () => {
		({ server, work, harness } = await startLoopbackEngine());
	});

	afterEach(() => stopLoopbackEngine({ server, work, harness }));

	function serve(size: number, extra: Partial<ServedResource> = {}): ServedResource {
		return server.addResource({ messageId: 'om_msg1', fileKey: 'file_v3_key1', type: 'file', data: bytes(size), contentType: 'application/pdf', ...extra });
	}

	function download(resource: ServedResource, options: Partial<Parameters<DownloadEngine['download']>[1]> = {}) {
		return harness.engine.download(
			{ messageId: resource.messageId, fileKey: resource.fileKey, type: resource.type },
			{ root: work.dir, partSize: 256 * KiB, concurrency: 1, onEvent: (e) => harness.events.push(e), ...options },
		);
	}

	async function expectFailure(promise: Promise<unknown>): Promise<LarkError> {
		try {
			await promise;
		} catch (error) {
			return error as LarkError;
		}
		assert.fail('expected the download to fail');
	}

	const ranges = (key = 'file_v3_key1') => server.resourceRequests(key).map((r) => r.headers.range ?? 'none');

	describe('requests', () => {
		it('sends the documented GET with escaped path, bearer token, identity encoding and a product User-Agent', async () => {
			const resource = server.addResource({ messageId: 'om_a/b', fileKey: 'img_v3 x', type: 'image', data: bytes(100), contentType: 'image/png' });
			await download(resource);
			const [request] = server.resourceRequests();
			assert.ok(request);
			assert.equal(request.path, '/open-apis/im/v1/messages/om_a%2Fb/resources/img_v3%20x');
			assert.deepEqual(request.query, { type: 'image' });
			assert.match(String(request.headers.authorization), /^Bearer t-test-/);
			assert.equal(request.headers['accept-encoding'], 'identity');
			assert.match(String(request.headers['user-agent']), /^lark-downloader\/\S+/);
		});

		for (const type of ['image', 'file'] as const) {
			it(`probes ${type} resources with Range bytes=0-131071`, async () => {
				const resource = serve(1000, { type });
				await download(resource);
				assert.deepEqual(ranges(), ['bytes=0-131071']);
			});
		}

		const sizes: [string, number, string[]][] = [
			['16 bytes: one request', 16, ['bytes=0-131071']],
			['exactly the probe: one request', PROBE, ['bytes=0-131071']],
			['probe + part + 1234: three requests in order', PROBE + 256 * KiB + 1234, ['bytes=0-131071', `bytes=${PROBE}-${PROBE + 256 * KiB - 1}`, `bytes=${PROBE + 256 * KiB}-${PROBE + 256 * KiB + 1233}`]],
		];
		for (const [title, size, expected] of sizes) {
			it(`${title}, bytes identical`, async () => {
				const resource = serve(size);
				const result = await download(resource);
				assert.deepEqual(ranges(), expected);
				assert.equal(result.sizeBytes, size);
				assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			});
		}
	});

	describe('server answers', () => {
		it('streams the whole body when the probe gets 200 (Range ignored)', async () => {
			const resource = serve(700 * KiB, { ignoreRange: true });
			const result = await download(resource);
			assert.equal(server.resourceRequests().length, 1);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
		});

		it('restarts cleanly with one whole GET when a later part gets 200', async () => {
			const resource = serve(900 * KiB, { fault: ({ index }) => (index === 2 ? { kind: 'ignoreRange' } : undefined) });
			const result = await download(resource);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.equal(result.sha256, sha256(resource.data), 'the hash made while writing started over with the whole body');
			assert.equal(ranges().at(-1), 'none', 'the last request is a plain GET');
			assert.ok(harness.events.some((e) => e.kind === 'restarted'));
		});

		it('falls back to a plain GET when the probe gets 416 (zero-byte resource)', async () => {
			const resource = serve(0);
			const result = await download(resource);
			assert.deepEqual(ranges(), ['bytes=0-131071', 'none']);
			assert.equal(result.sizeBytes, 0);
			assert.equal((await fs.stat(result.savedPath)).size, 0);
		});

		it('falls back to a plain GET when the probe gets a 400 without a Lark code', async () => {
			const resource = serve(500, { fault: ({ index }) => (index === 0 ? { kind: 'status', status: 400, code: 0, msg: 'bad range' } : undefined) });
			const result = await download(resource);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
		});

		it('refuses a size change between parts and leaves no file at all', async () => {
			const resource = serve(700 * KiB, { fault: ({ index }) => (index === 1 ? { kind: 'total', total: 700 * KiB + 1 } : undefined) });
			const error = await expectFailure(download(resource));
			assert.equal(error.type, 'protocol');
			assert.match(error.message, /resource changed while downloading \(size/);
			assert.deepEqual(await listFiles(work.dir), []);
		});

		it('retries a part that starts at the wrong offset instead of splicing it', async () => {
			const resource = serve(700 * KiB, { fault: ({ index }) => (index === 1 ? { kind: 'shift', by: 10 } : undefined) });
			const result = await download(resource);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.equal(ranges()[1], ranges()[2], 'the same part was requested again');
		});

		it('continues a short (honest) part from where it ended', async () => {
			const resource = serve(PROBE + 256 * KiB, { fault: ({ index }) => (index === 1 ? { kind: 'short', bytes: 1000 } : undefined) });
			const result = await download(resource);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.deepEqual(ranges(), ['bytes=0-131071', `bytes=${PROBE}-${PROBE + 256 * KiB - 1}`, `bytes=${PROBE + 1000}-${PROBE + 256 * KiB - 1}`]);
		});

		it('continues a truncated body from the last byte received, with the same bytes', async () => {
			const resource = serve(PROBE + 256 * KiB, { fault: ({ index }) => (index === 1 ? { kind: 'truncate', after: 5000 } : undefined) });
			const result = await download(resource);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			const third = ranges()[2] ?? '';
			const resumedAt = Number(/^bytes=(\d+)-/.exec(third)?.[1]);
			assert.ok(resumedAt >= PROBE + 5000 - 64 * 1024 && resumedAt > PROBE, `continued at ${third}`);
			assert.ok(harness.events.some((e) => e.kind === 'retrying'));
		});

		it('treats a silent connection as a network failure after the idle timeout and retries the part', async () => {
			await harness.close();
			harness = botHarness(server, { idleTimeoutMs: 300 });
			const resource = serve(PROBE + 256 * KiB, { fault: ({ index }) => (index === 1 ? { kind: 'stall', afterBytes: 100 } : undefined) });
			const result = await download(resource);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			const retry = harness.events.find((e) => e.kind === 'retrying');
			assert.ok(retry?.kind === 'retrying' && /ETIMEDOUT|No data/.test(retry.reason), 'the stall was reported as a timeout');
			assert.equal(ranges()[2], `bytes=${PROBE + 100}-${PROBE + 256 * KiB - 1}`, 'continued after the 100 bytes that did arrive');
		});

		it('retries after a connection reset', async () => {
			const resource = serve(300 * KiB, { fault: ({ index }) => (index === 1 ? { kind: 'reset' } : undefined) });
			const result = await download(resource);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
		});

		it('treats more bytes than declared as an error and retries the part', async () => {
			const resource = serve(300 * KiB, { fault: ({ index }) => (index === 1 ? { kind: 'overflow', extra: 40 } : undefined) });
			const result = await download(resource);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.equal(server.resourceRequests().length, 3);
		});

		it('refuses a compressed answer (Content-Encoding) as a protocol error', async () => {
			const resource = serve(2000, { gzip: true });
			const error = await expectFailure(download(resource));
			assert.equal(error.type, 'protocol');
			assert.match(error.message, /Content-Encoding "gzip"/);
			assert.deepEqual(await listFiles(work.dir), []);
		});

		it('follows a redirect to another host without sending Authorization there', async () => {
			const cdn = await new LarkTestServer({ open: true, hostName: 'localhost' }).start();
			try {
				const data = bytes(300 * KiB);
				cdn.addResource({ messageId: 'om_msg1', fileKey: 'file_v3_key1', type: 'file', data });
				const resource = serve(300 * KiB, { fault: () => ({ kind: 'redirect', to: cdn.baseUrl }) });
				resource.data = data;
				const result = await download(resource);
				assert.equal(await sha256File(result.savedPath), sha256(data));
				assert.ok(cdn.requests.length >= 2);
				for (const request of cdn.requests) {
					assert.equal(request.headers.authorization, undefined, 'no credentials to another host');
				}
				for (const request of server.resourceRequests()) {
					assert.match(String(request.headers.authorization), /^Bearer /);
				}
			} finally {
				await cdn.stop();
			}
		});
	});

	describe('retries and errors', () => {
		it('retries 503 with backoff, then succeeds', async () => {
			const resource = serve(1000, { fault: ({ index }) => (index < 2 ? { kind: 'status', status: 503, code: 1, msg: 'busy' } : undefined) });
			const result = await download(resource);
			assert.equal(server.resourceRequests().length, 3);
			assert.equal(harness.events.filter((e) => e.kind === 'retrying').length, 2);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
		});

		it('waits out a 429 for x-ogw-ratelimit-reset seconds', async () => {
			const resource = serve(1000, { fault: ({ index }) => (index === 0 ? { kind: 'status', status: 429, code: 99991400, msg: 'request trigger frequency limit', headers: { 'x-ogw-ratelimit-reset': '1' } } : undefined) });
			await download(resource);
			const [first, second] = server.resourceRequests();
			assert.ok(first && second);
			const retry = harness.events.find((e) => e.kind === 'retrying');
			assert.ok(retry?.kind === 'retrying' && retry.delayMs >= 1000, 'the retry waited the announced reset');
			assert.ok(second.at - first.at >= 1000);
		});

		it('gives up after the retry budget with a typed error and nothing on disk', async () => {
			const resource = serve(1000, { fault: () => ({ kind: 'html', status: 502 }) });
			const error = await expectFailure(download(resource));
			assert.equal(error.type, 'api');
			assert.match(error.message, /HTTP 502 .*"502 Bad Gateway"/);
			assert.equal(server.resourceRequests().length, 5, 'one try + 4 retries');
			assert.deepEqual(await listFiles(work.dir), []);
		});

		for (const code of [234002, 14005]) {
			it(`never retries permission error ${code}`, async () => {
				const resource = serve(1000, { fault: () => ({ kind: 'status', status: 400, code, msg: 'no permission' }) });
				const error = await expectFailure(download(resource));
				assert.equal(error.type, 'permission');
				assert.equal(error.code, code);
				assert.equal(error.logId, `log-${code}`);
				assert.match(error.hint ?? '', /[Dd]o not retry/);
				assert.equal(server.resourceRequests().length, 1);
				assert.deepEqual(await listFiles(work.dir), []);
			});
		}

		it('takes the log id from X-Tt-Logid when the body has none', async () => {
			const resource = serve(1000, { fault: () => ({ kind: 'status', status: 400, code: 234003, msg: 'File not in msg.', extra: { error: {} } }) });
			const error = await expectFailure(download(resource));
			assert.equal(error.logId, 'header-log-id');
		});

		it('reports a missing scope by name and does not retry', async () => {
			const resource = serve(1000, {
				fault: () => ({ kind: 'status', status: 403, code: 99991672, msg: 'scope not enabled', extra: { error: { permission_violations: [{ subject: 'im:message:readonly' }] } } }),
			});
			const error = await expectFailure(download(resource));
			assert.equal(error.type, 'scope');
			assert.match(error.message, /missing scope: im:message/);
			assert.equal(server.resourceRequests().length, 1);
		});

		it('reports a key that is not in the message as not_found (234003), once', async () => {
			serve(1000);
			const error = await expectFailure(harness.engine.download({ messageId: 'om_other', fileKey: 'file_v3_key1', type: 'file' }, { root: work.dir }));
			assert.equal(error.type, 'not_found');
			assert.equal(error.code, 234003);
			assert.equal(server.resourceRequests().length, 1);
		});

		it('refreshes an expired tenant token once and retries', async () => {
			const resource = serve(300 * KiB);
			await download(resource);
			const firstToken = String(server.resourceRequests()[0]?.headers.authorization).slice(7);
			server.expireToken(firstToken);
			const second = await download(resource, { onConflict: 'overwrite' });
			assert.equal(await sha256File(second.savedPath), sha256(resource.data));
			assert.equal(server.tokenRequests().length, 2, 'one token per lifetime, one refresh');
		});

		it('caches the tenant token across downloads', async () => {
			const resource = serve(1000);
			await download(resource);
			await download(resource);
			assert.equal(server.tokenRequests().length, 1);
		});

		it('fails a rejected user token as auth (it cannot be refreshed) without a retry storm', async () => {
			const token = server.issueUserToken();
			server.expireToken(token);
			const user = userHarness(server, token);
			try {
				const resource = serve(1000);
				const error = await expectFailure(user.engine.download({ messageId: resource.messageId, fileKey: resource.fileKey, type: 'file' }, { root: work.dir }));
				assert.equal(error.type, 'auth');
				assert.equal(error.code, 99991677);
				assert.equal(server.resourceRequests().length, 1);
			} finally {
				await user.close();
			}
		});
	});

	describe('naming and conflicts', () => {
		const cases: [string, string | undefined, string | undefined, string][] = [
			['raw UTF-8 in a plain filename, as Lark sends it', larkContentDisposition('季度报告.pdf'), 'application/pdf', '季度报告.pdf'],
			['RFC 5987 filename* wins', rfc5987ContentDisposition('季度报告.pdf'), 'application/pdf', '季度报告.pdf'],
			['a percent-encoded plain filename is the real name, kept literally', 'attachment; filename="%E5%AD%A3%E5%BA%A6.pdf"', 'application/pdf', '%E5%AD%A3%E5%BA%A6.pdf'],
			['latin1 bytes that are not UTF-8 stay latin1', 'attachment; filename="caf\u00e9.txt"', 'text/plain', 'café.txt'],
			['plain filename', 'attachment; filename="report final.xlsx"', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'report final.xlsx'],
			['path parts stripped', 'attachment; filename="../../etc/passwd.txt"', 'text/plain', 'passwd.txt'],
			['Windows path stripped', 'attachment; filename="C:\\\\Windows\\\\evil.exe"', 'application/octet-stream', 'evil.exe'],
			['Windows reserved name made safe', 'attachment; filename="CON.txt"', 'text/plain', '_CON.txt'],
			['illegal characters replaced', 'attachment; filename="a<b>c:d|e?.txt"', 'text/plain', 'a_b_c_d_e_.txt'],
			['no Content-Disposition: key + MIME extension', undefined, 'image/jpeg', 'file_v3_key1.jpg'],
			['no Content-Disposition, video', undefined, 'video/mp4', 'file_v3_key1.mp4'],
		];
		for (const [title, disposition, contentType, expected] of cases) {
			it(title, async () => {
				const resource = serve(100, { contentDisposition: disposition, contentType });
				const result = await download(resource);
				assert.equal(path.basename(result.savedPath), expected);
				assert.deepEqual(await listFiles(work.dir), [expected]);
			});
		}

		it('adds the server extension to an --output without one, inside the requested folder', async () => {
			const resource = serve(100, { contentDisposition: 'attachment; filename="server.pdf"' });
			const result = await download(resource, { output: 'docs/mine' });
			assert.equal(result.savedPath, path.join(work.dir, 'docs', 'mine.pdf'));
		});

		it('keeps both files by default: name (1).ext', async () => {
			const resource = serve(100, { contentDisposition: 'attachment; filename="a.pdf"' });
			await fs.writeFile(path.join(work.dir, 'a.pdf'), 'precious');
			const result = await download(resource);
			assert.equal(path.basename(result.savedPath), 'a (1).pdf');
			assert.equal(await fs.readFile(path.join(work.dir, 'a.pdf'), 'utf8'), 'precious');
		});

		it('--on-conflict fail refuses and leaves the existing file untouched', async () => {
			const resource = serve(100, { contentDisposition: 'attachment; filename="a.pdf"' });
			await fs.writeFile(path.join(work.dir, 'a.pdf'), 'precious');
			const error = await expectFailure(download(resource, { onConflict: 'fail' }));
			assert.equal(error.type, 'io');
			assert.deepEqual(await listFiles(work.dir), ['a.pdf']);
			assert.equal(await fs.readFile(path.join(work.dir, 'a.pdf'), 'utf8'), 'precious');
		});

		it('--on-conflict overwrite replaces the file', async () => {
			const resource = serve(100, { contentDisposition: 'attachment; filename="a.pdf"' });
			await fs.writeFile(path.join(work.dir, 'a.pdf'), 'old');
			const result = await download(resource, { onConflict: 'overwrite' });
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.deepEqual(await listFiles(work.dir), ['a.pdf']);
		});
	});

	describe('where files may go', () => {
		for (const output of ['/tmp/evil.bin', '../evil.bin', 'a/../../evil.bin', 'C:\\evil.bin']) {
			it(`refuses --output ${output} before any request`, async () => {
				const resource = serve(100);
				const error = await expectFailure(download(resource, { output }));
				assert.equal(error.type, 'validation');
				assert.equal(server.requests.length, 0);
			});
		}

		it('refuses a symlinked folder that points outside the root, before any request', async () => {
			const outside = await tempDir('lark-dl-outside-');
			try {
				await fs.symlink(outside.dir, path.join(work.dir, 'link'));
				const resource = serve(100);
				const error = await expectFailure(download(resource, { output: 'link/file.bin' }));
				assert.equal(error.type, 'validation');
				assert.match(error.message, /symlink/);
				assert.equal(server.requests.length, 0);
				assert.deepEqual(await listFiles(outside.dir), []);
			} finally {
				await outside.cleanup();
			}
		});

		it('allows a symlink that stays inside the root', async () => {
			await fs.mkdir(path.join(work.dir, 'real'));
			await fs.symlink(path.join(work.dir, 'real'), path.join(work.dir, 'alias'));
			const resource = serve(100);
			const result = await download(resource, { output: 'alias/f.bin' });
			assert.equal(result.savedPath, path.join(work.dir, 'real', 'f.bin'));
		});

		it('creates missing parent folders', async () => {
			const resource = serve(100);
			const result = await download(resource, { output: 'a/b/c/file.pdf' });
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
		});
	});

	describe('progress, cancellation and what stays on disk', () => {
		it('reports byte-accurate progress that ends at the total', async () => {
			const resource = serve(PROBE + 600 * KiB);
			await download(resource);
			const progress = harness.events.filter((e) => e.kind === 'progress');
			const last = progress.at(-1);
			assert.ok(last?.kind === 'progress');
			assert.equal(last.bytesDone, resource.data.length);
			assert.equal(last.totalBytes, resource.data.length);
			assert.deepEqual(harness.events.map((e) => e.kind).filter((k) => k !== 'progress'), ['started', 'finished']);
		});

		it('on success leaves only the final file', async () => {
			const resource = serve(PROBE * 3 + 7);
			await download(resource);
			assert.deepEqual(await listFiles(work.dir), ['file_v3_key1.pdf']);
		});

		it('cancel stops at once: no final file, only the resumable .part and its record', async () => {
			const resource = serve(2 * 1024 * KiB, { fault: ({ index }) => (index === 2 ? { kind: 'stall', afterBytes: 1000 } : undefined) });
			const controller = new AbortController();
			const promise = download(resource, {
				signal: controller.signal,
				onEvent: (e) => {
					if (e.kind === 'progress' && e.bytesDone >= PROBE + 256 * KiB + 1000) {
						setTimeout(() => controller.abort(), 50);
					}
				},
			});
			const error = await expectFailure(promise);
			assert.equal(error.type, 'cancelled');
			const files = await listFiles(work.dir);
			assert.ok(files.includes('file_v3_key1.pdf.part'));
			assert.ok(!files.includes('file_v3_key1.pdf'));
			assert.equal(files.length, 2, `only .part + record: ${files.join(', ')}`);
		});

		it('after a failure nothing but the .part (and its resume record) remains; a rerun requests only the missing ranges', async () => {
			const size = PROBE + 4 * 256 * KiB;
			const failing = new Set([2, 3, 4, 5, 6]);
			const resource = serve(size, { fault: ({ index }) => (failing.has(index) ? { kind: 'reset' } : undefined) });
			const error = await expectFailure(download(resource));
			assert.equal(error.type, 'network');
			assert.deepEqual((await listFiles(work.dir)).filter((f) => !f.startsWith('.lark-dl-')), ['file_v3_key1.pdf.part']);
			const before = server.resourceRequests().length;
			const result = await download(resource);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.equal(result.sha256, sha256(resource.data), 'the hash made while writing covers the bytes the first run left');
			const rerun = ranges().slice(before);
			assert.deepEqual(rerun, [
				`bytes=${PROBE + 256 * KiB}-${PROBE + 512 * KiB - 1}`,
				`bytes=${PROBE + 512 * KiB}-${PROBE + 768 * KiB - 1}`,
				`bytes=${PROBE + 768 * KiB}-${size - 1}`,
			]);
			assert.equal(result.resumedBytes, PROBE + 256 * KiB);
			assert.deepEqual(await listFiles(work.dir), ['file_v3_key1.pdf']);
		});

		it('starts over cleanly when the ETag changed since the interruption (same size)', async () => {
			const size = PROBE + 2 * 256 * KiB;
			const resource = serve(size, { etag: '"v1"', fault: ({ index }) => (index >= 2 && index <= 6 ? { kind: 'reset' } : undefined) });
			await expectFailure(download(resource));
			const record = (await listFiles(work.dir)).find((f) => f.startsWith('.lark-dl-'));
			assert.ok(record);
			assert.match(await fs.readFile(path.join(work.dir, record), 'utf8'), /"validator":"\\"v1\\""/);
			resource.data = bytes(size);
			resource.etag = '"v2"';
			const result = await download(resource);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.ok(harness.events.some((e) => e.kind === 'restarted'));
		});

		it('starts over cleanly when the resource changed size since the interruption', async () => {
			const size = PROBE + 2 * 256 * KiB;
			const resource = serve(size, { fault: ({ index }) => (index >= 2 && index <= 6 ? { kind: 'reset' } : undefined) });
			await expectFailure(download(resource));
			resource.data = bytes(size + 10);
			const result = await download(resource);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.ok(harness.events.some((e) => e.kind === 'restarted'));
			assert.deepEqual(await listFiles(work.dir), ['file_v3_key1.pdf']);
		});
	});
});
