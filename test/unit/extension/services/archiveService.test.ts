import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LarkClient } from '../../../../src/core/lark/larkClient';
import { startLoopbackIm, stopLoopbackIm, type Harness } from '../../../support/engineHarness';
import { sha256, tempDir } from '../../../support/fixtures';
import { addImageChat, message, type ImFixtures } from '../../../support/imFixtures';
import { LarkTestServer, type ServedResource } from '../../../support/larkServer';
import { loadExtensionServices } from '../../../support/extensionServices';
import { folder, installVscodeFake, window, workspace } from '../../../support/vscodeFake';

// Sync Chat, Download All and Verify Downloads as the extension runs them, in plain Node against the loopback server.
describe('archive service (Sync Chat, Download All, Verify Downloads)', () => {
	let fake: ReturnType<typeof installVscodeFake>;
	let makeServices: Awaited<ReturnType<typeof loadExtensionServices>>;
	let server: LarkTestServer;
	let fixtures: ImFixtures;
	let served: ServedResource[];
	let harness: Harness;
	let work: { dir: string; cleanup: () => Promise<void> };
	const chat = { id: 'oc_team', name: 'Team', type: 'group' as const };

	before(async () => {
		fake = installVscodeFake();
		makeServices = await loadExtensionServices();
	});
	after(() => fake.uninstall());

	beforeEach(async () => {
		fake.reset();
		({ server, fixtures, harness } = await startLoopbackIm());
		served = addImageChat(server, fixtures, chat.id, 3);
		work = await tempDir();
		workspace.workspaceFolders = [folder(work.dir)];
		workspace.settings['larkDownloader.nameTemplate'] = '{chat}/{key}';
	});
	afterEach(async () => {
		await stopLoopbackIm({ server, harness });
		await work.cleanup();
	});

	const service = () => makeServices(harness);
	const fileOf = (resource: ServedResource): string => path.join(work.dir, 'lark-downloads', 'Team', `${resource.fileKey}.png`);

	it('Sync Chat saves everything once, says what it will fetch, then fetches only the new message', async () => {
		const { archive, index } = service();
		const first = await archive.sync(chat);
		assert.equal(first.summary?.saved.length, 3);
		assert.ok(window.progress.some((p) => p.message === '3 files to fetch (sizes known once downloaded) · 0 already downloaded'), JSON.stringify(window.progress));
		assert.ok(window.progress.some((p) => /^3 of 3 files · \d/.test(p.message ?? '')), `one notification counts files and bytes: ${JSON.stringify(window.progress.map((p) => p.message))}`);
		assert.ok(window.progress.every((p) => p.title === 'Syncing Team'), 'one notification for the whole run');
		for (const resource of served) {
			assert.equal(sha256(await fs.readFile(fileOf(resource))), sha256(resource.data));
			assert.ok(index.has(resource.messageId, resource.fileKey), 'the ✓ is there right after the sync');
		}
		const before = server.resourceRequests().length;
		assert.equal((await archive.sync(chat)).summary?.saved.length, 0);
		assert.equal(server.resourceRequests().length, before, 'nothing requested again');

		fixtures.containers.get(chat.id)?.push(message('om_new', chat.id, 'image', { image_key: 'img_new' }, Date.UTC(2024, 4, 9)));
		server.addResource({ messageId: 'om_new', fileKey: 'img_new', type: 'image', data: Buffer.from('new picture'), contentType: 'image/png' });
		const third = await archive.sync(chat);
		assert.deepEqual(third.summary?.saved.map((s) => s.attachment.key), ['img_new']);
	});

	it('the plan behind the time-range picker counts what it would fetch and what is already there', async () => {
		const { archive } = service();
		const messages = [...(await new LarkClient(harness.session).listMessagesPage({ containerId: chat.id, containerType: 'chat', sort: 'asc' })).items];
		const target = { folder: workspace.workspaceFolders?.[0] as never, root: work.dir, directory: 'lark-downloads' };
		assert.deepEqual(await counts(), { fetch: 3, skip: 0 });
		await archive.downloadMany(messages.slice(0, 2), 'Team', chat, {}, target);
		assert.deepEqual(await counts(), { fetch: 1, skip: 2 });
		assert.deepEqual(await counts({ kinds: new Set(['file'] as const) }), { fetch: 0, skip: 0 }, 'no files among images');

		async function counts(filter?: Parameters<typeof archive.plan>[2]): Promise<{ fetch: number; skip: number }> {
			const plan = await archive.plan(target, messages, filter);
			return { fetch: plan.fetch.length, skip: plan.skip.length };
		}
	});

	it('Verify Downloads finds the flipped byte and the deleted file; a clean folder is intact', async () => {
		const { archive } = service();
		assert.deepEqual(await archive.verify(), [], 'nothing recorded yet: nothing to verify');
		await archive.sync(chat);
		const [intact] = await archive.verify();
		assert.equal(intact?.report.intact, true);
		assert.equal(intact?.report.checked, 3);
		const [flipped, gone] = served;
		assert.ok(flipped !== undefined && gone !== undefined);
		const bytes = await fs.readFile(fileOf(flipped));
		bytes[10] = (bytes[10] ?? 0) ^ 0xff;
		await fs.writeFile(fileOf(flipped), bytes);
		await fs.rm(fileOf(gone));
		const [broken] = await archive.verify();
		assert.equal(broken?.report.intact, false);
		assert.deepEqual(broken?.report.changed.map((c) => c.resource.fileKey), [flipped.fileKey]);
		assert.deepEqual(broken?.report.missing.map((m) => m.fileKey), [gone.fileKey]);
	});
});
