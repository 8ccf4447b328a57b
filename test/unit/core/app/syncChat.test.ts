import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readManifest } from '../../../../src/core/archive/manifestStore';
import { syncChat, type SyncOptions } from '../../../../src/core/app/syncChat';
import { parseNameTemplate } from '../../../../src/core/naming/nameTemplate';
import { startLoopbackIm, stopLoopbackIm, type LoopbackIm } from '../../../support/engineHarness';
import { bytes, listFiles, sha256, tempDir } from '../../../support/fixtures';
import { addImageChat, message } from '../../../support/imFixtures';

const CHAT = 'oc_sync';

describe('sync a chat into the download folder (only what is new)', () => {
	let im: LoopbackIm;
	let work: { dir: string; cleanup: () => Promise<void> };
	let served: ReturnType<typeof addImageChat>;

	const options = (extra: Partial<SyncOptions> = {}): SyncOptions => ({
		root: work.dir,
		folder: 'archive',
		template: parseNameTemplate('{chat}/{key}'),
		chatNameOf: () => Promise.resolve('Sync chat'),
		...extra,
	});
	const sync = (extra: Partial<SyncOptions> = {}): ReturnType<typeof syncChat> => syncChat(im.client, im.harness.engine, CHAT, options(extra));
	const resourceRequests = (): string[] => im.server.resourceRequests().map((r) => r.path.split('/').pop() ?? '');
	const folder = (): string => path.join(work.dir, 'archive');

	beforeEach(async () => {
		im = await startLoopbackIm();
		work = await tempDir();
		served = addImageChat(im.server, im.fixtures, CHAT, 4);
	});
	afterEach(async () => {
		await stopLoopbackIm(im);
		await work.cleanup();
	});

	it('the first sync saves every file and records each with its SHA-256 and provenance', async () => {
		const result = await sync();
		assert.equal(result.summary?.saved.length, 4);
		assert.deepEqual(await listFiles(folder()), ['.lark-manifest.json', ...served.map((r) => `Sync chat/${r.fileKey}.png`)].sort());
		const manifest = await readManifest(folder());
		for (const resource of served) {
			const entry = manifest.resources[`${resource.messageId}/${resource.fileKey}`];
			assert.equal(entry?.sha256, sha256(resource.data));
			assert.equal(entry?.chatId, CHAT);
			assert.equal(entry?.senderId, 'ou_alice');
			assert.equal(sha256(await fs.readFile(path.join(folder(), ...(entry?.path ?? '').split('/')))), sha256(resource.data));
		}
		assert.equal(manifest.chats[CHAT]?.syncedThrough, new Date(Date.UTC(2024, 4, 6, 1, 0, 3)).toISOString());
	});

	it('a second sync requests no resource, writes no (1) copy, and lists only from the last message on', async () => {
		await sync();
		const before = im.server.requests.length;
		const second = await sync();
		const after = im.server.requests.slice(before);
		assert.equal(after.filter((r) => r.path.includes('/resources/')).length, 0, 'no resource request');
		assert.equal(second.plan.skip.length, 1, 'only the newest message is listed again (start_time is inclusive)');
		const listing = after.find((r) => r.path === '/open-apis/im/v1/messages');
		assert.equal(listing?.query.start_time, String(Date.UTC(2024, 4, 6, 1, 0, 3) / 1000));
		assert.ok(!(await listFiles(folder())).some((name) => name.includes('(1)')));
	});

	it('a new message between syncs is the only one fetched', async () => {
		await sync();
		const data = bytes(3000);
		im.fixtures.containers.get(CHAT)?.push(message('om_new', CHAT, 'image', { image_key: 'img_new' }, Date.UTC(2024, 4, 7)));
		im.server.addResource({ messageId: 'om_new', fileKey: 'img_new', type: 'image', data, contentType: 'image/png' });
		const requestsBefore = resourceRequests().length;
		const result = await sync();
		assert.deepEqual(result.summary?.saved.map((s) => s.attachment.key), ['img_new']);
		assert.deepEqual(resourceRequests().slice(requestsBefore).every((key) => key.startsWith('img_new')), true);
		assert.equal(sha256(await fs.readFile(path.join(folder(), 'Sync chat', 'img_new.png'))), sha256(data));
	});

	it('a deleted file is fetched again to its place; an edited one is kept and the fresh copy saved beside it', async () => {
		await sync();
		const [first, second] = served;
		assert.ok(first !== undefined && second !== undefined);
		await fs.rm(path.join(folder(), 'Sync chat', `${first.fileKey}.png`));
		await fs.writeFile(path.join(folder(), 'Sync chat', `${second.fileKey}.png`), 'my annotated version');
		const result = await sync({ start: new Date(0) }); // the whole chat, not just since the cursor
		assert.deepEqual(result.summary?.saved.map((s) => s.attachment.key).sort(), [first.fileKey, second.fileKey].sort());
		assert.equal(sha256(await fs.readFile(path.join(folder(), 'Sync chat', `${first.fileKey}.png`))), sha256(first.data));
		assert.equal(await fs.readFile(path.join(folder(), 'Sync chat', `${second.fileKey}.png`), 'utf8'), 'my annotated version');
		assert.equal(sha256(await fs.readFile(path.join(folder(), 'Sync chat', `${second.fileKey} (1).png`))), sha256(second.data));
		assert.deepEqual(result.summary?.keptEdited.map((k) => path.basename(k.keptPath)), [`${second.fileKey}.png`]);
		const entry = (await readManifest(folder())).resources[`${second.messageId}/${second.fileKey}`];
		assert.equal(entry?.path, `Sync chat/${second.fileKey} (1).png`, 'the record follows the fresh copy');
	});

	it('an interrupted sync leaves the unfinished messages pending; the next one fetches exactly those', async () => {
		const [, , third, fourth] = served;
		assert.ok(third !== undefined && fourth !== undefined);
		third.fault = () => ({ kind: 'status', status: 500 });
		fourth.fault = () => ({ kind: 'status', status: 500 });
		const first = await sync();
		assert.equal(first.summary?.failed.length, 2);
		assert.deepEqual([...(await readManifest(folder())).chats[CHAT]?.pendingMessageIds ?? []].sort(), [third.messageId, fourth.messageId].sort());
		delete third.fault;
		delete fourth.fault;
		const before = resourceRequests().length;
		const second = await sync();
		assert.deepEqual(second.summary?.saved.map((s) => s.attachment.key).sort(), [third.fileKey, fourth.fileKey].sort());
		assert.ok(resourceRequests().slice(before).every((key) => key === third.fileKey || key === fourth.fileKey));
		assert.deepEqual((await readManifest(folder())).chats[CHAT]?.pendingMessageIds, []);
	});

	it('identical bytes under another message are stored once; the record keeps both provenances', async () => {
		const [first] = served;
		assert.ok(first !== undefined);
		im.fixtures.containers.get(CHAT)?.push(message('om_again', CHAT, 'image', { image_key: 'img_again' }, Date.UTC(2024, 4, 7)));
		im.server.addResource({ messageId: 'om_again', fileKey: 'img_again', type: 'image', data: first.data, contentType: 'image/png' });
		const result = await sync();
		assert.equal(result.summary?.sameBytes.length, 1);
		assert.ok(!(await listFiles(folder())).includes('Sync chat/img_again.png'));
		const manifest = await readManifest(folder());
		assert.equal(manifest.resources['om_again/img_again']?.sameAs, `${first.messageId}/${first.fileKey}`);
		assert.equal(manifest.resources['om_again/img_again']?.path, `Sync chat/${first.fileKey}.png`);
	});

	it('a filtered sync keeps its own cursor, so a later full sync still fetches the other kinds', async () => {
		im.fixtures.containers.get(CHAT)?.push(message('om_doc', CHAT, 'file', { file_key: 'file_doc', file_name: 'spec.pdf' }, Date.UTC(2024, 4, 5)));
		im.server.addResource({ messageId: 'om_doc', fileKey: 'file_doc', type: 'file', data: bytes(500), contentDisposition: 'attachment; filename="spec.pdf"' });
		const images = await sync({ filter: { kinds: new Set(['image']) } });
		assert.equal(images.summary?.saved.length, 4);
		const all = await sync();
		assert.deepEqual(all.summary?.saved.map((s) => s.attachment.key), ['file_doc']);
		assert.equal(all.plan.skip.length, 4);
	});

	it('a card image Lark refuses (234043) is recorded as refused: not requested again, unless forced', async () => {
		im.fixtures.containers.get(CHAT)?.push(message('om_card', CHAT, 'interactive', { schema: '2.0', body: { elements: [{ tag: 'img', img_key: 'img_card' }] } }, Date.UTC(2024, 4, 7)));
		im.server.addResource({ messageId: 'om_card', fileKey: 'img_card', type: 'image', data: bytes(100), fault: () => ({ kind: 'status', status: 400, code: 234043, msg: 'not served' }) });
		const first = await sync();
		assert.deepEqual(first.summary?.skipped.map((s) => s.attachment.key), ['img_card']);
		assert.equal((await readManifest(folder())).refused?.['om_card/img_card']?.reason, 'card-not-served');
		const asked = im.server.resourceRequests('img_card').length;
		const second = await sync({ start: new Date(0) });
		assert.deepEqual(second.summary?.skipped.map((s) => s.attachment.key), ['img_card']);
		assert.equal(im.server.resourceRequests('img_card').length, asked, 'not asked again');
		await sync({ start: new Date(0), force: true });
		assert.ok(im.server.resourceRequests('img_card').length > asked, 'forced: asked again');
	});

	it('a dry run (confirm says no) tells the counts and fetches nothing', async () => {
		let seen: { fetch: number; skip: number } | undefined;
		const result = await sync({ confirm: (plan) => ((seen = { fetch: plan.fetch.length, skip: plan.skip.length }), false) });
		assert.deepEqual(seen, { fetch: 4, skip: 0 });
		assert.equal(result.summary, undefined);
		assert.equal(im.server.resourceRequests().length, 0);
	});
});
