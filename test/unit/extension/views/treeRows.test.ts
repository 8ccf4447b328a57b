import * as assert from 'node:assert/strict';
import type { Attachment, Chat, Message } from '../../../../src/core/lark/model';
import { env, installVscodeFake, type TreeItem } from '../../../support/vscodeFake';

const chat: Chat = { id: 'oc_1', name: 'Design', type: 'group' };
const NOW = new Date(2026, 11, 1, 15, 0, 0);

function message(extra: Partial<Message> = {}): Message {
	return { id: 'om_1', chatId: chat.id, msgType: 'text', senderId: 'ou_7d8a21f0c3e96706', senderType: 'user', createTime: new Date(2026, 11, 1, 13, 0, 0), deleted: false, textPreview: 'See the mockups', attachments: [], ...extra };
}

function attachment(extra: Partial<Attachment> = {}): Attachment {
	return { messageId: 'om_1', sourceMessageId: 'om_1', key: 'img_v3_02ab_9f', resourceType: 'image', kind: 'image', downloadable: true, ...extra };
}

describe('tree rows (what each row of the Lark view says)', () => {
	let fake: ReturnType<typeof installVscodeFake>;
	let rows: typeof import('../../../../src/extension/views/rowText');
	let ChatTreeProvider: typeof import('../../../../src/extension/views/chatTreeProvider').ChatTreeProvider;

	before(async () => {
		fake = installVscodeFake();
		rows = await import('../../../../src/extension/views/rowText');
		({ ChatTreeProvider } = await import('../../../../src/extension/views/chatTreeProvider'));
	});
	beforeEach(() => fake.reset());
	after(() => fake.uninstall());

	/** A provider over a fixed page of messages and a record of saved files. */
	function provider(messages: Message[], saved: Record<string, { path: string; size: number }> = {}, onlyWithAttachments = false, plannedName: (node: { attachment: Attachment }) => string | undefined = () => undefined) {
		const listeners: ((keys: readonly string[]) => void)[] = [];
		const index = {
			onDidChange: (listener: (keys: readonly string[]) => void) => (listeners.push(listener), { dispose: () => undefined }),
			saved: (messageId: string, key: string) => saved[`${messageId}/${key}`],
			has: (messageId: string, key: string) => saved[`${messageId}/${key}`] !== undefined,
			refusal: () => undefined,
		};
		const model = {
			onDidChange: () => ({ dispose: () => undefined }),
			isSignedIn: () => Promise.resolve(true),
			getChats: () => Promise.resolve({ state: 'loaded', value: [chat] }),
			getMessages: () => Promise.resolve({ state: 'loaded', value: { messages, pageToken: undefined, hasMore: false } }),
		};
		const tree = new ChatTreeProvider(model as never, index as never, () => onlyWithAttachments, plannedName);
		return { tree, fireIndex: (keys: string[]) => listeners.forEach((listener) => listener(keys)) };
	}

	it('a message row says what it is about, then who sent it and when, in words', async () => {
		const { tree } = provider([message({ senderName: '王小明' })]);
		const [node] = await tree.getChildren({ kind: 'chat', chat });
		assert.ok(node !== undefined);
		const item = tree.getTreeItem(node) as unknown as TreeItem;
		assert.equal(item.label, 'See the mockups');
		assert.match(item.description ?? '', /^王小明 · /);
		assert.equal(item.accessibilityInformation?.label.startsWith('王小明, '), true);
	});

	it('without a name the sender is the end of the open id; placeholders become words; files show their names', () => {
		assert.equal(rows.senderText(message()), '…e96706');
		assert.equal(rows.senderText(message({ senderType: 'app', senderId: 'cli_1' })), 'Bot');
		assert.equal(rows.messageLabel(message({ msgType: 'image', textPreview: '[Image]', attachments: [attachment()] })), 'Image');
		assert.equal(rows.messageLabel(message({ msgType: 'file', textPreview: '[File: 季度报告.pdf]', attachments: [attachment({ kind: 'file', resourceType: 'file', name: '季度报告.pdf' })] })), '季度报告.pdf');
		assert.equal(rows.messageLabel(message({ msgType: 'interactive', textPreview: '[Card: Build passed]' })), 'Build passed');
		assert.equal(rows.messageLabel(message({ deleted: true, textPreview: '[Recalled]' })), 'Recalled message');
	});

	it('times are relative today and show the day otherwise, in the user\'s language', () => {
		assert.equal(rows.whenText(new Date(2026, 11, 1, 14, 58), NOW, 'en'), '2 minutes ago');
		assert.equal(rows.whenText(new Date(2026, 11, 1, 13, 0), NOW, 'en'), '2 hours ago');
		assert.equal(rows.whenText(new Date(2026, 11, 1, 13, 0), NOW, 'zh-cn'), '2小时前');
		assert.match(rows.whenText(new Date(2026, 10, 30, 9, 5), NOW, 'en'), /^Mon, Nov 30.*09:05/);
		assert.match(rows.whenText(new Date(2025, 10, 30, 9, 5), NOW, 'zh-cn'), /2025年11月30日/);
	});

	it('an attachment row: its name, kind and size, "downloaded" once on disk, its file type\'s icon, Open on click', async () => {
		const pdf = attachment({ key: 'file_v3_1', kind: 'file', resourceType: 'file', name: '季度报告.pdf' });
		const photo = attachment({ key: 'img_v3_2' });
		const { tree } = provider([message({ attachments: [pdf, photo] })], { 'om_1/img_v3_2': { path: '/w/lark-downloads/Design/2026-12-01 130000 image 2.png', size: 1_500_000 } });
		const [messageNode] = await tree.getChildren({ kind: 'chat', chat });
		assert.ok(messageNode !== undefined);
		const [pdfRow, photoRow] = (await tree.getChildren(messageNode)).map((node) => tree.getTreeItem(node) as unknown as TreeItem);
		assert.equal(pdfRow?.label, '季度报告.pdf');
		assert.equal(pdfRow?.description, 'File');
		assert.equal((pdfRow?.iconPath as { id: string }).id, 'file', 'the icon theme picks the PDF icon from the name');
		assert.equal(photoRow?.label, '2026-12-01 130000 image 2.png', 'the name it was saved under');
		assert.equal(photoRow?.description, 'Image · 1.4 MiB · downloaded');
		assert.equal(photoRow?.command?.command, 'larkDownloader.openAttachment');
		assert.match(String((photoRow?.tooltip as { value: string }).value), /!\[.*\]\(file:\/\/.*\|width=240\)/, 'a thumbnail in the hover');
	});

	it('a nameless attachment not downloaded yet shows the name the name template will give it', async () => {
		const { tree } = provider([message({ attachments: [attachment()] })], {}, false, (node) => `planned ${node.attachment.key}.png`);
		const [messageNode] = await tree.getChildren({ kind: 'chat', chat });
		const [row] = await tree.getChildren(messageNode);
		const item = tree.getTreeItem(row as never) as unknown as TreeItem;
		assert.equal(item.label, 'planned img_v3_02ab_9f.png');
		assert.equal(item.description, 'Image');
	});

	it('an empty chat says so; with "only messages with attachments" the text messages are hidden', async () => {
		const empty = provider([]);
		const [none] = await empty.tree.getChildren({ kind: 'chat', chat });
		assert.equal((empty.tree.getTreeItem(none as never) as unknown as TreeItem).label, 'No messages in this chat');
		const filtered = provider([message(), message({ id: 'om_2', attachments: [attachment({ messageId: 'om_2', sourceMessageId: 'om_2' })] })], {}, true);
		const nodes = await filtered.tree.getChildren({ kind: 'chat', chat });
		assert.deepEqual(nodes.map((node) => (node.kind === 'message' ? node.message.id : node.kind)), ['om_2']);
		const onlyText = provider([message()], {}, true);
		const [hint] = await onlyText.tree.getChildren({ kind: 'chat', chat });
		assert.equal((onlyText.tree.getTreeItem(hint as never) as unknown as TreeItem).label, 'No messages with attachments');
	});

	it('a finished download refreshes only its own rows, never the whole tree', async () => {
		const { tree, fireIndex } = provider([message({ attachments: [attachment(), attachment({ key: 'img_v3_other' })] })]);
		const [messageNode] = await tree.getChildren({ kind: 'chat', chat });
		const attachmentNodes = await tree.getChildren(messageNode);
		const fired: unknown[] = [];
		tree.onDidChangeTreeData((change) => fired.push(change));
		fireIndex(['om_1/img_v3_02ab_9f']);
		assert.deepEqual(fired, [[attachmentNodes[0]]]);
		fireIndex(['om_9/not_on_screen']);
		assert.equal(fired.length, 1, 'nothing on screen changed: no refresh');
	});

	it('relative times follow the display language (vscode.env.language)', () => {
		env.language = 'zh-cn';
		assert.equal(rows.whenText(new Date(2026, 11, 1, 14, 59, 30), NOW), '现在');
	});
});
