import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LarkClient } from '../../../../src/core/lark/larkClient';
import type { Chat, Message } from '../../../../src/core/lark/model';
import { larkContentDisposition } from '../../../support/contentDisposition';
import { startLoopbackIm, stopLoopbackIm, type Harness } from '../../../support/engineHarness';
import { sha256, sha256File, tempDir } from '../../../support/fixtures';
import { IDS, type ImFixtures } from '../../../support/imFixtures';
import { LarkTestServer } from '../../../support/larkServer';
import { loadExtensionServices } from '../../../support/extensionServices';
import { commands, env, folder, installVscodeFake, window, workspace } from '../../../support/vscodeFake';

// The extension's download service in plain Node: the real engine against the loopback server, the vscode
// stand-in for the workspace, settings, notifications and modal questions (which the host suite cannot answer).
describe('download service (the extension\'s one way to download)', () => {
	let fake: ReturnType<typeof installVscodeFake>;
	let makeServices: Awaited<ReturnType<typeof loadExtensionServices>>;
	let server: LarkTestServer;
	let fixtures: ImFixtures;
	let harness: Harness;
	let work: { dir: string; cleanup: () => Promise<void> };

	before(async () => {
		fake = installVscodeFake();
		makeServices = await loadExtensionServices();
	});
	after(() => fake.uninstall());

	beforeEach(async () => {
		fake.reset();
		({ server, fixtures, harness } = await startLoopbackIm());
		work = await tempDir();
		workspace.workspaceFolders = [folder(work.dir)];
	});

	afterEach(async () => {
		await stopLoopbackIm({ server, harness });
		await work.cleanup();
	});

	const service = () => makeServices(harness, transfers);

	/** A stand-in for the status bar item: what started, the last bytes each reported, what finished. */
	const transfers = {
		events: [] as string[],
		start(label: string, cancel: () => void) {
			void cancel;
			transfers.events.push(`start ${label}`);
			let last = 0;
			return {
				update: (bytes: number) => {
					last = bytes;
				},
				finish: () => transfers.events.push(`finish ${label} at ${last}`),
			};
		},
	};

	async function listed(chatId: string, key: string): Promise<{ chat: Chat; message: Message; attachment: Message['attachments'][number] }> {
		const client = new LarkClient(harness.session);
		const page = await client.listMessagesPage({ containerId: chatId, containerType: 'chat', sort: 'asc' });
		const message = page.items.find((m) => m.attachments.some((a) => a.key === key));
		const attachment = message?.attachments.find((a) => a.key === key);
		assert.ok(message && attachment);
		return { chat: { id: chatId, name: chatId === IDS.financeChat ? 'Finance' : 'Design team', type: 'group' }, message, attachment };
	}

	it('a listed attachment lands under the name template, byte-exact, with its progress worded', async () => {
		const { downloads, index } = service();
		const item = await listed(IDS.financeChat, 'file_v3_invoice');
		const { uri } = await downloads.download({ ref: { messageId: item.attachment.messageId, fileKey: item.attachment.key, type: 'file' }, listed: item, label: item.attachment.name ?? '' });
		assert.equal(uri.fsPath, path.join(work.dir, 'lark-downloads', 'Finance', '季度报告 (Q2).pdf'));
		assert.equal(await sha256File(uri.fsPath), sha256(fixtures.resources.get('file_v3_invoice')?.data ?? Buffer.alloc(0)));
		assert.ok(index.has(item.attachment.messageId, item.attachment.key));
		assert.ok(window.progress.some((p) => /of .* · .*\/s/.test(p.message ?? '') || /—/.test(p.message ?? '')), JSON.stringify(window.progress));
	});

	for (const [answer, expected] of [['Replace', 'replaced'], ['Keep Both', 'kept']] as const) {
		it(`"ask" asks before any request when the file exists, then does what was answered (${answer})`, async () => {
			workspace.settings['larkDownloader.conflictPolicy'] = 'ask';
			const existing = path.join(work.dir, 'lark-downloads', 'Finance', '季度报告 (Q2).pdf');
			await fs.mkdir(path.dirname(existing), { recursive: true });
			await fs.writeFile(existing, 'last week');
			const item = await listed(IDS.financeChat, 'file_v3_invoice');
			const before = server.resourceRequests('file_v3_invoice').length;
			window.answer = answer;
			const { downloads } = service();
			const { uri } = await downloads.download({ ref: { messageId: item.attachment.messageId, fileKey: item.attachment.key, type: 'file' }, listed: item });
			assert.equal(window.warnings.length, 1, 'asked exactly once');
			assert.match(window.warnings[0] ?? '', /already exists/);
			assert.equal(server.resourceRequests('file_v3_invoice').length - before, 1, 'one request: the download, never a probe before the question');
			const served = sha256(fixtures.resources.get('file_v3_invoice')?.data ?? Buffer.alloc(0));
			if (expected === 'replaced') {
				assert.equal(uri.fsPath, existing);
			} else {
				assert.equal(uri.fsPath, path.join(path.dirname(existing), '季度报告 (Q2) (1).pdf'));
				assert.equal(await fs.readFile(existing, 'utf8'), 'last week');
			}
			assert.equal(await sha256File(uri.fsPath), served);
		});
	}

	it('"ask" with a name only the server gives: asked once after the probe, and nothing is requested twice', async () => {
		workspace.settings['larkDownloader.conflictPolicy'] = 'ask';
		const resource = server.addResource({ messageId: 'om_palette', fileKey: 'file_v3_palette', type: 'file', data: Buffer.alloc(700_000, 7), contentType: 'application/pdf', contentDisposition: larkContentDisposition('合同.pdf') });
		const existing = path.join(work.dir, 'lark-downloads', '合同.pdf');
		await fs.mkdir(path.dirname(existing), { recursive: true });
		await fs.writeFile(existing, 'mine');
		window.answer = 'Keep Both';
		const { downloads } = service();
		const { uri } = await downloads.download({ ref: { messageId: resource.messageId, fileKey: resource.fileKey, type: 'file' } });
		assert.deepEqual(window.warnings, ['lark-downloads/合同.pdf already exists.']);
		assert.equal(uri.fsPath, path.join(work.dir, 'lark-downloads', '合同 (1).pdf'));
		assert.equal(await sha256File(uri.fsPath), sha256(resource.data));
		assert.equal(await fs.readFile(existing, 'utf8'), 'mine');
		const probes = server.resourceRequests('file_v3_palette').filter((r) => r.headers.range === 'bytes=0-131071');
		assert.equal(probes.length, 1, 'one probe: the download was not started over after the question');
	});

	it('a card image Lark refuses is remembered, so the tree stops offering it', async () => {
		const card = fixtures.resources.get('img_v3_card');
		assert.ok(card);
		card.fault = () => ({ kind: 'status', status: 400, code: 234043, msg: 'not served' });
		const { downloads, index } = service();
		const item = await listed(IDS.designChat, 'img_v3_card');
		await assert.rejects(downloads.download({ ref: { messageId: item.attachment.messageId, fileKey: item.attachment.key, type: 'image' }, listed: item }), /does not serve the image of this card/);
		assert.match(index.refusal(item.attachment.messageId, item.attachment.key) ?? '', /does not serve this card's image/);
	});

	it('a row\'s download reports in the Lark view (no notification) and in the status bar item, start to finish', async () => {
		const { downloads } = service();
		const item = await listed(IDS.financeChat, 'file_v3_invoice');
		const locations: unknown[] = [];
		const original = window.withProgress;
		window.withProgress = ((options: { title: string; location: unknown; cancellable?: boolean }, task: Parameters<typeof original>[1]) => {
			locations.push({ location: options.location, cancellable: options.cancellable });
			return original(options, task);
		}) as typeof original;
		transfers.events.length = 0;
		try {
			await downloads.download({ ref: { messageId: item.attachment.messageId, fileKey: item.attachment.key, type: 'file' }, listed: item, label: '季度报告 (Q2).pdf', where: 'view' });
		} finally {
			window.withProgress = original;
		}
		assert.deepEqual(locations, [{ location: { viewId: 'larkDownloader.chats' }, cancellable: false }]);
		assert.equal(transfers.events[0], 'start 季度报告 (Q2).pdf');
		assert.match(transfers.events[1] ?? '', /^finish 季度报告 \(Q2\)\.pdf at [1-9]\d*$/);
	});

	it('an attachment already downloaded is offered to open, not copied as "(1)"; Download Again fetches it', async () => {
		const { downloads } = service();
		const item = await listed(IDS.financeChat, 'file_v3_invoice');
		const ref = { messageId: item.attachment.messageId, fileKey: item.attachment.key, type: 'file' } as const;
		const first = await downloads.download({ ref, listed: item });
		const requests = server.resourceRequests().length;
		window.infoChoice = 'Open';
		const second = await downloads.download({ ref, listed: item });
		assert.deepEqual(window.infos.map((i) => [i.message, i.items]), [['lark-downloads/Finance/季度报告 (Q2).pdf is already downloaded.', ['Open', 'Download Again']]]);
		assert.deepEqual({ file: second.uri.fsPath, alreadyThere: second.alreadyThere }, { file: first.uri.fsPath, alreadyThere: true });
		assert.deepEqual(commands.executed.map((c) => c.command), [], 'a PDF does not open in a text editor');
		assert.deepEqual(env.opened, [`file://${first.uri.fsPath}`], 'it opens with the system\'s app');
		assert.equal(server.resourceRequests().length, requests, 'no request');

		window.infoChoice = undefined;
		await assert.rejects(downloads.download({ ref, listed: item }), (error: Error) => error.constructor.name === 'CancellationError', 'dismissed: nothing happens');
		window.infoChoice = 'Download Again';
		window.answer = 'Replace';
		const third = await downloads.download({ ref, listed: item });
		assert.ok(server.resourceRequests().length > requests, 'fetched again');
		assert.equal(await sha256File(third.uri.fsPath), sha256(fixtures.resources.get('file_v3_invoice')?.data ?? Buffer.alloc(0)));
	});

	it('the tree\'s ✓ comes from the folder\'s record checked against the disk: a deleted file is not ✓, one saved by lark-dl is', async () => {
		const { downloads, index } = service();
		const item = await listed(IDS.financeChat, 'file_v3_invoice');
		const { uri } = await downloads.download({ ref: { messageId: item.attachment.messageId, fileKey: item.attachment.key, type: 'file' }, listed: item });
		assert.ok(index.has(item.attachment.messageId, item.attachment.key));
		await fs.rm(uri.fsPath);
		await index.reload();
		assert.equal(index.has(item.attachment.messageId, item.attachment.key), false, 'deleted: no ✓');
		assert.equal(await index.find(item.attachment.messageId, item.attachment.key), undefined);

		// Another tool (the CLI, another window) records a file in the same folder: a fresh index sees it.
		const { recordDownload } = await import('../../../../src/core/app/recordDownload');
		const saved = path.join(work.dir, 'lark-downloads', 'from-cli.bin');
		await fs.writeFile(saved, 'saved by lark-dl');
		await recordDownload(path.join(work.dir, 'lark-downloads'), { messageId: 'om_cli', fileKey: 'file_cli', type: 'file' }, { savedPath: saved, sizeBytes: 16 });
		const { index: other } = service();
		await other.reload();
		assert.ok(other.has('om_cli', 'file_cli'));
		assert.equal((await other.find('om_cli', 'file_cli'))?.fsPath, saved);
	});

	it('Download All skips what the folder has: a second run sends no resource request and makes no "(1)" copy', async () => {
		const { archive } = service();
		const client = new LarkClient(harness.session);
		const page = await client.listMessagesPage({ containerId: IDS.financeChat, containerType: 'chat', sort: 'asc' });
		const chat = { id: IDS.financeChat, name: 'Finance', type: 'group' as const };
		const first = await archive.downloadMany(page.items, 'Finance', chat);
		assert.ok(first.saved.length > 0);
		const requests = server.resourceRequests().length;
		const second = await archive.downloadMany(page.items, 'Finance', chat);
		assert.equal(second.saved.length, 0);
		assert.equal(second.alreadySaved.length, first.saved.length);
		assert.equal(server.resourceRequests().length, requests);
		const files = await fs.readdir(path.join(work.dir, 'lark-downloads'), { recursive: true });
		assert.ok(!files.some((name) => String(name).includes('(1)')), JSON.stringify(files));
	});
});
