// The extension end to end in a real extension host, against the loopback Lark server started here.
import * as assert from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { LarkDownloaderApi } from '../../src/extension/api';
import type { AttachmentNode, ChatNode, MessageNode, TreeNode } from '../../src/extension/views/nodes/treeNode';
import { larkContentDisposition } from '../support/contentDisposition';
import { bytes } from '../support/fixtures';
import { IDS, installImFixtures, type ImFixtures } from '../support/imFixtures';
import { LarkTestServer, type ServedResource } from '../support/larkServer';
import { api, readLog, waitFor } from './support';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('Lark Downloader in the extension host', function () {
	this.timeout(60000);
	let server: LarkTestServer;
	let fixtures: ImFixtures;
	let lark: LarkDownloaderApi;
	let workspaceRoot: string;
	const errors: string[] = [];

	before(async () => {
		server = await new LarkTestServer().start();
		fixtures = installImFixtures(server);
		lark = await api();
		lark.onDidShowError((text) => errors.push(text));
		workspaceRoot = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
		assert.ok(workspaceRoot !== '');
		await vscode.workspace.getConfiguration('larkDownloader').update('baseUrl', server.baseUrl, vscode.ConfigurationTarget.Global);
		await vscode.commands.executeCommand('larkDownloader.signIn', { brand: 'feishu', appId: server.appId, appSecret: server.appSecret });
	});

	after(async () => {
		await vscode.commands.executeCommand('larkDownloader.signOut');
		await vscode.workspace.getConfiguration('larkDownloader').update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
		await server.stop();
	});

	beforeEach(() => {
		errors.length = 0;
	});

	function serve(resource: Omit<ServedResource, 'data'> & { data?: Buffer }): ServedResource {
		return server.addResource({ data: bytes(50_000), ...resource });
	}

	async function children(node?: TreeNode): Promise<TreeNode[]> {
		return (await lark.tree.getChildren(node)) ?? [];
	}

	async function treeItem(node: TreeNode): Promise<vscode.TreeItem> {
		return lark.tree.getTreeItem(node);
	}

	/** The attachment row of `key` under chat `chatId`, found as a user would: chat → messages → attachments. */
	async function attachmentRow(chatId: string, key: string): Promise<AttachmentNode> {
		const chatNode = (await children()).find((n): n is ChatNode => n.kind === 'chat' && n.chat.id === chatId);
		assert.ok(chatNode, `chat ${chatId} in the tree`);
		const messages = (await children(chatNode)).filter((n): n is MessageNode => n.kind === 'message');
		const row = (await Promise.all(messages.map(children))).flat().find((n): n is AttachmentNode => n.kind === 'attachment' && n.attachment.key === key);
		assert.ok(row, `attachment ${key} in ${chatId}`);
		return row;
	}

	it('registers every command the manifest declares', async () => {
		const manifest = vscode.extensions.getExtension('lark-downloader.lark-downloader')?.packageJSON as { contributes: { commands: { command: string }[] } };
		const registered = new Set(await vscode.commands.getCommands(true));
		for (const { command } of manifest.contributes.commands) {
			assert.ok(registered.has(command), `${command} is not registered`);
		}
	});

	it('keeps the app secret in SecretStorage only: signed in, not in settings, not in the log', async () => {
		assert.strictEqual(await lark.isSignedIn(), true);
		const settings = JSON.stringify(vscode.workspace.getConfiguration('larkDownloader'));
		assert.ok(!settings.includes(server.appSecret), 'secret in settings');
		const log = await readLog(/Signed in with app/);
		assert.ok(log.includes(server.appId));
		assert.ok(!log.includes(server.appSecret), 'secret in the log');
		assert.ok(!/Bearer t-/.test(log), 'token in the log');
	});

	it('shows chats → messages → attachments from the Lark API', async () => {
		const chats = (await children()).filter((n): n is ChatNode => n.kind === 'chat');
		const design = chats.find((c) => c.chat.id === IDS.designChat);
		assert.ok(design, `chats: ${chats.map((c) => c.chat.name).join(', ')}`);
		assert.strictEqual((await treeItem(design)).label, 'Design team');
		const messages = (await children(design)).filter((n): n is MessageNode => n.kind === 'message');
		assert.ok(messages.length > 0);
		const withImage = messages.find((m) => m.message.attachments.some((a) => a.resourceType === 'image' && a.downloadable));
		assert.ok(withImage, 'a message with an image');
		const attachments = (await children(withImage)).filter((n): n is AttachmentNode => n.kind === 'attachment');
		assert.ok(attachments.length > 0);
		const item = await treeItem(attachments[0] as AttachmentNode);
		assert.match(String(item.contextValue), /^lark\.attachment:(image|file):(new|downloaded)$/);
	});

	it('Download Message Resource… saves the exact bytes under the Chinese name Lark sends as raw UTF-8', async () => {
		const resource = serve({ messageId: 'om_palette', fileKey: 'file_v3_palette', type: 'file', contentType: 'application/pdf', contentDisposition: larkContentDisposition('合同.pdf'), data: bytes(700_000) });
		const saved = await vscode.commands.executeCommand<string>('larkDownloader.downloadResource', { messageId: resource.messageId, fileKey: resource.fileKey, type: 'file' });
		assert.strictEqual(saved, path.join(workspaceRoot, 'lark-downloads', '合同.pdf'));
		assert.strictEqual(sha256(fs.readFileSync(saved)), sha256(resource.data));
		assert.deepStrictEqual(errors, []);
	});

	it('Download from the tree saves a file under its chat and the name listed in the message', async () => {
		const attachment = await attachmentRow(IDS.financeChat, 'file_v3_invoice');
		assert.strictEqual((await treeItem(attachment)).label, '季度报告 (Q2).pdf');
		const saved = await vscode.commands.executeCommand<string>('larkDownloader.downloadAttachment', attachment);
		assert.strictEqual(saved, path.join(workspaceRoot, 'lark-downloads', 'Finance', '季度报告 (Q2).pdf'));
		const served = fixtures.resources.get('file_v3_invoice');
		assert.ok(served);
		assert.strictEqual(sha256(fs.readFileSync(saved)), sha256(served.data));
		assert.deepStrictEqual(fs.readdirSync(path.dirname(saved)), ['季度报告 (Q2).pdf'], 'no .part or other name beside it');
		assert.deepStrictEqual(errors, []);
	});

	it('with "ask", a listed attachment whose file exists is asked about before any request', async () => {
		const row = await attachmentRow(IDS.financeChat, 'file_v3_invoice');
		const existing = path.join(workspaceRoot, 'lark-downloads', 'Finance', '季度报告 (Q2).pdf');
		fs.mkdirSync(path.dirname(existing), { recursive: true });
		fs.writeFileSync(existing, 'the copy from last week');
		await vscode.workspace.getConfiguration('larkDownloader').update('conflictPolicy', 'ask', vscode.ConfigurationTarget.Workspace);
		const before = server.resourceRequests('file_v3_invoice').length;
		try {
			const running = vscode.commands.executeCommand('larkDownloader.downloadAttachment', row);
			const settled = await Promise.race([running.then(() => 'settled'), new Promise((resolve) => setTimeout(() => resolve('asking'), 3000))]);
			assert.strictEqual(server.resourceRequests('file_v3_invoice').length, before, `no request while asking (${String(settled)})`);
			if (settled === 'asking') {
				await vscode.commands.executeCommand('workbench.action.closeMessages');
			}
		} finally {
			await vscode.workspace.getConfiguration('larkDownloader').update('conflictPolicy', undefined, vscode.ConfigurationTarget.Workspace);
		}
		assert.strictEqual(fs.readFileSync(existing, 'utf8'), 'the copy from last week');
	});

	it('a card image Lark refuses (234043) is said clearly once, without a retry, and the row then says so', async () => {
		const card = fixtures.resources.get('img_v3_card');
		assert.ok(card);
		card.fault = () => ({ kind: 'status', status: 400, code: 234043, msg: 'Request message id is not support.' });
		const row = await attachmentRow(IDS.designChat, 'img_v3_card');
		assert.match(String((await treeItem(row)).contextValue), /^lark\.attachment:image:new$/, 'listed as downloadable');
		const result = await vscode.commands.executeCommand('larkDownloader.downloadAttachment', row);
		assert.strictEqual(result, undefined);
		assert.strictEqual(server.resourceRequests('img_v3_card').length, 1, 'one request: no retry, no plain GET');
		assert.strictEqual(errors.length, 1);
		assert.match(errors[0] ?? '', /^img_v3_card: Lark does not serve the image of this card/, 'named by the row (an image without a name: its key)');
		const after = await treeItem(row);
		assert.strictEqual(after.contextValue, 'lark.attachment:none:unavailable', 'remembered for that image');
		assert.match(String(after.description), /does not serve this card's image/);
		card.fault = undefined;
	});

	it('Open downloads the attachment if needed and shows it in an editor tab', async () => {
		const design = (await children()).find((n): n is ChatNode => n.kind === 'chat' && n.chat.id === IDS.designChat);
		assert.ok(design);
		const messages = (await children(design)).filter((n): n is MessageNode => n.kind === 'message');
		const imageMessage = messages.find((m) => m.message.attachments.some((a) => a.kind === 'image' && a.downloadable));
		assert.ok(imageMessage);
		const attachment = (await children(imageMessage)).find((n): n is AttachmentNode => n.kind === 'attachment' && n.attachment.kind === 'image');
		assert.ok(attachment);
		await vscode.commands.executeCommand('larkDownloader.openAttachment', attachment);
		const served = fixtures.resources.get(attachment.attachment.key);
		assert.ok(served);
		const tabUri = (t: vscode.Tab): vscode.Uri | undefined => (t.input as { uri?: vscode.Uri } | undefined)?.uri;
		const tab = await waitFor('an editor tab for the downloaded image', () =>
			vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => tabUri(t)?.fsPath.startsWith(path.join(workspaceRoot, 'lark-downloads', 'Design team')) === true))
			.catch((error: Error) => {
				const open = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => `${t.label} ${tabUri(t)?.toString() ?? '(no uri)'}`);
				throw new Error(`${error.message}; open tabs: ${open.join(' | ')}`);
			});
		const uri = (tab.input as { uri: vscode.Uri }).uri;
		assert.strictEqual(sha256(fs.readFileSync(uri.fsPath)), sha256(served.data));
		assert.match(String((await treeItem(attachment)).contextValue), /:downloaded$/);
	});

	it('Export Chat as Markdown writes <chat>.md beside its attachments and shows it in the Markdown preview', async () => {
		const finance = (await children()).find((n): n is ChatNode => n.kind === 'chat' && n.chat.id === IDS.financeChat);
		assert.ok(finance);
		await vscode.commands.executeCommand('larkDownloader.exportChat', finance);
		const file = path.join(workspaceRoot, 'lark-downloads', 'Finance.md');
		const text = fs.readFileSync(file, 'utf8');
		assert.match(text, /^# Finance\n/);
		const link = /📎 \[季度报告 \(Q2\)\.pdf\]\(([^)]+)\)/.exec(text)?.[1];
		assert.ok(link !== undefined, text);
		assert.ok(fs.statSync(path.join(workspaceRoot, 'lark-downloads', ...decodeURIComponent(link).split('/'))).isFile(), 'the link resolves to the downloaded file');
		const preview = await waitFor('the Markdown preview of Finance.md', () =>
			vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('markdown.preview') && t.label.includes('Finance.md')))
			.catch((error: Error) => {
				const open = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => `${t.label} ${t.input instanceof vscode.TabInputWebview ? t.input.viewType : ''}`);
				throw new Error(`${error.message}; open tabs: ${open.join(' | ')}`);
			});
		assert.ok(preview);
		assert.deepStrictEqual(errors, []);
	});

	it('cancel stops the download and leaves no final file', async () => {
		const resource = serve({ messageId: 'om_cancel', fileKey: 'file_v3_cancel', type: 'file', contentType: 'application/zip', data: bytes(3_000_000), fault: ({ index }) => (index === 1 ? { kind: 'stall', afterBytes: 100 } : undefined) });
		const running = vscode.commands.executeCommand<string | undefined>('larkDownloader.downloadResource', { messageId: resource.messageId, fileKey: resource.fileKey, type: 'file' });
		await waitFor('the stalled part request', () => (server.resourceRequests(resource.fileKey).length >= 2 ? true : undefined));
		assert.strictEqual(lark.runningDownloads().count, 1, 'the status bar item counts the running download');
		assert.match(lark.runningDownloads().text, /^\$\(cloud-download\) 1 · /);
		lark.cancelAllDownloads();
		assert.strictEqual(await running, undefined);
		assert.strictEqual(lark.runningDownloads().count, 0, 'gone from the status bar once cancelled');
		assert.ok(!fs.existsSync(path.join(workspaceRoot, 'lark-downloads', 'file_v3_cancel.zip')), 'no final file');
		assert.deepStrictEqual(errors, [], 'a cancel is silent');

		// The .part shows up under "Unfinished downloads"; Resume continues it to the exact bytes.
		const group = await waitFor('the Unfinished downloads row', async () => (await children()).find((node) => node.kind === 'unfinishedGroup'));
		const [row] = await children(group);
		assert.ok(row !== undefined);
		const item = await treeItem(row);
		assert.strictEqual(item.label, 'file_v3_cancel.zip');
		assert.match(String(item.description), /of 2\.9 MiB/);
		delete resource.fault;
		await vscode.commands.executeCommand('larkDownloader.resumeDownload', row);
		const saved = path.join(workspaceRoot, 'lark-downloads', 'file_v3_cancel.zip');
		assert.strictEqual(sha256(fs.readFileSync(saved)), sha256(resource.data));
		await waitFor('the row to go', async () => ((await children()).some((node) => node.kind === 'unfinishedGroup') ? undefined : true));
	});

	it('refuses an output path outside the workspace folder, before any request', async () => {
		const resource = serve({ messageId: 'om_escape', fileKey: 'file_v3_escape', type: 'file' });
		const result = await vscode.commands.executeCommand('larkDownloader.downloadResource', { messageId: resource.messageId, fileKey: resource.fileKey, type: 'file', output: '../escaped.bin' });
		assert.strictEqual(result, undefined);
		assert.strictEqual(server.resourceRequests(resource.fileKey).length, 0);
		assert.ok(!fs.existsSync(path.join(workspaceRoot, '..', 'escaped.bin')));
		assert.strictEqual(errors.length, 1);
		assert.match(errors[0] ?? '', /"\.\.\/escaped\.bin" leads outside the download folder/);
	});

	it('shows a permission error in the extension\'s words with the Lark code, once, without retrying', async () => {
		const resource = serve({ messageId: 'om_denied', fileKey: 'file_v3_denied', type: 'file', fault: () => ({ kind: 'status', status: 400, code: 234002, msg: 'No permission.' }) });
		await vscode.commands.executeCommand('larkDownloader.downloadResource', { messageId: resource.messageId, fileKey: resource.fileKey, type: 'file' });
		assert.strictEqual(server.resourceRequests(resource.fileKey).length, 1);
		assert.strictEqual(errors.length, 1);
		assert.match(errors[0] ?? '', /^file_v3_denied: /, 'the message names the file');
		assert.match(errors[0] ?? '', /no access to this chat or file in Lark/);
		assert.match(errors[0] ?? '', /\(Lark code 234002\)/);
	});

	it('a server that echoes the tenant token in an error: neither the message nor the log shows it', async () => {
		const echo = (): string => `token ${[...server.validTokens].join(' ')} may not read this`;
		const resource = serve({ messageId: 'om_echo', fileKey: 'file_v3_echo', type: 'file', fault: () => ({ kind: 'status', status: 400, code: 234002, msg: echo() }) });
		await vscode.commands.executeCommand('larkDownloader.downloadResource', { messageId: resource.messageId, fileKey: resource.fileKey, type: 'file' });
		const tokens = [...server.validTokens].filter((t) => t.startsWith('t-'));
		assert.ok(tokens.length > 0, 'the extension holds a tenant token');
		assert.strictEqual(errors.length, 1);
		assert.doesNotMatch(errors[0] ?? '', /may not read this/, 'the message is in our words, not the server\'s');
		const log = await readLog(/may not read this/);
		assert.match(log, /token (\*\*\* )+may not read this/, 'the log keeps the server\'s words, redacted');
		for (const token of tokens) {
			assert.ok(!(errors[0] ?? '').includes(token), 'token in the message');
			assert.ok(!log.includes(token), 'token in the log');
		}
	});

	it('Preview Request shows the dry run read-only, token redacted, and sends nothing', async () => {
		const resource = serve({ messageId: 'om_preview', fileKey: 'img_v3_preview', type: 'image' });
		await vscode.commands.executeCommand('larkDownloader.previewRequest', { messageId: resource.messageId, fileKey: resource.fileKey, type: 'image', output: 'pics/cat' });
		const editor = await waitFor('the preview editor', () => (vscode.window.activeTextEditor?.document.uri.scheme === 'lark-request-preview' ? vscode.window.activeTextEditor : undefined));
		const text = editor.document.getText();
		assert.match(text, /"url": "http:\/\/127\.0\.0\.1:\d+\/open-apis\/im\/v1\/messages\/om_preview\/resources\/img_v3_preview\?type=image"/);
		assert.match(text, /"Authorization": "Bearer <tenant_access_token redacted>"/);
		assert.ok(!text.includes(server.appSecret));
		assert.strictEqual(server.resourceRequests(resource.fileKey).length, 0);
	});

	it('Preview Request on an attachment row shows where the tree\'s Download would save it', async () => {
		const row = await attachmentRow(IDS.financeChat, 'file_v3_invoice');
		const before = server.resourceRequests('file_v3_invoice').length;
		await vscode.commands.executeCommand('larkDownloader.previewRequest', row);
		const editor = await waitFor('the preview editor of the row', () => (vscode.window.activeTextEditor?.document.uri.path.includes('file_v3_invoice') === true ? vscode.window.activeTextEditor : undefined));
		const text = editor.document.getText();
		assert.match(text, /\/resources\/file_v3_invoice\?type=file"/);
		assert.match(text, /"planned_output": ".*Finance.*季度报告 \(Q2\)\.pdf"/);
		assert.strictEqual(server.resourceRequests('file_v3_invoice').length, before);
		assert.deepStrictEqual(errors, []);
	});

	it('Sign Out removes the credentials and empties the tree', async () => {
		await vscode.commands.executeCommand('larkDownloader.signOut');
		assert.strictEqual(await lark.isSignedIn(), false);
		assert.deepStrictEqual(await children(), []);
		// signed out, a download says so in the extension's words (the Sign In button comes with it), sending nothing
		const before = server.requests.length;
		await vscode.commands.executeCommand('larkDownloader.downloadResource', { messageId: 'om_after_sign_out', fileKey: 'file_v3_x', type: 'file' });
		assert.strictEqual(server.requests.length, before);
		assert.strictEqual(errors.length, 1);
		assert.match(errors[0] ?? '', /Sign in to Lark first\./);
		assert.doesNotMatch(errors[0] ?? '', /LARK_|--as|lark-dl/);
		await vscode.commands.executeCommand('larkDownloader.signIn', { brand: 'feishu', appId: server.appId, appSecret: server.appSecret });
		assert.strictEqual(await lark.isSignedIn(), true);
	});
});
