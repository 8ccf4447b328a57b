// A hostile server and a hostile download folder (docs/security.md): planted links, tampered resume records,
// answers of the wrong size, absurd sizes, credentials redirected elsewhere. Each test checks what is on disk
// afterwards, byte for byte, and what was sent where.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OAuthClient } from '../../../../src/core/auth/oauthClient';
import { TenantTokenProvider } from '../../../../src/core/auth/tenantTokenProvider';
import type { DownloadEngine } from '../../../../src/core/download/downloadEngine';
import { openExistingPart } from '../../../../src/core/download/partFile';
import { resourceIdentity, resourceLockPath, resumeRecordPath } from '../../../../src/core/download/resumeState';
import { describeChange } from '../../../../src/core/download/validators';
import type { LarkError } from '../../../../src/core/errors';
import { HttpClient } from '../../../../src/core/http/httpClient';
import { USER_AGENT } from '../../../../src/core/version';
import { botHarness, startLoopbackEngine, stopLoopbackEngine, type Harness } from '../../../support/engineHarness';
import { bytes, listFiles, sha256, sha256File, tempDir } from '../../../support/fixtures';
import { LarkTestServer, sendJson, type ServedResource } from '../../../support/larkServer';

const KiB = 1024;
const PROBE = 128 * KiB;
const NAME = 'file_v3_key1.pdf';

describe('a hostile server, a hostile folder', () => {
	let server: LarkTestServer;
	let work: { dir: string; cleanup: () => Promise<void> };
	let outside: { dir: string; cleanup: () => Promise<void> };
	let victim: string;
	const victimBytes = Buffer.from('the user\'s own file, outside the download folder\n');
	let harness: Harness;

	beforeEach(async () => {
		({ server, work, harness } = await startLoopbackEngine());
		outside = await tempDir();
		victim = path.join(outside.dir, 'victim.txt');
		await fs.writeFile(victim, victimBytes);
	});

	afterEach(async () => {
		await stopLoopbackEngine({ server, work, harness });
		await outside.cleanup();
	});

	function serve(size: number, extra: Partial<ServedResource> = {}): ServedResource {
		return server.addResource({ messageId: 'om_msg1', fileKey: 'file_v3_key1', type: 'file', data: bytes(size), contentType: 'application/pdf', ...extra });
	}

	function download(resource: ServedResource, options: Partial<Parameters<DownloadEngine['download']>[1]> = {}) {
		return harness.engine.download({ messageId: resource.messageId, fileKey: resource.fileKey, type: resource.type }, { root: work.dir, partSize: 256 * KiB, concurrency: 1, ...options });
	}

	async function failure(promise: Promise<unknown>): Promise<LarkError> {
		return promise.then(() => assert.fail('expected a failure'), (error: LarkError) => error);
	}

	async function assertVictimIntact(): Promise<void> {
		assert.deepEqual(await fs.readFile(victim), victimBytes, 'the file outside the folder is untouched');
		assert.ok((await fs.lstat(victim)).isFile());
	}

	/** An interrupted ranged download: a .part and its record, as a real first run leaves them. */
	async function interrupted(size: number): Promise<ServedResource> {
		const failing = new Set([2, 3, 4, 5, 6]);
		const resource = serve(size, { fault: ({ index }) => (failing.has(index) ? { kind: 'reset' } : undefined) });
		assert.equal((await failure(download(resource))).type, 'network');
		resource.fault = undefined;
		return resource;
	}

	const recordFile = async (): Promise<string> => {
		const name = (await listFiles(work.dir)).find((f) => f.startsWith('.lark-dl-') && f.endsWith('.resume.json'));
		assert.ok(name, 'a resume record');
		return path.join(work.dir, name);
	};

	describe('planted links', () => {
		for (const policy of ['overwrite', 'rename'] as const) {
			it(`a symlinked .part is never opened (--on-conflict ${policy}): the link and the outside file stay, a plain file is saved beside`, async () => {
				const resource = serve(300 * KiB);
				const planted = path.join(work.dir, `${NAME}.part`);
				await fs.symlink(victim, planted);
				const result = await download(resource, { onConflict: policy });
				await assertVictimIntact();
				assert.equal(await fs.readlink(planted), victim, 'the planted link is not ours to touch');
				assert.equal(result.savedPath, path.join(work.dir, 'file_v3_key1 (1).pdf'));
				assert.ok((await fs.lstat(result.savedPath)).isFile());
				assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			});
		}

		it('a hard-linked .part (another name of an outside file) is never written either', async () => {
			const resource = serve(300 * KiB);
			const planted = path.join(work.dir, `${NAME}.part`);
			try {
				await fs.link(victim, planted);
			} catch {
				return; // the two temp dirs are on different file systems: no hard link possible, nothing to test
			}
			const result = await download(resource, { onConflict: 'overwrite' });
			await assertVictimIntact();
			assert.notEqual(result.savedPath, path.join(work.dir, NAME));
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
		});

		it('openExistingPart refuses a symlink and a hard link with a clear io error', async () => {
			const link = path.join(work.dir, 'a.part');
			await fs.symlink(victim, link);
			const symlinkError = await failure(openExistingPart(link, { truncate: true }));
			assert.equal(symlinkError.type, 'io');
			assert.match(symlinkError.message, /symbolic link.*refusing to write through it/);
			const hard = path.join(work.dir, 'b.part');
			if (await fs.link(victim, hard).then(() => true, () => false)) {
				assert.match((await failure(openExistingPart(hard, { truncate: true }))).message, /hard link/);
			}
			await assertVictimIntact();
		});

		it('a record plus a symlinked .part: the record is dropped, the link untouched, a plain file saved', async () => {
			const resource = await interrupted(PROBE + 4 * 256 * KiB);
			const part = path.join(work.dir, `${NAME}.part`);
			await fs.rm(part);
			await fs.symlink(victim, part);
			const result = await download(resource);
			await assertVictimIntact();
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.ok((await fs.lstat(result.savedPath)).isFile(), 'the saved file is a regular file, not a link');
			assert.equal(result.resumedBytes, 0, 'nothing taken from the link');
		});

		it('a link standing at the final name is never written through (overwrite): refused, nothing left behind', async () => {
			const resource = serve(300 * KiB);
			await fs.symlink(victim, path.join(work.dir, NAME));
			const error = await failure(download(resource, { onConflict: 'overwrite' }));
			assert.equal(error.type, 'validation');
			assert.match(error.message, /outside the download folder through a symlink/);
			await assertVictimIntact();
			assert.deepEqual(await listFiles(work.dir), [NAME], 'only the planted link: no .part, no record, no lock');
		});
	});

	describe('tampered resume records', () => {
		it('a record naming an ordinary file of the user as its .part is discarded: the file stays, the download is whole', async () => {
			const resource = await interrupted(PROBE + 4 * 256 * KiB);
			const notes = path.join(work.dir, 'notes.txt');
			const notesBytes = Buffer.from('my notes — must survive\n'.repeat(20_000));
			await fs.writeFile(notes, notesBytes);
			const file = await recordFile();
			const record = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
			await fs.writeFile(file, JSON.stringify({ ...record, partName: 'notes.txt', completed: [[0, notesBytes.length]] }));
			const result = await download(resource);
			assert.deepEqual(await fs.readFile(notes), notesBytes, 'notes.txt untouched');
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.equal(result.resumedBytes, 0);
		});

		for (const [title, change] of [
			['ranges beyond its size', (r: Record<string, unknown>) => ({ ...r, completed: [[0, Number(r.total) + 10]] })],
			['overlapping ranges', () => ({ completed: [[0, 100], [50, 200]] })],
			['a file name with a folder in it', () => ({ fileName: '../escaped.pdf', partName: '../escaped.pdf.part' })],
			['a hidden file name', () => ({ fileName: '.bashrc', partName: '.bashrc.part' })],
		] as const) {
			it(`a record with ${title} is not trusted`, async () => {
				const resource = await interrupted(PROBE + 2 * 256 * KiB);
				const file = await recordFile();
				const record = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
				await fs.writeFile(file, JSON.stringify({ ...record, ...change(record) }));
				const result = await download(resource);
				assert.equal(result.savedPath, path.join(work.dir, NAME));
				assert.equal(await sha256File(result.savedPath), sha256(resource.data));
				assert.equal(result.resumedBytes, 0);
				assert.deepEqual(await listFiles(work.dir), [NAME], 'the stale .part and record are cleaned, no "(1)" copy');
			});
		}

		it('a record claiming more than its .part holds (a power cut) starts over under the same name instead of failing forever', async () => {
			const resource = await interrupted(PROBE + 4 * 256 * KiB);
			await fs.truncate(path.join(work.dir, `${NAME}.part`), 1000);
			const result = await download(resource);
			assert.equal(result.savedPath, path.join(work.dir, NAME));
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.deepEqual(await listFiles(work.dir), [NAME]);
		});
	});

	describe('nothing stuck', () => {
		it('a .part of ours without a record (a crash before it was written) is reused: the rerun gets the name', async () => {
			const resource = serve(300 * KiB);
			await fs.writeFile(path.join(work.dir, `${NAME}.part`), bytes(5000));
			const result = await download(resource);
			assert.equal(result.savedPath, path.join(work.dir, NAME));
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.deepEqual(await listFiles(work.dir), [NAME]);
		});

		it('another download\'s .part (its record names it) is left alone: waiting to be resumed', async () => {
			const other = await interrupted(PROBE + 2 * 256 * KiB); // file_v3_key1.pdf.part + its record
			const second = server.addResource({ messageId: 'om_msg2', fileKey: 'file_v3_key2', type: 'file', data: bytes(200 * KiB), contentType: 'application/pdf' });
			const result = await download(second, { output: NAME, onConflict: 'overwrite' });
			assert.equal(result.savedPath, path.join(work.dir, 'file_v3_key1 (1).pdf'));
			const resumed = await download(other);
			assert.equal(resumed.savedPath, path.join(work.dir, NAME));
			assert.ok(resumed.resumedBytes > 0, 'the first download still resumes');
			assert.equal(await sha256File(resumed.savedPath), sha256(other.data));
		});

		it('an interrupted download asked again for another output cleans its old .part', async () => {
			const resource = await interrupted(PROBE + 2 * 256 * KiB);
			const result = await download(resource, { output: 'a.bin' });
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.deepEqual(await listFiles(work.dir), ['a.bin'], 'no stale .part or record of the first attempt');
		});

		it('a crash between linking the file into place and removing the .part: the rerun sees it is done', async () => {
			const resource = await interrupted(PROBE + 2 * 256 * KiB);
			const part = path.join(work.dir, `${NAME}.part`);
			// finish the download for real, then put the state back to "linked, .part not yet removed"
			const done = await download(resource);
			await fs.link(done.savedPath, part);
			const file = await recordFile().catch(() => undefined);
			assert.equal(file, undefined, 'the record went with the successful run');
			await fs.writeFile(resumeRecordPath(work.dir, resourceIdentity({ messageId: resource.messageId, fileKey: resource.fileKey, type: 'file' }, server.baseUrl)), JSON.stringify({
				version: 1, resource: resourceIdentity({ messageId: resource.messageId, fileKey: resource.fileKey, type: 'file' }, server.baseUrl), fileName: NAME, partName: `${NAME}.part`,
				requested: null, total: resource.data.length, completed: [[0, resource.data.length]],
			}));
			const before = server.resourceRequests().length;
			const again = await download(resource);
			assert.equal(again.savedPath, done.savedPath);
			assert.equal(server.resourceRequests().length, before, 'nothing downloaded again');
			assert.deepEqual(await listFiles(work.dir), [NAME], 'no second name, no "(1)" copy');
		});

		it('the same after a whole-body download (the server ignored Range), whose record cannot resume', async () => {
			const resource = serve(200 * KiB, { ignoreRange: true });
			const done = await download(resource);
			await fs.link(done.savedPath, path.join(work.dir, `${NAME}.part`));
			const identity = resourceIdentity({ messageId: resource.messageId, fileKey: resource.fileKey, type: 'file' }, server.baseUrl);
			await fs.writeFile(resumeRecordPath(work.dir, identity), JSON.stringify({ version: 1, resource: identity, fileName: NAME, partName: `${NAME}.part`, requested: null, total: null, completed: [] }));
			const before = server.resourceRequests().length;
			const again = await download(resource);
			assert.equal(again.savedPath, done.savedPath);
			assert.equal(server.resourceRequests().length, before);
			assert.deepEqual(await listFiles(work.dir), [NAME]);
		});

		it('a second download of the same resource while the first runs is refused clearly; the first finishes intact', async () => {
			const resource = serve(PROBE + 4 * 256 * KiB, { fault: ({ index }) => (index === 1 ? { kind: 'stall', afterBytes: 1000 } : undefined) });
			const slow = botHarness(server, { idleTimeoutMs: 300 }); // the stalled part fails after 300 ms, then is retried
			try {
				const ref = { messageId: resource.messageId, fileKey: resource.fileKey, type: resource.type };
				const first = slow.engine.download(ref, { root: work.dir, partSize: 256 * KiB, concurrency: 1 });
				while (server.resourceRequests().length < 2) {
					await new Promise((resolve) => setTimeout(resolve, 5));
				}
				const error = await failure(download(resource));
				assert.equal(error.type, 'io');
				assert.match(error.message, /is busy: another run \(process \d+\) is using it/);
				const result = await first;
				assert.equal(await sha256File(result.savedPath), sha256(resource.data), 'the first run is not disturbed');
				assert.deepEqual(await listFiles(work.dir), [NAME]);
			} finally {
				await slow.close();
			}
		});

		it('the lock of a process that is gone is taken over', async () => {
			const resource = serve(100 * KiB);
			const identity = resourceIdentity({ messageId: resource.messageId, fileKey: resource.fileKey, type: 'file' }, server.baseUrl);
			await fs.writeFile(resourceLockPath(resumeRecordPath(work.dir, identity)), JSON.stringify({ pid: 2 ** 22 + 17, host: os.hostname() }));
			const result = await download(resource);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.deepEqual(await listFiles(work.dir), [NAME]);
		});
	});

	describe('a resource that changed between runs', () => {
		it('with only Last-Modified (no ETag): the rerun asks If-Range and gets the new version whole, never a splice', async () => {
			const size = PROBE + 4 * 256 * KiB;
			const failing = new Set([2, 3, 4, 5, 6]);
			const resource = serve(size, { lastModified: 'Mon, 30 Nov 2026 10:00:00 GMT', fault: ({ index }) => (failing.has(index) ? { kind: 'reset' } : undefined) });
			assert.equal((await failure(download(resource))).type, 'network');
			assert.match(await fs.readFile(await recordFile(), 'utf8'), /"lastModified":"Mon, 30 Nov 2026 10:00:00 GMT"/);
			resource.fault = undefined;
			resource.data = bytes(size);
			resource.lastModified = 'Tue, 01 Dec 2026 09:00:00 GMT';
			const before = server.resourceRequests().length;
			const result = await download(resource);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data), 'exactly the new version');
			const [first] = server.resourceRequests().slice(before);
			assert.equal(first?.headers['if-range'], 'Mon, 30 Nov 2026 10:00:00 GMT');
		});

		it('describeChange: an ETag or a Last-Modified that differs is a change; a missing one says nothing', () => {
			assert.match(describeChange({ etag: '"a"' }, { etag: '"b"' }) ?? '', /ETag/);
			assert.match(describeChange({ lastModified: 'x' }, { lastModified: 'y' }) ?? '', /Last-Modified/);
			assert.equal(describeChange({ etag: '"a"', lastModified: 'x' }, { etag: '"a"', lastModified: 'x' }), undefined);
			assert.equal(describeChange({}, { etag: '"a"' }), undefined);
		});
	});

	describe('durability', () => {
		it('every resume record is written only after the .part was synced (a power cut cannot leave claims without bytes)', async () => {
			const events: string[] = [];
			const probe = await fs.open(path.join(work.dir, 'probe'), 'w');
			const handleProto = Object.getPrototypeOf(probe) as { datasync: (...args: unknown[]) => Promise<void> };
			await probe.close();
			const originalSync = handleProto.datasync;
			const originalRename = fs.rename;
			handleProto.datasync = function (this: unknown, ...args: unknown[]) {
				events.push('sync');
				return originalSync.apply(this, args);
			};
			fs.rename = (async (from: string, to: string) => {
				if (String(to).endsWith('.resume.json')) {
					events.push('record');
				}
				return originalRename(from, to);
			}) as typeof fs.rename;
			try {
				await interrupted(PROBE + 4 * 256 * KiB);
			} finally {
				handleProto.datasync = originalSync;
				fs.rename = originalRename;
			}
			assert.ok(events.filter((e) => e === 'record').length >= 2, events.join(' '));
			events.forEach((event, i) => {
				if (event === 'record') {
					assert.equal(events[i - 1], 'sync', `record #${i} without a sync before it: ${events.join(' ')}`);
				}
			});
		});
	});

	describe('a plain GET that Lark refuses as too large (234037)', () => {
		it('is explained as such, after the ranged probe was refused', async () => {
			const resource = serve(300 * KiB, { fault: ({ range }) => (range !== undefined ? { kind: 'html', status: 400 } : { kind: 'status', status: 400, code: 234037, msg: 'Downloaded file size exceeds limit.' }) });
			const error = await failure(download(resource));
			assert.equal(error.code, 234037);
			assert.match(error.hint ?? '', /too large|this large/);
			assert.deepEqual(server.resourceRequests().map((r) => r.headers.range ?? 'plain'), ['bytes=0-131071', 'plain']);
		});
	});

	describe('answers of the wrong size', () => {
		for (const delta of [1000, -1000]) {
			it(`a whole-body restart without Content-Length delivering ${delta > 0 ? 'more' : 'less'} than the declared size is never saved`, async () => {
				const size = PROBE + 2 * 256 * KiB;
				// probe 206 (size known), then the server ignores Range, then answers 200 unframed with size ± 1000
				const resource = serve(size, { fault: ({ index }) => (index === 0 ? undefined : index === 1 ? { kind: 'ignoreRange' } : { kind: 'unframed', bytes: size + delta }) });
				const error = await failure(download(resource));
				assert.ok(['protocol', 'network'].includes(error.type), `${error.type}: ${error.message}`);
				assert.deepEqual((await listFiles(work.dir)).filter((f) => !f.startsWith('.lark-dl-')), [], 'no file of the wrong size, no .part');
			});
		}

		it('a Content-Range total of 1 PiB fails at once with a protocol error, nothing planned or written', async () => {
			const resource = serve(300 * KiB, { fault: () => ({ kind: 'total', total: 2 ** 50 }) });
			const started = process.memoryUsage().heapUsed;
			const error = await failure(download(resource));
			assert.equal(error.type, 'protocol');
			assert.match(error.message, /more than any Lark file can have/);
			assert.ok(process.memoryUsage().heapUsed - started < 64 * 1024 * 1024, 'no part list was built');
			assert.deepEqual(await listFiles(work.dir), []);
			assert.equal(server.resourceRequests().length, 1);
		});
	});

	describe('credentials and redirects', () => {
		let elsewhere: LarkTestServer;
		beforeEach(async () => {
			elsewhere = await new LarkTestServer({ hostName: 'localhost' }).start();
		});
		afterEach(async () => {
			await elsewhere.stop();
		});

		const redirectTo = (target: LarkTestServer, pattern: RegExp): void => {
			server.route('POST', pattern, (req, res) => {
				res.writeHead(307, { location: `${target.baseUrl}${req.url ?? ''}` });
				res.end();
			});
		};

		it('a 307 from the tenant-token endpoint to another host: app_secret is not posted there', async () => {
			redirectTo(elsewhere, /^\/open-apis\/auth\/v3\/tenant_access_token\/internal$/);
			const http = new HttpClient();
			try {
				const tokens = new TenantTokenProvider(http, server.baseUrl, server.appId, server.appSecret, USER_AGENT);
				const error = await failure(tokens.getToken());
				assert.equal(error.type, 'protocol');
				assert.match(error.message, /Refusing to send credentials/);
				assert.deepEqual(elsewhere.requests, [], 'nothing reached the other host');
			} finally {
				await http.close();
			}
		});

		it('a 307 from the OAuth token endpoint: client_secret and refresh token are not posted to another host', async () => {
			redirectTo(elsewhere, /^\/open-apis\/authen\/v2\/oauth\/token$/);
			const http = new HttpClient();
			try {
				const client = new OAuthClient(http, { appId: server.appId, appSecret: server.appSecret, baseUrl: server.baseUrl, accountsUrl: server.baseUrl }, USER_AGENT);
				const error = await failure(client.token({ grant_type: 'refresh_token', refresh_token: 'r-secret-refresh' }));
				assert.match(error.message, /Refusing to send credentials/);
				assert.deepEqual(elsewhere.requests, []);
			} finally {
				await http.close();
			}
		});

		it('an HTML 502 from the token endpoint is a server error (api, retried), not bad credentials', async () => {
			let calls = 0;
			server.route('POST', /^\/open-apis\/auth\/v3\/tenant_access_token\/internal$/, (_req, res) => {
				if (++calls > 2) {
					return false; // then the real endpoint answers
				}
				res.writeHead(502, { 'content-type': 'text/html' });
				res.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
				return true;
			});
			const resource = serve(100 * KiB);
			const result = await download(resource);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.equal(calls, 3, 'two 502s retried, then a token');
		});

		it('the same rule for the error type when the 502 persists', async () => {
			server.route('POST', /^\/open-apis\/auth\/v3\/tenant_access_token\/internal$/, (_req, res) => {
				sendJson(res, 502, { code: 502, msg: 'bad gateway' });
			});
			const error = await failure(download(serve(100 * KiB)));
			assert.equal(error.type, 'api');
			assert.equal(error.retryable, true);
		});
	});
});
