import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { larkContentDisposition } from '../../support/contentDisposition';
import { bytes, listFiles, sha256, sha256File, tempDir } from '../../support/fixtures';
import { LarkTestServer, type ServedResource } from '../../support/larkServer';
import { botEnv, runCli, startCli } from '../../support/runCli';

const KiB = 1024;

describe('lark-dl download (the built CLI)', () => {
	let server: LarkTestServer;
	let work: { dir: string; cleanup: () => Promise<void> };
	let resource: ServedResource;
	let env: Record<string, string>;

	beforeEach(async () => {
		server = await new LarkTestServer().start();
		work = await tempDir();
		resource = server.addResource({
			messageId: 'om_cli1', fileKey: 'file_v3_cli', type: 'file', data: bytes(300 * KiB),
			// as the real server sends it: raw UTF-8 bytes in a plain filename (docs/lark-api.md §4.11)
			contentType: 'application/pdf', contentDisposition: larkContentDisposition('合同.pdf'),
		});
		env = botEnv(server);
	});

	afterEach(async () => {
		await server.stop();
		await work.cleanup();
	});

	const baseArgs = () => ['download', '--message-id', resource.messageId, '--file-key', resource.fileKey, '--type', resource.type];

	function parseError(stderr: string): { ok: boolean; error: Record<string, unknown> } {
		return JSON.parse(stderr) as { ok: boolean; error: Record<string, unknown> };
	}

	it('downloads and prints exactly the success envelope on stdout, nothing on a non-TTY stderr', async () => {
		const result = await runCli(baseArgs(), { cwd: work.dir, env });
		assert.equal(result.status, 0, result.stderr);
		assert.equal(result.stderr, '');
		const saved = path.join(work.dir, '合同.pdf');
		assert.deepEqual(JSON.parse(result.stdout), { ok: true, identity: 'bot', data: { saved_path: saved, size_bytes: resource.data.length } });
		assert.equal(await sha256File(saved), sha256(resource.data));
		assert.deepEqual(await listFiles(work.dir), ['.lark-manifest.json', '合同.pdf'], 'the UTF-8 name on disk and the folder\'s download record, nothing else');
	});

	it('--as auto uses the user token when there is one, and reports it', async () => {
		const token = server.issueUserToken();
		const result = await runCli(baseArgs(), { cwd: work.dir, env: { ...env, LARK_USER_ACCESS_TOKEN: token } });
		assert.equal(result.status, 0, result.stderr);
		assert.equal((JSON.parse(result.stdout) as { identity: string }).identity, 'user');
		assert.equal(server.resourceRequests()[0]?.headers.authorization, `Bearer ${token}`);
		assert.equal(server.tokenRequests().length, 0);
	});

	it('--as bot uses the tenant token even when a user token is set', async () => {
		const result = await runCli([...baseArgs(), '--as', 'bot'], { cwd: work.dir, env: { ...env, LARK_USER_ACCESS_TOKEN: 'u-unused' } });
		assert.equal(result.status, 0, result.stderr);
		assert.equal((JSON.parse(result.stdout) as { identity: string }).identity, 'bot');
		assert.match(String(server.resourceRequests()[0]?.headers.authorization), /^Bearer t-/);
	});

	it('prints a typed failure envelope on stderr with code, hint and log id, and exits non-zero', async () => {
		resource.fault = () => ({ kind: 'status', status: 400, code: 234002, msg: 'no permission' });
		const result = await runCli(baseArgs(), { cwd: work.dir, env });
		assert.notEqual(result.status, 0);
		assert.equal(result.stdout, '');
		const body = parseError(result.stderr);
		assert.equal(body.ok, false);
		assert.equal(body.error.type, 'permission');
		assert.equal(body.error.code, 234002);
		assert.equal(body.error.log_id, 'log-234002');
		assert.match(String(body.error.hint), /not a missing API scope/);
		assert.equal(server.resourceRequests().length, 1, 'never retried');
		assert.deepEqual(await listFiles(work.dir), []);
	});

	const invalid: [string, string[]][] = [
		['a message id without om_', ['download', '--message-id', 'xx_1', '--file-key', 'k', '--type', 'file']],
		['a file key with a slash', ['download', '--message-id', 'om_1', '--file-key', 'a/b', '--type', 'file']],
		['an empty file key', ['download', '--message-id', 'om_1', '--file-key', ' ', '--type', 'file']],
		['type audio', ['download', '--message-id', 'om_1', '--file-key', 'k', '--type', 'audio']],
		['an absolute --output', ['download', '--message-id', 'om_1', '--file-key', 'k', '--type', 'file', '--output', '/tmp/x.bin']],
		['a .. --output', ['download', '--message-id', 'om_1', '--file-key', 'k', '--type', 'file', '--output', '../x.bin']],
		['an unknown flag', ['download', '--message-id', 'om_1', '--file-key', 'k', '--type', 'file', '--skip-existing']],
		['a bad --on-conflict', ['download', '--message-id', 'om_1', '--file-key', 'k', '--type', 'file', '--on-conflict', 'skip']],
		['a bad --as', ['download', '--message-id', 'om_1', '--file-key', 'k', '--type', 'file', '--as', 'admin']],
	];
	for (const [title, args] of invalid) {
		it(`refuses ${title} with a validation error before any request`, async () => {
			const result = await runCli(args, { cwd: work.dir, env });
			assert.equal(result.status, 2);
			assert.equal(parseError(result.stderr).error.type, 'validation');
			assert.equal(server.requests.length, 0);
		});
	}

	it('refuses an --output through a symlink that leaves the working directory', async () => {
		const outside = await tempDir('lark-dl-outside-');
		try {
			await fs.symlink(outside.dir, path.join(work.dir, 'escape'));
			const result = await runCli([...baseArgs(), '--output', 'escape/x.pdf'], { cwd: work.dir, env });
			assert.equal(result.status, 2);
			assert.match(String(parseError(result.stderr).error.message), /symlink/);
			assert.equal(server.requests.length, 0);
			assert.deepEqual(await listFiles(outside.dir), []);
		} finally {
			await outside.cleanup();
		}
	});

	it('fails with an auth error naming what to set when there are no credentials', async () => {
		const result = await runCli(baseArgs(), { cwd: work.dir, env: { LARK_BASE_URL: server.baseUrl } });
		assert.equal(result.status, 3);
		const body = parseError(result.stderr);
		assert.equal(body.error.type, 'auth');
		assert.match(String(body.error.hint), /LARK_APP_ID/);
	});

	it('--dry-run sends nothing, writes nothing, and shows URL, redacted headers, identity and planned name', async () => {
		const result = await runCli([...baseArgs(), '--dry-run', '--output', 'out/contract'], { cwd: work.dir, env });
		assert.equal(result.status, 0, result.stderr);
		assert.equal(server.requests.length, 0, 'no token request either');
		assert.deepEqual(await listFiles(work.dir), []);
		const plan = JSON.parse(result.stdout) as { identity: string; request: { method: string; url: string; headers: Record<string, string> }; planned_output: string };
		assert.equal(plan.identity, 'bot');
		assert.equal(plan.request.method, 'GET');
		assert.equal(plan.request.url, `${server.baseUrl}/open-apis/im/v1/messages/om_cli1/resources/file_v3_cli?type=file`);
		assert.equal(plan.request.headers.Range, 'bytes=0-131071');
		assert.match(plan.request.headers.Authorization ?? '', /^Bearer <tenant_access_token redacted>$/);
		assert.match(plan.planned_output, /out\/contract \+ the extension/);
		assert.ok(!result.stdout.includes(server.appSecret));
	});

	for (const [brand, host] of [['feishu', 'https://open.feishu.cn'], ['lark', 'https://open.larksuite.com']]) {
		it(`LARK_BRAND=${brand} targets ${host}`, async () => {
			const result = await runCli([...baseArgs(), '--dry-run'], { cwd: work.dir, env: { LARK_APP_ID: 'a', LARK_APP_SECRET: 'b', LARK_BRAND: brand ?? '' } });
			assert.equal(result.status, 0, result.stderr);
			assert.ok((JSON.parse(result.stdout) as { request: { url: string } }).request.url.startsWith(`${host}/open-apis/`));
		});
	}

	it('never prints a secret or token, even when the server echoes them in an error', async () => {
		const token = server.issueUserToken();
		resource.fault = () => ({ kind: 'status', status: 400, code: 1234, msg: `bad token ${token} for secret ${server.appSecret}` });
		const result = await runCli(baseArgs(), { cwd: work.dir, env: { ...env, LARK_USER_ACCESS_TOKEN: token } });
		assert.notEqual(result.status, 0);
		for (const secret of [token, server.appSecret]) {
			assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), 'secret leaked');
		}
		assert.match(result.stderr, /\*\*\*/);
	});

	it('never prints the tenant token it obtained, when the server echoes it back (bot identity)', async () => {
		resource.fault = () => ({ kind: 'status', status: 400, code: 1234, msg: `token ${[...server.validTokens].join(' ')} is not allowed here` });
		const result = await runCli(baseArgs(), { cwd: work.dir, env });
		assert.notEqual(result.status, 0);
		const issued = [...server.validTokens].filter((t) => t.startsWith('t-'));
		assert.equal(issued.length, 1, 'a tenant token was issued and echoed');
		for (const secret of [...issued, server.appSecret]) {
			assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), `secret leaked: ${result.stderr}`);
		}
		assert.match(result.stderr, /token \*\*\* is not allowed here/);
	});

	it('without credentials: an auth error whose hint names the CLI\'s environment variables, before any request', async () => {
		const result = await runCli(baseArgs(), { cwd: work.dir, env: { LARK_BASE_URL: server.baseUrl } });
		assert.equal(result.status, 3);
		const error = parseError(result.stderr).error;
		assert.equal(error.reason, 'missing-credentials');
		assert.match(String(error.hint), /LARK_APP_ID and LARK_APP_SECRET/);
		assert.equal(server.requests.length, 0);
	});

	it('--on-conflict fail refuses an existing file; the default keeps both', async () => {
		await fs.writeFile(path.join(work.dir, '合同.pdf'), 'mine');
		const refused = await runCli([...baseArgs(), '--on-conflict', 'fail'], { cwd: work.dir, env });
		const conflict = parseError(refused.stderr).error;
		assert.equal(conflict.type, 'io');
		assert.equal(conflict.reason, 'file-exists');
		assert.match(String(conflict.hint), /--on-conflict rename/);
		const kept = await runCli(baseArgs(), { cwd: work.dir, env });
		assert.equal((JSON.parse(kept.stdout) as { data: { saved_path: string } }).data.saved_path, path.join(work.dir, '合同 (1).pdf'));
		assert.equal(await fs.readFile(path.join(work.dir, '合同.pdf'), 'utf8'), 'mine');
	});

	it('SIGINT cancels: exit 130, a cancelled envelope, no final file', async () => {
		resource.data = bytes(2048 * KiB);
		resource.fault = ({ index }) => (index === 1 ? { kind: 'stall', afterBytes: 10 } : undefined);
		const run = startCli([...baseArgs(), '--part-size', String(512 * KiB)], { cwd: work.dir, env });
		await waitFor(() => server.resourceRequests().length >= 2);
		run.child.kill('SIGINT');
		const result = await run.done;
		assert.equal(result.status, 130);
		assert.equal(parseError(result.stderr).error.type, 'cancelled');
		assert.ok(!(await listFiles(work.dir)).includes('合同.pdf'));
	});

	it('after kill -9 a rerun requests only the missing ranges and produces the exact bytes', async () => {
		const part = 256 * KiB;
		resource.data = bytes(128 * KiB + 4 * part);
		resource.fault = ({ index }) => (index === 3 ? { kind: 'stall', afterBytes: 1000 } : undefined);
		const args = [...baseArgs(), '--part-size', String(part), '--concurrency', '1'];
		const run = startCli(args, { cwd: work.dir, env });
		await waitFor(() => server.resourceRequests().length >= 4);
		await new Promise((resolve) => setTimeout(resolve, 200));
		run.child.kill('SIGKILL');
		await run.done;
		assert.ok((await listFiles(work.dir)).includes('合同.pdf.part'));
		const before = server.resourceRequests().length;
		const rerun = await runCli(args, { cwd: work.dir, env });
		assert.equal(rerun.status, 0, rerun.stderr);
		assert.equal(await sha256File(path.join(work.dir, '合同.pdf')), sha256(resource.data));
		const again = server.resourceRequests().slice(before).map((r) => r.headers.range);
		const stalledStart = 128 * KiB + 2 * part;
		assert.deepEqual(again, [`bytes=${stalledStart}-${stalledStart + part - 1}`, `bytes=${stalledStart + part}-${resource.data.length - 1}`]);
		assert.deepEqual(await listFiles(work.dir), ['.lark-manifest.json', '合同.pdf']);
	});

	for (const [moment, ignoreRange] of [['during the first answer', false], ['during a whole-body download (the server ignores Range)', true]] as const) {
		it(`after kill -9 ${moment} the rerun saves under the asked name, with nothing stale left`, async () => {
			resource.data = bytes(600 * KiB);
			resource.ignoreRange = ignoreRange;
			resource.fault = ({ index }) => (index === 0 ? { kind: 'stall', afterBytes: 1000 } : undefined);
			const run = startCli(baseArgs(), { cwd: work.dir, env });
			await waitFor(() => server.resourceRequests().length >= 1);
			await new Promise((resolve) => setTimeout(resolve, 300));
			run.child.kill('SIGKILL');
			await run.done;
			assert.ok((await listFiles(work.dir)).includes('合同.pdf.part'), 'the killed run left its .part');
			const rerun = await runCli(baseArgs(), { cwd: work.dir, env });
			assert.equal(rerun.status, 0, rerun.stderr);
			assert.equal(await sha256File(path.join(work.dir, '合同.pdf')), sha256(resource.data));
			assert.deepEqual(await listFiles(work.dir), ['.lark-manifest.json', '合同.pdf'], 'no "合同 (1).pdf", no stale .part, resume record or lock');
		});
	}
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) {
			throw new Error('timed out waiting for the condition');
		}
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
