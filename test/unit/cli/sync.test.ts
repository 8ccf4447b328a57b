import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { listFiles, sha256, tempDir } from '../../support/fixtures';
import { addImageChat, installImFixtures, message, type ImFixtures } from '../../support/imFixtures';
import { LarkTestServer, type ServedResource } from '../../support/larkServer';
import { botEnv, runCli, startCli, type CliResult } from '../../support/runCli';

interface Envelope<T> {
	ok: boolean;
	data: T;
}
interface SyncData {
	listed_from: string | null;
	saved: { key: string; saved_path: string }[];
	failed: { key: string | null; error: { type: string } }[];
	already_saved: { key: string; saved_path: string }[];
	kept_edited: { key: string; kept_path: string; saved_path: string }[];
}
interface VerifyData {
	intact: boolean;
	checked: number;
	missing: { path: string }[];
	changed: { path: string; sha256: string; actual_sha256?: string }[];
	unknown: string[];
}

const CHAT = 'oc_team';
/** The folder, and names that tests can compute (the default names nameless images by time and sender). */
const INTO_ARCHIVE = ['--into', 'archive', '--name-template', '{chat}/{key}'];

describe('lark-dl sync and verify (the built CLI)', () => {
	let server: LarkTestServer;
	let fixtures: ImFixtures;
	let served: ServedResource[];
	let work: { dir: string; cleanup: () => Promise<void> };
	let env: Record<string, string>;

	beforeEach(async () => {
		server = await new LarkTestServer().start();
		fixtures = installImFixtures(server);
		served = addImageChat(server, fixtures, CHAT, 5);
		work = await tempDir();
		env = botEnv(server);
	});
	afterEach(async () => {
		await server.stop();
		await work.cleanup();
	});

	const cli = (args: string[]): Promise<CliResult> => runCli(args, { cwd: work.dir, env });
	const parsed = <T>(result: CliResult): Envelope<T> => JSON.parse(result.stdout) as Envelope<T>;
	const archive = (...segments: string[]): string => path.join(work.dir, 'archive', ...segments);
	const fileOf = (resource: ServedResource): string => archive(`Bulk ${CHAT}`, `${resource.fileKey}.png`);

	it('a second sync requests no resource and writes no "(1)" copy; a new message is the only one fetched', async () => {
		const first = await cli(['sync', '--chat-id', CHAT, ...INTO_ARCHIVE]);
		assert.equal(first.status, 0, first.stderr);
		assert.match(first.stderr, /^5 message\(s\) listed\. To fetch: 5 files \(sizes known once downloaded\); already saved: 0/);
		assert.equal(parsed<SyncData>(first).data.saved.length, 5);
		for (const resource of served) {
			assert.equal(sha256(await fs.readFile(fileOf(resource))), sha256(resource.data));
		}
		const afterFirst = server.resourceRequests().length;

		const second = await cli(['sync', '--chat-id', CHAT, ...INTO_ARCHIVE]);
		assert.equal(second.status, 0, second.stderr);
		assert.match(second.stderr, /^1 message\(s\) listed since the last sync \(2024-05-06T01:00:04\.000Z\)\. To fetch: 0 files/);
		assert.equal(server.resourceRequests().length, afterFirst, 'not one resource request');
		assert.equal(parsed<SyncData>(second).data.saved.length, 0);
		assert.ok(!(await listFiles(archive())).some((name) => name.includes('(1)')));

		fixtures.containers.get(CHAT)?.push(message('om_later', CHAT, 'image', { image_key: 'img_later' }, Date.UTC(2024, 4, 8)));
		server.addResource({ messageId: 'om_later', fileKey: 'img_later', type: 'image', data: Buffer.from('later'), contentType: 'image/png' });
		const third = await cli(['sync', '--chat-id', CHAT, ...INTO_ARCHIVE]);
		assert.deepEqual(parsed<SyncData>(third).data.saved.map((s) => s.key), ['img_later']);
		assert.deepEqual(server.resourceRequests().slice(afterFirst).map((r) => path.basename(r.path)), ['img_later']);
	});

	it('download-all skips what the folder has; --force fetches it again; a single download reports it', async () => {
		assert.equal((await cli(['download-all', '--chat-id', CHAT, ...INTO_ARCHIVE])).status, 0);
		const before = server.resourceRequests().length;
		const again = await cli(['download-all', '--chat-id', CHAT, ...INTO_ARCHIVE]);
		assert.equal(parsed<SyncData>(again).data.already_saved.length, 5);
		assert.equal(server.resourceRequests().length, before);
		const forced = await cli(['download-all', '--chat-id', CHAT, ...INTO_ARCHIVE, '--force']);
		assert.equal(parsed<SyncData>(forced).data.saved.length, 5);
		assert.ok(!(await listFiles(archive())).some((name) => name.includes('(1)')), 'forced: replaced in place');

		const [one] = served;
		assert.ok(one !== undefined);
		const single = ['download', '--message-id', one.messageId, '--file-key', one.fileKey, '--type', 'image'];
		assert.equal((await cli(single)).status, 0);
		const requests = server.requests.length;
		const reported = await cli(single);
		assert.equal(reported.status, 0, reported.stderr);
		assert.match(reported.stderr, /Already downloaded: .*--force/);
		assert.equal((parsed<{ already_downloaded: boolean }>(reported).data).already_downloaded, true);
		assert.equal(server.requests.length, requests, 'no request at all, not even for a token');
		assert.deepEqual((await listFiles(work.dir)).filter((name) => !name.startsWith('archive')), ['.lark-manifest.json', `${one.fileKey}.png`]);
	});

	it('a deleted file is fetched again; an edited file is kept and the new copy saved beside it, said in kept_edited', async () => {
		assert.equal((await cli(['download-all', '--chat-id', CHAT, ...INTO_ARCHIVE])).status, 0);
		const [gone, edited] = served;
		assert.ok(gone !== undefined && edited !== undefined);
		await fs.rm(fileOf(gone));
		await fs.writeFile(fileOf(edited), 'my notes over the picture');
		const result = await cli(['download-all', '--chat-id', CHAT, ...INTO_ARCHIVE]);
		const data = parsed<SyncData>(result).data;
		assert.deepEqual(data.saved.map((s) => s.key).sort(), [gone.fileKey, edited.fileKey].sort());
		assert.equal(sha256(await fs.readFile(fileOf(gone))), sha256(gone.data));
		assert.equal(await fs.readFile(fileOf(edited), 'utf8'), 'my notes over the picture');
		assert.deepEqual(data.kept_edited.map((k) => [path.basename(k.kept_path), path.basename(k.saved_path)]), [[`${edited.fileKey}.png`, `${edited.fileKey} (1).png`]]);
	});

	it('an interrupted sync (Ctrl-C) continues on the next run with only what it had not saved', async () => {
		for (const resource of served.slice(2)) {
			resource.fault = () => ({ kind: 'stall', afterBytes: 10 });
		}
		const run = startCli(['sync', '--chat-id', CHAT, ...INTO_ARCHIVE, '--concurrency', '1'], { cwd: work.dir, env });
		const deadline = Date.now() + 10_000;
		while (server.resourceRequests().length < 3 && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
		run.child.kill('SIGINT');
		const interrupted = await run.done;
		assert.equal(interrupted.status, 130, interrupted.stderr);
		assert.equal(parsed<SyncData>(interrupted).data.saved.length, 2);
		for (const resource of served) {
			delete resource.fault;
		}
		const before = server.resourceRequests().length;
		const resumed = await cli(['sync', '--chat-id', CHAT, ...INTO_ARCHIVE]);
		assert.equal(resumed.status, 0, resumed.stderr);
		assert.deepEqual(parsed<SyncData>(resumed).data.saved.map((s) => s.key).sort(), served.slice(2).map((r) => r.fileKey).sort());
		assert.ok(server.resourceRequests().slice(before).every((r) => served.slice(2).some((s) => r.path.endsWith(`/${s.fileKey}`))), 'the two saved ones are not requested again');
		for (const resource of served) {
			assert.equal(sha256(await fs.readFile(fileOf(resource))), sha256(resource.data));
		}
	});

	it('two processes syncing the same folder at once lose no record entry', async () => {
		const other = addImageChat(server, fixtures, 'oc_other', 8);
		const [a, b] = await Promise.all([
			cli(['sync', '--chat-id', CHAT, ...INTO_ARCHIVE]),
			cli(['sync', '--chat-id', 'oc_other', ...INTO_ARCHIVE]),
		]);
		assert.equal(a.status, 0, a.stderr);
		assert.equal(b.status, 0, b.stderr);
		const manifest = JSON.parse(await fs.readFile(archive('.lark-manifest.json'), 'utf8')) as { resources: Record<string, unknown>; chats: Record<string, unknown> };
		assert.deepEqual(Object.keys(manifest.resources).sort(), [...served, ...other].map((r) => `${r.messageId}/${r.fileKey}`).sort());
		assert.deepEqual(Object.keys(manifest.chats).sort(), [CHAT, 'oc_other'].sort());
		const verify = await cli(['verify', 'archive']);
		assert.equal(verify.status, 0, verify.stderr);
		assert.equal(parsed<VerifyData>(verify).data.checked, 13);
	});

	it('verify finds a flipped byte, a missing file and an unknown one, and says so in its exit status', async () => {
		assert.equal((await cli(['sync', '--chat-id', CHAT, ...INTO_ARCHIVE])).status, 0);
		const intact = await cli(['verify', 'archive']);
		assert.equal(intact.status, 0, intact.stderr);
		assert.match(intact.stderr, /^Intact: 5 files as recorded/);

		const [flipped, gone] = served;
		assert.ok(flipped !== undefined && gone !== undefined);
		const bytesOnDisk = await fs.readFile(fileOf(flipped));
		bytesOnDisk[100] = (bytesOnDisk[100] ?? 0) ^ 0x01;
		await fs.writeFile(fileOf(flipped), bytesOnDisk);
		await fs.rm(fileOf(gone));
		await fs.writeFile(archive('notes.txt'), 'mine');
		const broken = await cli(['verify', 'archive']);
		assert.equal(broken.status, 1, broken.stderr);
		const data = parsed<VerifyData>(broken).data;
		assert.equal(data.intact, false);
		assert.deepEqual(data.changed.map((c) => [c.path, c.actual_sha256]), [[`Bulk ${CHAT}/${flipped.fileKey}.png`, sha256(bytesOnDisk)]]);
		assert.deepEqual(data.missing.map((m) => m.path), [`Bulk ${CHAT}/${gone.fileKey}.png`]);
		assert.deepEqual(data.unknown, ['notes.txt']);
		assert.equal(server.requests.filter((r) => r.path.includes('/resources/')).length, 5, 'verify sends no request');
	});

	it('verify refuses a folder without a record', async () => {
		const result = await cli(['verify']);
		assert.equal(result.status, 2);
		assert.match(result.stderr, /No download record/);
	});
});
