import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../support/fixtures';
import { IDS, installImFixtures, message, type ImFixtures } from '../../support/imFixtures';
import { LarkTestServer } from '../../support/larkServer';
import { botEnv, runCli, type CliResult } from '../../support/runCli';

interface ExportData {
	path: string;
	files: { path: string; messages_written: number; created: boolean }[];
	messages_written: number;
	attachments_linked: number;
	saved: { key: string; saved_path: string }[];
	already_saved: { key: string }[];
}

describe('lark-dl export (the built CLI)', () => {
	let server: LarkTestServer;
	let fixtures: ImFixtures;
	let work: { dir: string; cleanup: () => Promise<void> };
	let env: Record<string, string>;

	beforeEach(async () => {
		server = await new LarkTestServer().start();
		fixtures = installImFixtures(server);
		work = await tempDir();
		env = { ...botEnv(server), TZ: 'UTC' };
	});
	afterEach(async () => {
		await server.stop();
		await work.cleanup();
	});

	const cli = (args: string[]): Promise<CliResult> => runCli(args, { cwd: work.dir, env });
	const data = (result: CliResult): ExportData => (JSON.parse(result.stdout) as { data: ExportData }).data;

	it('writes <chat>.md beside the downloaded attachments, the same document as the app flow; a second run appends only what is new', async () => {
		const first = await cli(['export', '--chat-id', IDS.designChat, '--into', 'lark-downloads', '--time-zone', 'Asia/Shanghai']);
		assert.equal(first.status, 0, first.stderr);
		const result = data(first);
		assert.equal(result.path, 'lark-downloads/Design team.md');
		assert.equal(result.messages_written, 18);
		assert.equal(result.attachments_linked, 15);
		assert.equal(result.saved.length, 15);
		const text = await fs.readFile(path.join(work.dir, 'lark-downloads', 'Design team.md'), 'utf8');
		assert.equal(text, await fs.readFile(path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'export', 'Design team.md'), 'utf8'));

		fixtures.containers.get(IDS.designChat)?.push(message('om_m17', IDS.designChat, 'text', { text: 'One more thing' }, Date.UTC(2024, 4, 7, 1, 0, 0)));
		const requests = server.resourceRequests().length;
		const second = await cli(['export', '--chat-id', IDS.designChat, '--into', 'lark-downloads']);
		assert.equal(second.status, 0, second.stderr);
		assert.deepEqual(data(second).files, [{ path: 'lark-downloads/Design team.md', messages_written: 1, created: false }]);
		assert.equal(server.resourceRequests().length, requests, 'no attachment fetched again');
		const appended = await fs.readFile(path.join(work.dir, 'lark-downloads', 'Design team.md'), 'utf8');
		assert.equal(appended.slice(0, text.lastIndexOf('<!--')), text.slice(0, text.lastIndexOf('<!--')));
		assert.match(appended.slice(text.lastIndexOf('<!--')), /^## 2024-05-07\n\n\*\*Alice 王\*\* · 09:00\\\nOne more thing\n\n<!-- lark-downloader:cursor /);
	});

	it('refuses to touch a file of the same name that is not an export (an io error, reason export-not-ours)', async () => {
		await fs.mkdir(path.join(work.dir, 'out'));
		await fs.writeFile(path.join(work.dir, 'out', 'Design team.md'), '# my notes\n');
		const result = await cli(['export', '--chat-id', IDS.designChat, '--into', 'out']);
		assert.notEqual(result.status, 0);
		assert.match(result.stdout + result.stderr, /export-not-ours/);
		assert.equal(await fs.readFile(path.join(work.dir, 'out', 'Design team.md'), 'utf8'), '# my notes\n');
	});

	it('lists export in its usage', async () => {
		const result = await cli(['--help']);
		assert.match(result.stdout + result.stderr, /lark-dl export --chat-id oc_… \[--start TIME\] \[--end TIME\] \[--into DIR\] \[--per-month\]/);
	});
});
