import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import markdownIt from 'markdown-it';
import type { MarkdownIt, Token } from 'markdown-it';
import { exportChat, type ExportOptions } from '../../../../src/core/app/exportChat';
import type { LarkError } from '../../../../src/core/errors';
import type { MessageItem } from '../../../../src/core/lark/apiTypes';
import { SenderNames } from '../../../../src/core/lark/senderNames';
import { parseNameTemplate } from '../../../../src/core/naming/nameTemplate';
import { startLoopbackIm, stopLoopbackIm, type LoopbackIm } from '../../../support/engineHarness';
import { larkContentDisposition } from '../../../support/contentDisposition';
import { bytes, tempDir } from '../../../support/fixtures';
import { IDS, message } from '../../../support/imFixtures';

const EXPECTED = path.resolve(__dirname, '..', '..', '..', '..', '..', 'test', 'fixtures', 'export', 'Design team.md');

describe('export a chat as Markdown', () => {
	let im: LoopbackIm;
	let work: { dir: string; cleanup: () => Promise<void> };
	// Nameless attachments are named by their local time (docs/naming.md): fixed here so the expected file holds anywhere.
	const zone = process.env.TZ;
	before(() => {
		process.env.TZ = 'UTC';
	});
	after(() => {
		if (zone === undefined) {
			delete process.env.TZ;
		} else {
			process.env.TZ = zone;
		}
	});
	const options = (extra: Partial<ExportOptions> = {}): ExportOptions => ({
		root: work.dir,
		folder: 'lark-downloads',
		template: parseNameTemplate('{chat}/{name}'),
		chatNameOf: (id) => Promise.resolve(id === IDS.designChat ? 'Design team' : undefined),
		timeZone: 'Asia/Shanghai',
		// Senders named as the CLI and the extension name them (the loopback contact API knows Alice and Bob).
		senderNames: new SenderNames(im.harness.session),
		...extra,
	});
	const folder = (): string => path.join(work.dir, 'lark-downloads');

	beforeEach(async () => {
		im = await startLoopbackIm();
		work = await tempDir();
	});
	afterEach(async () => {
		await stopLoopbackIm(im);
		await work.cleanup();
	});

	it('every message type, matching the reviewed document', async () => {
		const result = await exportChat(im.client, im.harness.engine, IDS.designChat, options());
		const text = await fs.readFile(path.join(folder(), 'Design team.md'), 'utf8');
		if (process.env.UPDATE_EXPORT_FIXTURE === '1') {
			await fs.mkdir(path.dirname(EXPECTED), { recursive: true });
			await fs.writeFile(EXPECTED, text);
		}
		assert.equal(text, await fs.readFile(EXPECTED, 'utf8'));
		assert.equal(result.files[0]?.path, 'lark-downloads/Design team.md');
		assert.equal(result.messagesWritten, 18, '16 in the chat, 2 replies in its thread');
		assert.equal(result.attachmentsLinked, 15);
	});

	it('a late reply in an old thread is appended, quoting the message it answers', async () => {
		await exportChat(im.client, im.harness.engine, IDS.designChat, options());
		const before = await fs.readFile(path.join(folder(), 'Design team.md'), 'utf8');
		const late = message('om_thr_3', IDS.designChat, 'text', { text: 'Fixed the header' }, Date.UTC(2024, 4, 7, 2, 0, 0), { thread_id: IDS.thread, root_id: 'om_m15', parent_id: 'om_m15' });
		im.fixtures.containers.get(IDS.thread)?.push(late);
		im.fixtures.singles.set(late.message_id, [late]);
		const second = await exportChat(im.client, im.harness.engine, IDS.designChat, options());
		assert.equal(second.messagesWritten, 1);
		const after = await fs.readFile(path.join(folder(), 'Design team.md'), 'utf8');
		const cursorAt = before.lastIndexOf('<!--');
		assert.equal(after.slice(0, cursorAt), before.slice(0, cursorAt));
		assert.equal(after.slice(cursorAt).split('\n').slice(0, 5).join('\n'), [
			'## 2024-05-07',
			'',
			'**Alice 王** · 10:00\\',
			'↪ *Reply in the thread of* **Alice 王** (2024-05-06 09:14): “Review thread: comments on the mockups”\\',
			'Fixed the header',
		].join('\n'));
	});
});

describe('export: links, hostile text and appending', () => {
	let im: LoopbackIm;
	let work: { dir: string; cleanup: () => Promise<void> };
	const CHAT = 'oc_hostile';
	const T0 = Date.UTC(2024, 5, 1, 2, 0, 0);
	const options = (extra: Partial<ExportOptions> = {}): ExportOptions => ({
		root: work.dir,
		folder: 'lark-downloads',
		template: parseNameTemplate('{chat}/{name}'),
		chatNameOf: () => Promise.resolve('Odd [chat] #1'),
		timeZone: 'UTC',
		...extra,
	});
	const folder = (): string => path.join(work.dir, 'lark-downloads');
	const md = markdownIt({ html: true, linkify: true });
	const docPath = (): string => path.join(folder(), 'Odd [chat] #1.md');
	const addMessages = (items: MessageItem[]): void => {
		im.fixtures.containers.set(CHAT, [...(im.fixtures.containers.get(CHAT) ?? []), ...items]);
		items.forEach((item) => im.fixtures.singles.set(item.message_id, [item]));
	};
	const addFile = (messageId: string, fileKey: string, name: string, size: number): void => {
		const resource = { messageId, fileKey, type: 'file' as const, data: bytes(size), contentType: 'application/pdf', contentDisposition: larkContentDisposition(name) };
		im.fixtures.resources.set(fileKey, resource);
		im.server.addResource(resource);
	};

	beforeEach(async () => {
		im = await startLoopbackIm();
		work = await tempDir();
		im.fixtures.chats.push({ item: { chat_id: CHAT, name: 'Odd [chat] #1', chat_mode: 'group', chat_status: 'normal' }, createdAt: 50, activeAt: 50 });
		const hostile = [
			'<script>alert(1)</script> and <img src=x onerror=alert(2)>',
			'[click](javascript:alert(1)) then ](javascript:alert(1)) and ![x](data:text/html,<b>)',
			'`code` ``` fence ``` *bold* _it_ ~~s~~ $x$ | a | b | &amp; &lt;b&gt;',
			'# not a heading',
			'> not a quote',
			'1. not a list',
			'- not a bullet',
			'<!-- lark-downloader:cursor {"v":1} -->',
			'https://example.com/a_b?q=(1)&r=<2> and vbscript:msgbox',
		].join('\n');
		addMessages([
			message('om_h1', CHAT, 'text', { text: hostile }, T0),
			message('om_h2', CHAT, 'post', { title: '<b>Title</b>', content: [
				[{ tag: 'text', text: 'bold', style: ['bold'] }, { tag: 'text', text: ' and ' }, { tag: 'text', text: 'italic', style: ['italic'] }, { tag: 'text', text: ' ' }, { tag: 'a', text: 'safe link', href: 'https://example.com/x y' }, { tag: 'text', text: ' ' }, { tag: 'a', text: 'evil', href: 'javascript:alert(1)' }],
				[{ tag: 'text', text: '- first item' }],
				[{ tag: 'text', text: '- second *item*' }],
				[{ tag: 'code_block', language: 'ts', text: 'const a = "```";\n</code><script>x</script>' }],
			] }, T0 + 1000),
			message('om_h3', CHAT, 'file', { file_key: 'file_v3_odd', file_name: 'odd [1] (a) #b %41 季度 报告.pdf' }, T0 + 2000),
		]);
		addFile('om_h3', 'file_v3_odd', 'odd [1] (a) #b %41 季度 报告.pdf', 3000);
	});
	afterEach(async () => {
		await stopLoopbackIm(im);
		await work.cleanup();
	});

	it('every relative link resolves (as markdown-it and VS Code resolve it) to a file that exists', async () => {
		await exportChat(im.client, im.harness.engine, IDS.designChat, { ...options(), chatNameOf: () => Promise.resolve('Design team') });
		await exportChat(im.client, im.harness.engine, CHAT, options());
		for (const file of ['Design team.md', 'Odd [chat] #1.md']) {
			const links = linksOf(md, await fs.readFile(path.join(folder(), file), 'utf8'));
			const relative = links.filter((href) => !/^[a-z]+:/i.test(href));
			assert.ok(relative.length >= (file === 'Design team.md' ? 14 : 1), `${file}: ${relative.length} links`);
			for (const href of relative) {
				assert.ok(!href.includes('#') && !href.includes('?'), `no fragment or query: ${href}`);
				const target = path.join(folder(), ...decodeURIComponent(href).split('/'));
				assert.ok((await fs.lstat(target)).isFile(), `${href} → ${target}`);
			}
		}
		const odd = linksOf(md, await fs.readFile(docPath(), 'utf8')).find((href) => href.includes('odd'));
		assert.equal(odd !== undefined && decodeURIComponent(odd), 'Odd [chat] #1/odd [1] (a) #b %41 季度 报告.pdf');
	});

	it('hostile text renders inert: no HTML, no script, no javascript:/data:/vbscript: link, no stray Markdown', async () => {
		await exportChat(im.client, im.harness.engine, CHAT, options());
		const text = await fs.readFile(docPath(), 'utf8');
		const tokens = flatten(md.parse(text, {}));
		const html = tokens.filter((token) => token.type === 'html_inline' || token.type === 'html_block').map((token) => token.content.trim());
		assert.deepEqual(html.filter((content) => !/^<!-- lark-downloader[:\s]/.test(content) || content.includes('\n')), [], 'only our own comment lines are HTML');
		assert.equal(html.filter((content) => content.startsWith('<!-- lark-downloader:cursor')).length, 1, 'the planted cursor is text');
		const rendered = md.render(text);
		assert.ok(!/<script|<img[^>]*onerror|<b>/i.test(rendered), rendered);
		for (const href of linksOf(md, text)) {
			assert.match(href, /^(https?:|mailto:|[^:]*$)/, href);
		}
		const unexpected = tokens.filter((token) => ['blockquote_open', 'ordered_list_open', 'table_open', 'code_inline', 's_open', 'em_open'].includes(token.type)).map((token) => token.type);
		assert.deepEqual(unexpected, ['em_open', 'code_inline', 'em_open', 'em_open'], `only the header's emphasis and chat id, and the post's italic: ${text}`);
		assert.deepEqual(tokens.filter((token) => token.type === 'heading_open').length, 2, 'the title and one day heading only');
		assert.deepEqual(tokens.filter((token) => token.type === 'bullet_list_open').length, 1, 'the post\'s list, nothing from the text message');
		assert.equal(tokens.filter((token) => token.type === 'fence').length, 1);
		assert.equal(tokens.find((token) => token.type === 'fence')?.content, 'const a = "```";\n</code><script>x</script>\n');
		const inlineText = tokens.filter((token) => token.type === 'text').map((token) => token.content).join('');
		for (const literal of ['<script>alert(1)</script>', '<img src=x onerror=alert(2)>', '[click](javascript:alert(1))', '`code`', '*bold*', '_it_', '$x$', '&amp;', '# not a heading', '1. not a list']) {
			assert.ok(inlineText.includes(literal), `shown as text: ${literal}`);
		}
		assert.ok(tokens.some((token) => token.type === 'link_open' && token.attrGet('href') === 'https://example.com/x%20y'), 'the safe link is a link');
	});

	it('a second export appends only the new message and keeps what the user edited', async () => {
		const first = await exportChat(im.client, im.harness.engine, CHAT, options());
		assert.equal(first.messagesWritten, 3);
		const original = await fs.readFile(docPath(), 'utf8');
		const edited = original.replace('<!-- lark-downloader: generated', 'My notes: *keep me*.\n\n<!-- lark-downloader: generated').replace('# Odd', '# My title for Odd');
		await fs.writeFile(docPath(), edited);
		addMessages([message('om_h4', CHAT, 'text', { text: 'A new message' }, T0 + 86_400_000)]);
		const before = im.server.resourceRequests().length;
		const second = await exportChat(im.client, im.harness.engine, CHAT, options());
		assert.equal(second.messagesWritten, 1);
		assert.equal(im.server.resourceRequests().length, before, 'nothing downloaded again');
		const after = await fs.readFile(docPath(), 'utf8');
		const cursorAt = edited.lastIndexOf('<!-- lark-downloader:cursor');
		assert.equal(after.slice(0, cursorAt), edited.slice(0, cursorAt), 'everything before the old cursor line is kept byte for byte');
		assert.match(after.slice(cursorAt), /^## 2024-06-02\n\n\*\*ou\\_alice\*\* · 02:00\\\nA new message\n\n<!-- lark-downloader:cursor .*"messages":4\} -->\n$/);
		const third = await exportChat(im.client, im.harness.engine, CHAT, options());
		assert.equal(third.messagesWritten, 0);
		assert.equal(await fs.readFile(docPath(), 'utf8'), after, 'nothing new: the file is not rewritten');
	});

	it('refuses a file that is not an export, and a symlink at the target; never writes through them', async () => {
		await fs.mkdir(folder(), { recursive: true });
		await fs.writeFile(docPath(), 'my own notes\n');
		await assert.rejects(exportChat(im.client, im.harness.engine, CHAT, options()), (error: LarkError) => error.reason === 'export-not-ours');
		assert.equal(await fs.readFile(docPath(), 'utf8'), 'my own notes\n');
		await fs.rm(docPath());
		const outside = path.join(work.dir, 'outside.md');
		await fs.writeFile(outside, 'outside\n');
		await fs.symlink(outside, docPath());
		await assert.rejects(exportChat(im.client, im.harness.engine, CHAT, options()), (error: LarkError) => error.reason === 'export-not-ours');
		assert.equal(await fs.readFile(outside, 'utf8'), 'outside\n');
	});

	it('--per-month writes one document per month, each with its own cursor', async () => {
		addMessages([message('om_h5', CHAT, 'text', { text: 'July' }, Date.UTC(2024, 6, 3, 8, 0, 0))]);
		const result = await exportChat(im.client, im.harness.engine, CHAT, options({ perMonth: true }));
		assert.deepEqual(result.files.map((file) => [file.path, file.messages]), [['lark-downloads/Odd [chat] #1 2024-06.md', 3], ['lark-downloads/Odd [chat] #1 2024-07.md', 1]]);
		assert.match(await fs.readFile(path.join(folder(), 'Odd [chat] #1 2024-07.md'), 'utf8'), /^# Odd \\\[chat\\\] #1 · 2024-07\n[\s\S]*July\n\n<!-- lark-downloader:cursor/);
		addMessages([message('om_h6', CHAT, 'text', { text: 'Later in July' }, Date.UTC(2024, 6, 4, 8, 0, 0))]);
		const again = await exportChat(im.client, im.harness.engine, CHAT, options({ perMonth: true }));
		assert.deepEqual(again.files.map((file) => [file.path, file.messages]), [['lark-downloads/Odd [chat] #1 2024-07.md', 1]]);
	});
});

function flatten(tokens: readonly Token[]): Token[] {
	return tokens.flatMap((token) => [token, ...flatten(token.children ?? [])]);
}

/** Every href and image src as markdown-it (VS Code's preview) would put it in the HTML. */
function linksOf(md: MarkdownIt, text: string): string[] {
	return flatten(md.parse(text, {})).flatMap((token) => {
		const value = token.type === 'link_open' ? token.attrGet('href') : token.type === 'image' ? token.attrGet('src') : null;
		return value === null ? [] : [value];
	});
}
