#!/usr/bin/env node
// `npm run screenshots`: runs the demo (sandbox with realistic latency + code-server) in headless Chromium and
// saves the README's pictures to docs/screenshots/:
//   tree.png               the Lark view: chats → messages → attachments
//   download-progress.png  a 318 MB video downloading (the sandbox's bandwidth cap slows it down): the view's
//                          progress and the status bar item of running downloads
//   image-preview.png      an image attachment opened from the tree in VS Code's image preview
//   export-preview.png     a chat exported as Markdown (Export Chat as Markdown…), shown in the Markdown preview
// Chinese chat names and emoji need fonts for Chromium: the script installs fonts-wqy-microhei and
// fonts-noto-color-emoji with apt when run as root (scripts/install-system-packages.sh), else says what to run.
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { launchBrowser, sleep, ROOT } = require('./lib/code-server');
const { Workbench } = require('./lib/workbench');
const { startDemo } = require('./demo');

const OUT = path.join(ROOT, 'docs', 'screenshots');
const started = Date.now();
const say = (message) => console.error(`[screenshots ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

function hasCjkFont() {
	try {
		return execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).trim() !== '';
	} catch {
		return true; // no fontconfig to ask: assume the platform has one
	}
}

async function main() {
	// Chinese chat names and emoji would show as boxes without these fonts: installed once like Chromium.
	const installer = path.join(__dirname, 'install-system-packages.sh');
	const fonts = spawnSync('bash', [installer, 'Chinese text and emoji in the screenshots', 'fonts-wqy-microhei', 'fonts-noto-color-emoji'], { stdio: ['ignore', 'inherit', 'inherit'] });
	if (fonts.status !== 0 && !hasCjkFont()) {
		throw new Error('no CJK font: the Chinese chat names would show as boxes. Install one (Debian: apt-get install fonts-wqy-microhei)');
	}
	fs.mkdirSync(OUT, { recursive: true });
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lark-shots-'));
	const workspace = path.join(tmp, 'workspace');
	let demo;
	let browser;
	let page;
	try {
		demo = await startDemo({ latency: true, workspace });
		const { sandbox } = demo;
		browser = await launchBrowser(tmp, { width: 1440, height: 900 });
		page = browser.pages()[0] ?? (await browser.newPage());
		const bench = new Workbench(page, say);
		await bench.open(demo.url);
		await bench.openContainer('Lark');
		await bench.treeRow('设计评审 · Design Review').waitFor({ timeout: 90_000 }); // the development host signed itself in
		await bench.runCommand('Notifications: Clear All Notifications');

		// The side bar stays at its default width: what a user sees on first opening the view.
		const row = (text) => page.locator('.sidebar .monaco-list-row', { hasText: text }).first();
		const expand = async (text) => {
			await row(text).waitFor({ timeout: 60_000 });
			if ((await row(text).getAttribute('aria-expanded')) !== 'true') {
				await row(text).click();
			}
			await page.waitForTimeout(600);
		};
		const attachmentRow = (text) => page.locator('.sidebar .monaco-list-row[aria-level="3"]', { hasText: text }).first();
		// A context-menu item, chosen the way a keyboard user does: a click right after the menu opens is sometimes lost.
		const chooseMenuItem = async (text) => {
			const item = page.locator('.context-view .monaco-menu .action-item', { hasText: text }).first();
			await item.waitFor({ timeout: 10_000 });
			await page.waitForTimeout(400);
			await item.hover();
			await page.keyboard.press('Enter');
		};
		const collapse = async (text) => {
			if ((await row(text).getAttribute('aria-expanded')) === 'true') {
				await row(text).click();
			}
		};

		// 1. the tree: a chat, its newest messages, the attachments of a post and a video message
		await expand('设计评审 · Design Review');
		await expand('设计周报 · 第 19 周');
		await expand('screen-recording');
		await attachmentRow('screen-recording').click(); // selected: its inline Download button shows
		await page.mouse.move(1100, 600);
		await page.waitForTimeout(800);
		await page.screenshot({ path: path.join(OUT, 'tree.png') });
		say('tree.png');
		await collapse('设计评审 · Design Review');

		// 2. a download in progress: the 318 MB keynote recording, slowed down to a few MiB/s
		const keynote = sandbox.resource('产品发布会录像 Launch keynote (full).mp4');
		sandbox.setBytesPerSecond(1.5 * 1024 * 1024);
		await expand('Product Launch 产品发布');
		await expand('产品发布会录像');
		const attachment = attachmentRow(keynote.name);
		await attachment.click();
		await attachment.locator('.action-label[aria-label="Download"]').click();
		// a row's download reports in the view, and in the status bar item of running downloads
		await page.locator('.statusbar-item[aria-label^="Lark:"]').first().waitFor({ timeout: 60_000 });
		await page.mouse.move(1100, 300);
		await page.waitForTimeout(6000);
		await page.screenshot({ path: path.join(OUT, 'download-progress.png') });
		say('download-progress.png');
		sandbox.setBytesPerSecond(undefined); // the remaining parts at full speed
		const saved = path.join(workspace, 'lark-downloads', 'Product Launch 产品发布', keynote.name); // the default name template {chat}/{name}
		for (let i = 0; i < 600 && !fs.existsSync(saved); i++) {
			await sleep(200);
		}
		if (!fs.existsSync(saved)) {
			throw new Error(`${saved} did not arrive`);
		}
		await bench.runCommand('Notifications: Clear All Notifications');
		await collapse('Product Launch 产品发布');

		// 3. an image opened from the tree (downloaded first, then shown in the image preview)
		await expand('设计评审 · Design Review');
		await expand('团建照片');
		const imageMessage = page.locator('.sidebar .monaco-list-row[aria-level="2"]', { hasText: /^Image/ }).first();
		await imageMessage.click();
		await page.waitForTimeout(600);
		const imageRow = page.locator('.sidebar .monaco-list-row[aria-level="3"]', { hasText: / image [0-9a-z_-]+/ }).first(); // the name the template gives it
		await imageRow.click();
		await imageRow.locator('.action-label[aria-label="Download"]').click();
		await bench.waitForNotification(/Saved/);
		await page.waitForTimeout(1500);
		// The row now carries the saved file's name; it stays selected, and a downloaded row opens its file.
		await page.locator('.sidebar .monaco-list-row.selected[aria-level="3"]').first().click();
		await page.locator('.editor-instance .image-preview, .editor-instance iframe, .webview').first().waitFor({ timeout: 60_000 });
		await page.waitForTimeout(2500);
		await page.mouse.move(900, 780);
		await page.screenshot({ path: path.join(OUT, 'image-preview.png') });
		say('image-preview.png');

		// 4. the chat exported as Markdown from its context menu, shown in the Markdown preview, scrolled to a post
		await bench.runCommand('View: Close All Editors');
		await bench.runCommand('Notifications: Clear All Notifications');
		await row('设计评审 · Design Review').click({ button: 'right' });
		await chooseMenuItem('Export Chat as Markdown');
		await page.locator('.editor-instance iframe, .webview').first().waitFor({ timeout: 60_000 });
		await page.waitForTimeout(3000);
		const exported = fs.readFileSync(path.join(workspace, 'lark-downloads', '设计评审 · Design Review.md'), 'utf8').split('\n');
		const post = exported.findIndex((text) => text.includes('设计周报'));
		const line = exported.slice(0, post).map((text, index) => (text.startsWith('## ') ? index : -1)).filter((index) => index >= 0).pop() ?? post; // its day's heading
		await bench.runCommand('Notifications: Clear All Notifications');
		// scroll the preview to the day of the weekly report post (a file, a sticker, the post's pictures)
		const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
		await frame.locator('body').evaluate((body, target) => {
			const element = [...body.querySelectorAll('[data-line]')].find((el) => Number(el.getAttribute('data-line')) >= target);
			element?.scrollIntoView({ block: 'start' });
		}, line).catch((error) => say(`could not scroll the preview: ${error.message}`));
		await page.waitForTimeout(1500);
		await page.mouse.move(1300, 880);
		await page.waitForTimeout(1000);
		await page.screenshot({ path: path.join(OUT, 'export-preview.png') });
		say('export-preview.png');

		for (const file of fs.readdirSync(OUT).filter((f) => f.endsWith('.png'))) {
			say(`${path.join('docs', 'screenshots', file)}: ${Math.round(fs.statSync(path.join(OUT, file)).size / 1024)} KB`);
		}
	} catch (error) {
		const evidence = path.join(os.tmpdir(), `lark-screenshots-failure-${Date.now()}.png`);
		await page?.screenshot({ path: evidence }).then(() => say(`the page at the failure: ${evidence}`), () => {});
		throw error;
	} finally {
		await browser?.close().catch(() => {});
		await demo?.stop();
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}

main().then(() => process.exit(0), (error) => {
	console.error(`[screenshots] ${error.stack ?? error}`);
	process.exit(1);
});
