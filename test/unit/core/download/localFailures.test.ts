// Local problems are `io` (exit 7), say what to do, and leave nothing half-done: a full disk and a read-only
// folder on a small tmpfs mounted for the test (skipped, with the reason, where mounting is not allowed), and
// a name too long for any file system, refused before any request.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { LarkError } from '../../../../src/core/errors';
import { startLoopbackEngine, stopLoopbackEngine, type Harness } from '../../../support/engineHarness';
import { bytes, listFiles } from '../../../support/fixtures';
import { LarkTestServer, type ServedResource } from '../../../support/larkServer';
import { botEnv, runCli } from '../../../support/runCli';

const KiB = 1024;

function mount(dir: string, options: string): string | undefined {
	const result = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
	return result.status === 0 ? undefined : (result.stderr || result.error?.message || `mount exited ${result.status}`).trim();
}

/** Mounting a tmpfs needs root (or CAP_SYS_ADMIN): without it the test is skipped, saying why. */
function skipBecause(context: Mocha.Context, why: string): never {
	if (context.test !== undefined) {
		context.test.title += ` (skipped: cannot mount a tmpfs here: ${why})`;
	}
	context.skip();
}

describe('local problems: disk full, read-only folder, name too long', () => {
	let server: LarkTestServer;
	let work: { dir: string; cleanup: () => Promise<void> };
	let harness: Harness;
	let mounted = false;

	beforeEach(async () => {
		({ server, work, harness } = await startLoopbackEngine());
	});

	afterEach(async () => {
		if (mounted) {
			spawnSync('umount', [work.dir]); // before the folder is removed
			mounted = false;
		}
		await stopLoopbackEngine({ server, work, harness });
	});

	function serve(size: number): ServedResource {
		return server.addResource({ messageId: 'om_msg1', fileKey: 'file_v3_key1', type: 'file', data: bytes(size), contentType: 'application/pdf' });
	}

	const failure = (promise: Promise<unknown>): Promise<LarkError> => promise.then(() => assert.fail('expected a failure'), (error: LarkError) => error);

	it('a full disk is io with a hint; the existing file of that name stays intact; no temp or .part file is left', async function () {
		const why = mount(work.dir, 'size=512k');
		if (why !== undefined) {
			skipBecause(this, why);
		}
		mounted = true;
		const existing = path.join(work.dir, 'file_v3_key1.pdf');
		await fs.writeFile(existing, 'the file from last week');
		const resource = serve(2 * 1024 * KiB);
		const error = await failure(harness.engine.download({ messageId: resource.messageId, fileKey: resource.fileKey, type: 'file' }, { root: work.dir, onConflict: 'overwrite', partSize: 256 * KiB }));
		assert.equal(error.type, 'io', error.message);
		assert.match(error.hint ?? '', /disk is full/);
		assert.equal(await fs.readFile(existing, 'utf8'), 'the file from last week');
		assert.deepEqual(await listFiles(work.dir), ['file_v3_key1.pdf'], 'no .part, no record, no *.tmp');
	});

	it('a read-only folder is io, found before any request; lark-dl exits 7', async function () {
		const why = mount(work.dir, 'ro,size=64k');
		if (why !== undefined) {
			skipBecause(this, why);
		}
		mounted = true;
		const resource = serve(100 * KiB);
		const env = botEnv(server);
		const result = await runCli(['download', '--message-id', resource.messageId, '--file-key', resource.fileKey, '--type', 'file'], { cwd: work.dir, env });
		assert.equal(result.status, 7, result.stderr);
		const body = JSON.parse(result.stderr) as { error: { type: string; hint?: string } };
		assert.equal(body.error.type, 'io');
		assert.match(body.error.hint ?? '', /read-only/);
		assert.equal(server.resourceRequests().length, 0);
	});

	it('a name longer than file systems allow is io before any request; lark-dl exits 7', async () => {
		const resource = serve(100 * KiB);
		const env = botEnv(server);
		const result = await runCli(['download', '--message-id', resource.messageId, '--file-key', resource.fileKey, '--type', 'file', '--output', `${'报'.repeat(100)}.pdf`], { cwd: work.dir, env });
		assert.equal(result.status, 7, result.stderr);
		assert.equal((JSON.parse(result.stderr) as { error: { type: string } }).error.type, 'io');
		assert.equal(server.requests.length, 0, 'not even a token request');
		assert.deepEqual(await listFiles(work.dir), []);
	});
});
