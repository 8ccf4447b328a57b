#!/usr/bin/env node
// The .vsix suite: what a user gets from `npm run package`, installed into a fresh code-server with
// --install-extension, driven through the web workbench's UI (headless Chromium + playwright-core) against
// the sandbox Lark server. No test hooks: the palette, the quick picks and the input boxes a user sees.
//
//   npm run build && npm run compile-tests && node scripts/run-vsix-tests.js
//
// Checks, in order (each later one needs the earlier ones):
//   1. the .vsix holds only the allowed files (test/support/vsixContents.ts, on the real archive)
//   2. code-server installs it, and "Lark: Sign In" signs in with the sandbox app through its input boxes
//   3. the Lark view lists the sandbox's chats
//   4. "Lark: Download Message Resource…" (message id, file key, type, output: its four prompts) saves the
//      file under its UTF-8 name in the workspace, byte-exact (SHA-256)
//
// Environment: LARK_TEST_RESULTS (counts as JSON, like the other suites), LARK_VSIX (test this .vsix instead
// of packaging one), LARK_PREPUBLISH_SKIP_CHECKS=1 (npm test: lint and type-check already ran),
// LARK_VSIX_TIMEOUT (seconds, default 600), LARK_VSIX_KEEP_TMP=1, LARK_CHROMIUM, LARK_CODE_SERVER_NODE/ENTRY.
// Exit: 0 all passed, 1 a check failed, 2 the harness failed, 124 timeout, 130/143 on SIGINT/SIGTERM.
// On failure a screenshot and the code-server log are kept and their paths printed.
'use strict';
const { createHash } = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { CodeServer, chromiumExecutable, codeServerRuntime, launchBrowser, sleep, ROOT } = require('./lib/code-server');
const { Workbench } = require('./lib/workbench');

const COMPILED = path.join(ROOT, 'out', 'test', 'support');
const TIMEOUT_MS = 1000 * (Number(process.env.LARK_VSIX_TIMEOUT) || 600);
const FILE_NAME = '产品演示 walkthrough.mp4'; // 46 MiB: ranged parts, and a UTF-8 Content-Disposition name
const started = Date.now();
const say = (message) => console.error(`[vsix ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lark-vsix-'));
let server; // CodeServer
let browser;
let sandbox;
let page;

let cleaning;
function cleanup() {
	cleaning ??= (async () => {
		await browser?.close().catch(() => {});
		await server?.stop();
		await sandbox?.stop().catch(() => {});
		if (process.env.LARK_VSIX_KEEP_TMP !== '1') {
			fs.rmSync(tmp, { recursive: true, force: true });
		} else {
			say(`kept ${tmp}`);
		}
	})();
	return cleaning;
}
process.on('exit', () => server?.signal('SIGKILL'));

let finishing = false;
function finish(code) {
	if (finishing) {
		return;
	}
	finishing = true;
	clearTimeout(deadline);
	void cleanup().finally(() => process.exit(code));
}
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
	process.on(signal, () => {
		say(`${signal}: stopping`);
		finish(code);
	});
}
const deadline = setTimeout(() => {
	say(`timed out after ${TIMEOUT_MS / 1000}s (LARK_VSIX_TIMEOUT)`);
	finish(124);
}, TIMEOUT_MS);

/** Keeps what explains a failure outside the temp dir that cleanup() removes. */
async function keepEvidence(name) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lark-vsix-failure-'));
	if (page !== undefined) {
		await page.screenshot({ path: path.join(dir, `${name}.png`) }).catch(() => {});
	}
	if (server !== undefined && fs.existsSync(server.log)) {
		fs.copyFileSync(server.log, path.join(dir, 'code-server.log'));
	}
	console.log(`    evidence: ${dir}`);
}

const sha256File = (file) => new Promise((resolve, reject) => {
	const hash = createHash('sha256');
	fs.createReadStream(file).on('data', (chunk) => hash.update(chunk)).on('error', reject).on('end', () => resolve(hash.digest('hex')));
});

async function main() {
	for (const [file, hint] of [[path.join(COMPILED, 'vsixContents.js'), 'npm run compile-tests'], [path.join(COMPILED, 'sandbox', 'index.js'), 'npm run compile-tests']]) {
		if (!fs.existsSync(file)) {
			throw new Error(`${path.relative(ROOT, file)} is missing: run \`${hint}\` first`);
		}
	}
	// Installed on first use (minutes, once), before the clock starts: the timeout is for the checks.
	chromiumExecutable();
	codeServerRuntime();
	deadline.refresh();
	const { vsixProblems } = require(path.join(COMPILED, 'vsixContents.js'));
	const { startSandbox } = require(path.join(COMPILED, 'sandbox', 'index.js'));

	const results = { passed: 0, failed: 0, skipped: 0 };
	let blocked = false;
	const check = async (title, body) => {
		if (blocked) {
			console.log(`  - ${title} (skipped: an earlier check failed)`);
			results.skipped++;
			return;
		}
		const t0 = Date.now();
		try {
			await body();
			console.log(`  ✔ ${title} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
			results.passed++;
		} catch (error) {
			console.log(`  ✖ ${title}\n    ${String(error?.stack ?? error).split('\n').slice(0, 6).join('\n    ')}`);
			results.failed++;
			blocked = true;
			await keepEvidence(title.replace(/\W+/g, '-').slice(0, 40));
		}
	};

	console.log('\n.vsix installed into code-server, driven through the UI against the sandbox');
	let vsix = process.env.LARK_VSIX;
	await check('packages a .vsix that holds only the bundle, media, manifest, nls files, README, CHANGELOG and LICENSE', async () => {
		if (vsix === undefined) {
			say('packaging (vsce package --no-dependencies)');
			vsix = require('./package').packageVsix(path.join(tmp, 'lark-downloader.vsix'));
			// vsce ran the production build into dist/: put the development build back for the other suites
			require('child_process').execFileSync(process.execPath, [path.join(ROOT, 'esbuild.js')], { cwd: ROOT, stdio: 'inherit' });
		}
		const problems = vsixProblems(fs.readFileSync(vsix));
		if (problems.length > 0) {
			throw new Error(problems.join('\n'));
		}
	});

	const workspace = path.join(tmp, 'workspace');
	fs.mkdirSync(workspace, { recursive: true });
	fs.writeFileSync(path.join(workspace, 'README.md'), '# Lark downloads land here\n');
	await check('installs into code-server with --install-extension, and "Lark: Sign In" signs in through its prompts', async () => {
		sandbox = await startSandbox();
		say(`sandbox on ${sandbox.baseUrl}`);
		server = new CodeServer(path.join(tmp, 'cs'));
		server.writeSettings({ 'larkDownloader.baseUrl': sandbox.baseUrl });
		const installed = server.installExtension(vsix);
		if (!installed.some((name) => name.startsWith('lark-downloader.lark-downloader-'))) {
			throw new Error(`extension not in the extensions dir: ${installed.join(', ')}`);
		}
		await server.start();
		say(`code-server on ${server.authority}`);
		browser = await launchBrowser(tmp, { isolation: server.isolation });
		page = browser.pages()[0] ?? (await browser.newPage());
		const bench = new Workbench(page, say);
		await bench.open(server.url(workspace));
		say('workbench open');
		await bench.runCommand('Lark: Sign In');
		await bench.pick('Feishu');
		await bench.answer('App ID', sandbox.appId);
		await bench.answer('App Secret', sandbox.appSecret);
		await bench.answer('user access token', ''); // the bot
		await bench.waitForNotification('Signed in to Feishu.');
		if (sandbox.server.tokenRequests().length === 0) {
			throw new Error('the sandbox never saw a token request');
		}
	});

	await check('the Lark view lists the sandbox chats', async () => {
		const bench = new Workbench(page, say);
		await bench.openContainer('Lark');
		for (const chat of ['设计评审 · Design Review', 'Product Launch 产品发布']) {
			await bench.treeRow(chat).waitFor({ timeout: 60_000 });
		}
	});

	await check(`"Lark: Download Message Resource…" through its steps (1/3…) saves "${FILE_NAME}" byte-exact`, async () => {
		const bench = new Workbench(page, say);
		const resource = sandbox.resource(FILE_NAME);
		await bench.runCommand('Lark: Download Message Resource…');
		await bench.quickInput.locator('.quick-input-title', { hasText: '1/3' }).waitFor({ timeout: 30_000 });
		await bench.answer('Message ID', resource.messageId);
		await bench.answer('File key', resource.fileKey);
		if (!/^(img|file)_/.test(resource.fileKey)) {
			await bench.pick('file'); // asked only when the key's prefix does not say the type
		}
		await bench.answer('Output path', ''); // the download folder, with the sender's file name
		const saved = path.join(workspace, 'lark-downloads', FILE_NAME);
		const until = Date.now() + 120_000;
		while (!fs.existsSync(saved) && Date.now() < until) {
			await sleep(200);
		}
		if (!fs.existsSync(saved)) {
			const listing = fs.existsSync(path.dirname(saved)) ? fs.readdirSync(path.dirname(saved)).join(', ') : '(no lark-downloads folder)';
			throw new Error(`${saved} did not appear; lark-downloads: ${listing}`);
		}
		await bench.waitForNotification(`Saved lark-downloads/${FILE_NAME}`);
		const [actual, expected] = await Promise.all([sha256File(saved), sandbox.sha256(resource)]);
		if (actual !== expected) {
			throw new Error(`SHA-256 ${actual}, expected ${expected}`);
		}
		const ranged = sandbox.server.resourceRequests(resource.fileKey).filter((r) => r.headers.range !== undefined).length;
		say(`saved ${FILE_NAME}: ${fs.statSync(saved).size} bytes in ${ranged} ranged requests, SHA-256 ok`);
	});

	console.log(`\n${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
	if (process.env.LARK_TEST_RESULTS) {
		fs.writeFileSync(process.env.LARK_TEST_RESULTS, JSON.stringify(results));
	}
	return results.failed === 0 && results.skipped === 0 ? 0 : 1;
}

main().then(finish, (error) => {
	if (!finishing) {
		console.error(`[vsix] ${error?.stack ?? error}`);
	}
	finish(2);
});
