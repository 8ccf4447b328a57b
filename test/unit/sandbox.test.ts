import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LarkClient } from '../../src/core/lark/larkClient';
import type { Message } from '../../src/core/lark/model';
import { botHarness, userHarness, type Harness } from '../support/engineHarness';
import { sha256File, tempDir } from '../support/fixtures';
import { LarkTestServer } from '../support/larkServer';
import { generatedFile, sha256Of } from '../support/sandbox/content';
import { MiB, startSandbox, type Sandbox } from '../support/sandbox';

const KiB = 1024;

describe('streamed resources (LarkTestServer)', () => {
	let server: LarkTestServer;
	let harness: Harness;
	let work: { dir: string; cleanup: () => Promise<void> };

	beforeEach(async () => {
		server = await new LarkTestServer().start();
		harness = botHarness(server);
		work = await tempDir();
	});

	afterEach(async () => {
		await harness.close();
		await server.stop();
		await work.cleanup();
	});

	it('serves bytes generated for each range: parallel parts land byte-exact', async () => {
		const file = generatedFile('big.bin', 3 * MiB + 12_345, Buffer.from('HEADER'));
		server.addStreamedResource({ messageId: 'om_big', fileKey: 'file_big', type: 'file', contentDisposition: "attachment; filename*=UTF-8''%E5%A4%A7%E6%96%87%E4%BB%B6.bin", ...file });
		const result = await harness.engine.download({ messageId: 'om_big', fileKey: 'file_big', type: 'file' }, { root: work.dir, partSize: 512 * KiB, concurrency: 4 });
		assert.equal(path.basename(result.savedPath), '大文件.bin');
		assert.equal(result.sizeBytes, file.size);
		assert.equal(await sha256File(result.savedPath), await sha256Of(file));
		const ranges = server.resourceRequests('file_big').map((r) => r.headers.range);
		assert.ok(ranges.length >= 7, `ranges: ${ranges.join(', ')}`);
	});

	it('takes the same faults as in-memory resources, and the engine recovers from them', async () => {
		const file = generatedFile('faulty.bin', MiB);
		server.addStreamedResource({
			messageId: 'om_f', fileKey: 'file_f', type: 'file', ...file,
			fault: ({ index }) => (index === 1 ? { kind: 'truncate', after: 1000 } : index === 2 ? { kind: 'status', status: 503 } : undefined),
		});
		const result = await harness.engine.download({ messageId: 'om_f', fileKey: 'file_f', type: 'file' }, { root: work.dir, partSize: 256 * KiB, concurrency: 1 });
		assert.equal(await sha256File(result.savedPath), await sha256Of(file));
	});

	it('caps the bandwidth of streamed answers when asked', async () => {
		const file = generatedFile('slow.bin', 600 * KiB);
		server.addStreamedResource({ messageId: 'om_s', fileKey: 'file_s', type: 'file', ...file });
		server.bytesPerSecond = 2 * MiB;
		const started = Date.now();
		await harness.engine.download({ messageId: 'om_s', fileKey: 'file_s', type: 'file' }, { root: work.dir, partSize: 8 * MiB, concurrency: 1 });
		assert.ok(Date.now() - started >= 200, `took ${Date.now() - started} ms`);
	});
});

describe('the sandbox tenant', () => {
	let sandbox: Sandbox;
	let work: { dir: string; cleanup: () => Promise<void> };

	before(async () => {
		sandbox = await startSandbox();
		work = await tempDir();
	});

	after(async () => {
		await sandbox.stop();
		await work.cleanup();
	});

	async function allMessages(harness: Harness, chatId: string): Promise<{ messages: Message[]; pages: number }> {
		const client = new LarkClient(harness.session);
		const messages: Message[] = [];
		let pages = 0;
		let token: string | undefined;
		do {
			const page = await client.listMessagesPage({ containerId: chatId, containerType: 'chat', sort: 'desc', pageSize: 20 }, token);
			messages.push(...page.items);
			pages++;
			token = page.hasMore ? page.pageToken : undefined;
		} while (token !== undefined);
		return { messages, pages };
	}

	it('lists group chats to the bot and the p2p chat to the user, with Chinese and English names', async () => {
		const bot = botHarness(sandbox.server);
		const user = userHarness(sandbox.server, sandbox.userAccessToken);
		try {
			const botChats = [];
			for await (const chat of new LarkClient(bot.session).listChats({ sort: 'active' })) {
				botChats.push(chat);
			}
			const userChats = [];
			for await (const chat of new LarkClient(user.session).listChats({ sort: 'active', types: ['group', 'p2p'] })) {
				userChats.push(chat);
			}
			assert.ok(botChats.length >= 5 && !botChats.some((c) => c.type === 'p2p'));
			assert.ok(userChats.some((c) => c.type === 'p2p'));
			assert.ok(botChats.some((c) => /[\u4e00-\u9fff]/.test(c.name)) && botChats.some((c) => /^[A-Za-z]/.test(c.name)));
		} finally {
			await bot.close();
			await user.close();
		}
	});

	it('has several pages of every kind of message in the design chat', async () => {
		const bot = botHarness(sandbox.server);
		try {
			const { messages, pages } = await allMessages(bot, sandbox.catalog.chats.design);
			assert.ok(pages >= 3, `${pages} pages`);
			const kinds = new Set(messages.map((m) => m.msgType));
			for (const kind of ['text', 'image', 'file', 'audio', 'media', 'post', 'merge_forward', 'sticker', 'interactive']) {
				assert.ok(kinds.has(kind), `no ${kind} message`);
			}
			const times = messages.map((m) => m.createTime.getTime());
			assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
		} finally {
			await bot.close();
		}
	});

	it('serves real files under their UTF-8 names, from KB to hundreds of MB', async () => {
		// (sizes of small files are known only once they are generated: look at two of them, not all)
		assert.ok(sandbox.resource('产品发布会录像 Launch keynote (full).mp4').file.size > 200 * MiB);
		assert.ok(sandbox.resource('发票 Invoice INV-2024-0517.pdf').file.size < 10 * KiB);
		const zipMagic = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
		const magic: [string, Buffer][] = [
			['设计规范 Design Spec v2.3.pdf', Buffer.from('%PDF-1.4')],
			['2024 Q2 预算 Budget.xlsx', zipMagic],
			['品牌素材 Brand assets 2024.zip', zipMagic],
			['产品演示 walkthrough.mp4', Buffer.from([0, 0, 0, 32, ...Buffer.from('ftypisom')])],
		];
		const bot = botHarness(sandbox.server);
		try {
			for (const [name, signature] of magic) {
				const resource = sandbox.resource(name);
				const result = await bot.engine.download({ messageId: resource.messageId, fileKey: resource.fileKey, type: resource.type }, { root: work.dir });
				assert.equal(path.basename(result.savedPath), name);
				const head = (await fs.readFile(result.savedPath)).subarray(0, signature.length);
				assert.deepEqual(head, signature, name);
				assert.equal(await sha256File(result.savedPath), await sandbox.sha256(resource), name);
			}
			const image = sandbox.catalog.resources.find((r) => r.type === 'image');
			assert.ok(image);
			const saved = await bot.engine.download({ messageId: image.messageId, fileKey: image.fileKey, type: 'image' }, { root: work.dir });
			assert.deepEqual([...(await fs.readFile(saved.savedPath)).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
		} finally {
			await bot.close();
		}
	});
});
