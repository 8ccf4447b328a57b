import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { bulkDownload, type BulkEvent, type BulkProgress } from '../../../../src/core/bulk/bulkDownload';
import type { DownloadEngine } from '../../../../src/core/download/downloadEngine';
import type { LarkError } from '../../../../src/core/errors';
import { RequestBudget } from '../../../../src/core/http/requestBudget';
import { LarkClient } from '../../../../src/core/lark/larkClient';
import { CARD_NOT_SERVED } from '../../../../src/core/lark/extractAttachments';
import type { Attachment } from '../../../../src/core/lark/model';
import { botHarness, startLoopbackIm, stopLoopbackIm, type Harness } from '../../../support/engineHarness';
import { listFiles, sha256, sha256File, tempDir } from '../../../support/fixtures';
import { addImageChat, IDS, type ImFixtures } from '../../../support/imFixtures';
import { LarkTestServer } from '../../../support/larkServer';

async function attachmentsOf(client: LarkClient, chatId: string): Promise<Attachment[]> {
	const found: Attachment[] = [];
	for await (const message of client.listMessages({ containerId: chatId, containerType: 'chat', sort: 'asc' })) {
		found.push(...message.attachments);
	}
	return found;
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) {
			throw new Error('timed out waiting for the condition');
		}
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

describe('bulk download', () => {
	let server: LarkTestServer;
	let fixtures: ImFixtures;
	let work: { dir: string; cleanup: () => Promise<void> };
	let harness: Harness;
	let client: LarkClient;

	beforeEach(async () => {
		({ server, fixtures, harness, client } = await startLoopbackIm());
		work = await tempDir();
	});

	afterEach(async () => {
		await stopLoopbackIm({ server, harness });
		await work.cleanup();
	});

	async function expectSaved(savedPath: string, key: string): Promise<void> {
		const resource = fixtures.resources.get(key);
		assert.ok(resource, `no fixture resource ${key}`);
		assert.equal(await sha256File(savedPath), sha256(resource.data), `bytes of ${key}`);
	}

	it('downloads merge_forward children through the container id, where the child id gets 234003', async () => {
		const child = await harness.engine.download({ messageId: IDS.forwardImageChild, fileKey: 'img_v3_fwd_receipt', type: 'image' }, { root: work.dir })
			.then(() => undefined, (error: LarkError) => error);
		assert.equal(child?.code, 234003);
		assert.equal(child?.type, 'not_found');

		const { container } = await client.getMessage(IDS.forward);
		const summary = await bulkDownload(harness.engine, container.attachments, { root: work.dir });
		assert.deepEqual(summary.failed.map((f) => f.error.message), []);
		assert.deepEqual(summary.saved.map((s) => s.attachment.key).sort(), ['file_v3_fwd_budget', 'file_v3_fwd_voice', 'img_v3_fwd_chart', 'img_v3_fwd_receipt']);
		for (const saved of summary.saved) {
			await expectSaved(saved.savedPath, saved.attachment.key);
		}
		const forwardRequests = server.resourceRequests().filter((r) => r.path.startsWith(`/open-apis/im/v1/messages/${IDS.forward}/`));
		assert.equal(forwardRequests.length, 4, 'every child resource requested under the container id');
	});

	it('downloads every attachment of a chat, skips the undownloadable without a request, and names files', async () => {
		const events: BulkEvent[] = [];
		const summary = await bulkDownload(harness.engine, await attachmentsOf(client, IDS.designChat), { root: work.dir, directory: 'export', onEvent: (e) => events.push(e) });
		assert.deepEqual(summary.failed, []);
		assert.equal(summary.cancelled, false);
		assert.deepEqual(summary.skipped.map((s) => [s.attachment.kind, s.attachment.key]), [['sticker', 'file_v3_sticker'], ['folder', 'file_v3_folder']]);
		for (const key of ['file_v3_sticker', 'file_v3_folder']) {
			assert.deepEqual(server.resourceRequests(key), [], `${key} never requested`);
		}
		assert.equal(summary.saved.length, 14, 'the card image is downloaded too');
		assert.ok(summary.saved.some((s) => s.attachment.kind === 'card' && s.attachment.messageId === IDS.card));
		for (const saved of summary.saved) {
			await expectSaved(saved.savedPath, saved.attachment.key);
		}
		const files = await listFiles(path.join(work.dir, 'export'));
		for (const name of ['spec.pdf', 'demo.mp4', 'budget.xlsx', 'img_v3_photo.png', 'file_v3_voice.opus']) {
			assert.ok(files.includes(name), `${name} in ${files.join(', ')}`);
		}
		const last = events.filter((e): e is Extract<BulkEvent, { kind: 'progress' }> => e.kind === 'progress').at(-1)?.progress;
		const totalBytes = summary.saved.reduce((sum, s) => sum + s.sizeBytes, 0);
		assert.deepEqual(last, { total: 16, saved: 14, failed: 0, skipped: 2, active: 0, bytesDone: totalBytes, bytesKnown: totalBytes });
		assert.equal(events.filter((e) => e.kind === 'item-finished').length, 14);
	});

	it('a card image Lark refuses (234043) is reported once as not served, without a retry or a plain GET', async () => {
		const card = fixtures.resources.get('img_v3_card');
		assert.ok(card);
		card.fault = () => ({ kind: 'status', status: 400, code: 234043, msg: 'Request message id is not support.' });
		const summary = await bulkDownload(harness.engine, await attachmentsOf(client, IDS.designChat), { root: work.dir, directory: 'export' });
		assert.deepEqual(summary.failed, []);
		assert.deepEqual(summary.skipped.map((s) => [s.attachment.key, s.reason]).filter(([key]) => key === 'img_v3_card'), [['img_v3_card', CARD_NOT_SERVED]]);
		assert.equal(server.resourceRequests('img_v3_card').length, 1, 'one request: no retry, no plain-GET fallback');
		assert.equal(summary.saved.length, 13);
	});

	it('one permission failure among many leaves the rest downloaded, byte for byte', async () => {
		const served = addImageChat(server, fixtures, 'oc_many', 20);
		const denied = served[7];
		assert.ok(denied);
		denied.fault = () => ({ kind: 'status', status: 400, code: 234002, msg: 'no permission' });
		const summary = await bulkDownload(harness.engine, await attachmentsOf(client, 'oc_many'), { root: work.dir });
		assert.deepEqual(summary.failed.map((f) => [f.attachment.key, f.error.type, f.error.code]), [[denied.fileKey, 'permission', 234002]]);
		assert.equal(summary.saved.length, 19);
		for (const saved of summary.saved) {
			await expectSaved(saved.savedPath, saved.attachment.key);
		}
		assert.equal(server.resourceRequests(denied.fileKey).length, 1, 'a permission error is not retried');
	});

	it('keeps the request rate within Lark\'s 50/s while downloading 200 attachments', async function () {
		this.timeout(30_000);
		await harness.close();
		harness = botHarness(server, { budget: new RequestBudget() });
		client = new LarkClient(harness.session);
		const served = addImageChat(server, fixtures, 'oc_bulk', 200);
		const summary = await bulkDownload(harness.engine, await attachmentsOf(client, 'oc_bulk'), { root: work.dir, concurrency: 8 });
		assert.equal(summary.saved.length, 200);
		assert.deepEqual(summary.failed, []);
		for (const resource of [served[0], served[99], served[199]]) {
			assert.ok(resource);
			await expectSaved(summary.saved.find((s) => s.attachment.key === resource.fileKey)?.savedPath ?? '', resource.fileKey);
		}
		const stamps = server.requests.filter((r) => r.path.startsWith('/open-apis/im/')).map((r) => r.at).sort((a, b) => a - b);
		assert.equal(stamps.length, 204, '4 listing pages + 200 downloads');
		let busiest = 0;
		for (let i = 0; i < stamps.length; i++) {
			const inWindow = stamps.filter((t) => t >= (stamps[i] ?? 0) && t < (stamps[i] ?? 0) + 1000).length;
			busiest = Math.max(busiest, inWindow);
		}
		assert.ok(busiest <= 50, `${busiest} requests arrived within one second (the budget must pace starts, not release a whole window at once)`);
	});

	it('abort stops the queue: running downloads are cancelled and no new one starts', async () => {
		const served = addImageChat(server, fixtures, 'oc_abort', 30);
		for (const resource of served.slice(4)) {
			resource.fault = () => ({ kind: 'stall', afterBytes: 100 });
		}
		const controller = new AbortController();
		const progress: BulkProgress[] = [];
		const running = bulkDownload(harness.engine, await attachmentsOf(client, 'oc_abort'), {
			root: work.dir,
			signal: controller.signal,
			onEvent: (e) => e.kind === 'progress' && progress.push(e.progress),
		});
		await waitFor(() => server.resourceRequests().length >= 7);
		const requestsAtAbort = server.resourceRequests().length;
		controller.abort();
		const summary = await running;
		await new Promise((resolve) => setTimeout(resolve, 100));
		assert.equal(summary.cancelled, true);
		assert.equal(summary.saved.length, 4);
		assert.equal(summary.failed.length, 26);
		assert.ok(summary.failed.every((f) => f.error.type === 'cancelled'));
		assert.equal(server.resourceRequests().length, requestsAtAbort, 'nothing requested after the abort');
		assert.ok(progress.every((p) => p.active <= 3), 'at most 3 at a time by default');
		assert.deepEqual((await listFiles(work.dir)).filter((f) => !f.startsWith('.') && !f.endsWith('.part')).length, 4);
	});

	it('bounds concurrency, reports typed results per item and never lets one failure stop the rest', async () => {
		let active = 0;
		let peak = 0;
		const fake: Pick<DownloadEngine, 'download'> = {
			async download(ref) {
				active++;
				peak = Math.max(peak, active);
				await new Promise((resolve) => setTimeout(resolve, 5));
				active--;
				if (ref.fileKey === 'k3') {
					throw new Error('disk on fire');
				}
				return { savedPath: `/x/${ref.fileKey}`, sizeBytes: 1, identity: 'bot', resumedBytes: 0 };
			},
		};
		const make = (key: string, extra: Partial<Attachment> = {}): Attachment => ({ messageId: 'om_1', sourceMessageId: 'om_1', key, resourceType: 'file', kind: 'file', downloadable: true, ...extra });
		const input = [
			...Array.from({ length: 10 }, (_, i) => make(`k${i}`)),
			make('k1'), // duplicate: one download
			make('bad/key'),
			make('st', { kind: 'sticker', downloadable: false, notDownloadableReason: 'sticker' }),
		];
		const summary = await bulkDownload(fake, input, { root: '/x', concurrency: 2 });
		assert.equal(peak, 2);
		assert.equal(summary.saved.length, 9);
		assert.deepEqual(summary.failed.map((f) => [f.attachment.key, f.error.type]), [['k3', 'api'], ['bad/key', 'validation']]);
		assert.deepEqual(summary.skipped.map((s) => [s.attachment.key, s.reason]), [['st', 'sticker']]);
	});

	it('with overwrite too, two attachments of one run that want one name are both kept, and the summary says where', async () => {
		const served = addImageChat(server, fixtures, 'oc_twins', 3);
		for (const resource of served) {
			resource.contentDisposition = 'attachment; filename="photo.png"';
		}
		await fs.writeFile(path.join(work.dir, 'photo.png'), 'an older photo.png, which overwrite may replace');
		const summary = await bulkDownload(harness.engine, await attachmentsOf(client, 'oc_twins'), { root: work.dir, concurrency: 3, onConflict: 'overwrite' });
		assert.deepEqual(summary.failed.map((f) => f.error.message), []);
		const saved = summary.saved.map((s) => path.basename(s.savedPath)).sort();
		assert.deepEqual(saved, ['photo (1).png', 'photo (2).png', 'photo.png']);
		for (const item of summary.saved) {
			await expectSaved(item.savedPath, item.attachment.key); // each path holds exactly the bytes the summary says
		}
		assert.deepEqual((await listFiles(work.dir)).sort(), saved);
	});

	it('two attachments with the same file name are both kept', async () => {
		const served = addImageChat(server, fixtures, 'oc_same', 4);
		for (const resource of served) {
			resource.contentDisposition = 'attachment; filename="photo.png"';
		}
		const summary = await bulkDownload(harness.engine, await attachmentsOf(client, 'oc_same'), { root: work.dir, concurrency: 4 });
		assert.deepEqual(summary.failed.map((f) => f.error.message), [], 'concurrent downloads that want one name must not share its .part');
		assert.deepEqual(summary.saved.map((s) => path.basename(s.savedPath)).sort(), ['photo (1).png', 'photo (2).png', 'photo (3).png', 'photo.png']);
		for (const saved of summary.saved) {
			await expectSaved(saved.savedPath, saved.attachment.key);
		}
		assert.deepEqual((await fs.readdir(work.dir)).filter((f) => f.endsWith('.part')), []);
	});
});
