#!/usr/bin/env node
// Runs the integration suite (out/test/integration/index.js) inside a real VS Code extension host, with this
// checkout as the extension under development and a fresh copy of test/fixtures/workspace as the open folder.
//
// Two runtimes, same suite (see docs/testing.md):
//   code-server  offline: code-server (the VS Code server, from npm; scripts/install-code-server.sh) on a free
//                127.0.0.1 port, and headless Chromium (playwright-core) opening its web workbench. The URL's
//                `payload` carries extensionDevelopmentPath/extensionTestsPath, which the workbench honours only
//                with `--vscode-option enable-smoke-test-driver`; it then reports the extension host's console
//                through window.codeAutomationLog and its exit code through window.codeAutomationExit.
//   electron     VS Code desktop, downloaded by @vscode/test-electron (needs internet, and a display on Linux).
// VSCODE_TEST_RUNTIME=code-server|electron picks one. Unset: electron if VSCODE_EXECUTABLE is set, or if a display
// is available and the download works; code-server otherwise, so a headless machine never touches the network.
//
// Environment:
//   LARK_INTEGRATION_ENV      JSON object of extra env vars for the extension host, e.g. '{"LARK_APP_ID":"x"}'
//   LARK_TEST_RESULTS         file that receives {"passed":N,"failed":N,"skipped":N} (the scripts/test.js contract)
//   LARK_INTEGRATION_TIMEOUT  harness timeout in seconds, everything included (default 600)
//   LARK_CHROMIUM             browser for the code-server route (default /usr/bin/chromium, installed if missing)
//   LARK_CODE_SERVER_NODE + LARK_CODE_SERVER_ENTRY   use this code-server instead of the cached install
//   VSCODE_EXECUTABLE         use this VS Code desktop binary instead of downloading one
//   LARK_IT_VERBOSE=1         also print the workbench's own log;  LARK_IT_KEEP_TMP=1  keep the temp dir
//   LARK_IT_SUITE             run this extensionTestsPath module (path relative to the repo root) instead of
//                             out/test/integration/index.js, e.g. out/test/bench/extensionHost.js (npm run bench)
//
// Exit status: the suite's (0 all passed, 1 something failed), 124 on timeout, 2 when the harness fails,
// 130/143 on SIGINT/SIGTERM.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { chromiumExecutable, cleanEnv, CodeServer, launchBrowser } = require('./lib/code-server');

const ROOT = path.resolve(__dirname, '..');
const SUITE = process.env.LARK_IT_SUITE ? path.resolve(ROOT, process.env.LARK_IT_SUITE) : path.join(ROOT, 'out', 'test', 'integration', 'index.js');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'workspace');
const VSCODE_VERSION = '1.139.1'; // the VS Code inside code-server 4.139.1: both runtimes test the same API
const TIMEOUT_MS = 1000 * (Number(process.env.LARK_INTEGRATION_TIMEOUT) || 600);
const LOG_PREFIX = '[lark-it] '; // test/integration/index.ts prefixes the suite's lines with $LARK_IT_LOG_PREFIX
const SUMMARY_RE = /^(\d+) passed, (\d+) failed, (\d+) skipped$/;
const VERBOSE = process.env.LARK_IT_VERBOSE === '1';
// Workbench errors expected offline (Open VSX gallery, telemetry, the GitHub auth provider that built-in
// features probe, missing vsda signing files, requests cancelled at shutdown): not worth printing.
const KNOWN_NOISE = /ENOTFOUND|getaddrinfo|vsda|authentication provider 'github'|^Canceled/;

const started = Date.now();
function say(message) {
	console.error(`[integration ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A failure of the harness itself (exit 2), reported without a stack trace. */
class HarnessError extends Error {}

// ---- run state, torn down on every exit path ------------------------------------------------------------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lark-it-')); // keep short: VS Code puts sockets under TMPDIR
const SERVER_LOG = path.join(tmp, 'code-server.log');
let child; // the VS Code process we started (code-server or desktop), leader of its own process group
let browser; // playwright BrowserContext (code-server route)
let summary; // { passed, failed, skipped } once the suite's closing line has been seen

function serverLogTail(lines = 30) {
	return fs.existsSync(SERVER_LOG) ? fs.readFileSync(SERVER_LOG, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
}

const childAlive = () => child !== undefined && child.exitCode === null && child.signalCode === null;
function killChildGroup(signal) {
	if (!childAlive()) {
		return;
	}
	try {
		// The whole group: code-server's extension hosts, file watcher, pty host and agent host (or Electron's
		// helpers) would otherwise outlive the main process for a few seconds or more.
		process.kill(process.platform === 'win32' ? child.pid : -child.pid, signal);
	} catch {
		// already gone
	}
}

function removeTmp() {
	if (process.env.LARK_IT_KEEP_TMP === '1') {
		return;
	}
	try {
		fs.rmSync(tmp, { recursive: true, force: true });
	} catch {
		// best effort
	}
}

let cleaning;
function cleanup() {
	cleaning ??= (async () => {
		if (browser) {
			await browser.close().catch(() => {});
		}
		killChildGroup('SIGTERM');
		for (let i = 0; i < 50 && childAlive(); i++) {
			await sleep(100);
		}
		killChildGroup('SIGKILL');
		removeTmp();
	})();
	return cleaning;
}
// Last resort if something calls process.exit without cleanup(): only synchronous work is possible here.
process.on('exit', () => {
	killChildGroup('SIGKILL');
	removeTmp();
});

// Single way out: the suite's end, a harness error, the timeout and signals all tear down, then exit once.
let finishing = false;
function finish(code) {
	if (finishing) {
		return;
	}
	finishing = true;
	clearTimeout(deadline);
	void cleanup().finally(() => {
		say(`done, exit ${code}`);
		process.exit(code);
	});
}
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
	process.on(signal, () => {
		say(`${signal}: stopping`);
		finish(code);
	});
}
const deadline = setTimeout(() => {
	say(`timed out after ${TIMEOUT_MS / 1000}s (LARK_INTEGRATION_TIMEOUT)`);
	const tail = serverLogTail();
	if (tail) {
		console.error(`--- code-server log (tail) ---\n${tail}`);
	}
	finish(124);
}, TIMEOUT_MS);

// ---- helpers ----------------------------------------------------------------------------------------------
function extensionEnvironment() {
	const raw = process.env.LARK_INTEGRATION_ENV;
	if (!raw) {
		return {};
	}
	let env;
	try {
		env = JSON.parse(raw);
	} catch (error) {
		throw new HarnessError(`LARK_INTEGRATION_ENV is not valid JSON: ${error.message}`);
	}
	const valid = env !== null && typeof env === 'object' && !Array.isArray(env) && Object.values(env).every((v) => typeof v === 'string');
	if (!valid) {
		throw new HarnessError('LARK_INTEGRATION_ENV must be a JSON object with string values');
	}
	return env;
}

/** Prints one line of the suite's output and remembers its closing "N passed, N failed, N skipped". */
function suiteLine(line) {
	console.log(line);
	const match = SUMMARY_RE.exec(line.trim());
	if (match) {
		summary = { passed: Number(match[1]), failed: Number(match[2]), skipped: Number(match[3]) };
	}
}

/**
 * process.env without what leaks in when the runner is started from a VS Code or code-server terminal:
 * VSCODE_IPC_HOOK_CLI and friends make a new instance hand its work to the running one, and
 * ELECTRON_RUN_AS_NODE turns VS Code desktop into plain Node.
 */
function prepareWorkspace() {
	const workspace = path.join(tmp, 'workspace');
	fs.cpSync(FIXTURE, workspace, { recursive: true });
	return workspace;
}

// ---- code-server route ------------------------------------------------------------------------------------
/** Runs an install step of the runtime (Chromium, Node 24 + code-server); its failure is a harness failure. */
function harnessStep(install) {
	try {
		return install();
	} catch (error) {
		throw new HarnessError(error instanceof Error ? error.message : String(error));
	}
}

async function runCodeServer(extEnv) {
	// Installed on first use (minutes, once), before the clock starts: the timeout is for the suite.
	harnessStep(chromiumExecutable);
	const server = harnessStep(() => new CodeServer(tmp)); // its log is SERVER_LOG; sockets and caches under tmp
	deadline.refresh();
	server.writeSettings({});
	const workspace = prepareWorkspace();
	try {
		await server.start({ smokeTestDriver: true }); // without the smoke-test driver the workbench ignores the payload
	} catch (error) {
		throw new HarnessError(error instanceof Error ? error.message : String(error));
	}
	child = server.child;
	say(`code-server up on ${server.authority}`);

	const payload = [
		['extensionDevelopmentPath', server.remote(ROOT)],
		['extensionTestsPath', server.remote(SUITE)],
		['extensionEnvironment', JSON.stringify({ ...extEnv, LARK_IT_LOG_PREFIX: LOG_PREFIX })],
		['skipWelcome', 'true'],
		['skipReleaseNotes', 'true'],
	];
	const url = server.url(workspace, payload);
	browser = await launchBrowser(tmp, { isolation: server.isolation });
	const page = browser.pages()[0] ?? (await browser.newPage());

	let onExit;
	const exited = new Promise((resolve) => (onExit = resolve));
	let onBroken;
	const broken = new Promise((resolve) => (onBroken = resolve));
	await page.exposeFunction('codeAutomationExit', (code) => onExit(Number.isInteger(code) ? code : 1));
	await page.exposeFunction('codeAutomationLog', (type, args) => {
		// args arrive already joined and unformatted, hence index.ts's util.format + prefix
		const text = (Array.isArray(args) ? args : [args]).join(' ');
		if (text.startsWith(LOG_PREFIX)) {
			suiteLine(text.slice(LOG_PREFIX.length));
		} else if (VERBOSE) {
			console.error(`[workbench ${type}] ${text}`);
		} else if (type === 'error' && !KNOWN_NOISE.test(text)) {
			console.error(`[workbench error] ${text.split('\n')[0]}`); // the stack is workbench-internal
		}
	});
	page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
	page.on('crash', () => onBroken('the browser page crashed'));
	child.once('exit', (status, signal) => onBroken(`code-server exited (${signal ?? status}) during the run`));

	say('opening the workbench');
	await page.goto(url, { waitUntil: 'commit' }); // no need to wait for "load": the exposed hooks report back
	const code = await Promise.race([exited, broken.then((reason) => ({ reason }))]);
	if (typeof code === 'object') {
		throw new HarnessError(`${code.reason}\n--- code-server log (tail) ---\n${serverLogTail()}`);
	}
	// The exit notification and the last log lines travel separately: give the summary line a moment.
	for (let i = 0; i < 20 && !summary; i++) {
		await sleep(100);
	}
	say(`extension host exited with ${code}`);
	if (code !== 0 && !summary) {
		console.error(`--- code-server log (tail) ---\n${serverLogTail()}`); // e.g. the suite failed to load
	}
	return code;
}

// ---- VS Code desktop route (@vscode/test-electron) -------------------------------------------------------
async function desktopExecutable(fallbackAllowed) {
	if (process.env.VSCODE_EXECUTABLE) {
		return process.env.VSCODE_EXECUTABLE;
	}
	const { downloadAndUnzipVSCode } = require('@vscode/test-electron');
	try {
		return await downloadAndUnzipVSCode({ version: VSCODE_VERSION, timeout: 15000 }); // cached in .vscode-test/
	} catch (error) {
		if (fallbackAllowed && process.platform === 'linux') {
			say(`VS Code desktop not obtainable (${error.message}); falling back to code-server`);
			return undefined;
		}
		throw new HarnessError(`cannot download VS Code ${VSCODE_VERSION}: ${error.message}`);
	}
}

async function runDesktop(executable, extEnv) {
	// The arguments @vscode/test-electron's runTests() passes, but spawned here so that the process group can be
	// killed on timeout or signal like code-server's, and the output read line by line for the summary.
	const args = [
		prepareWorkspace(),
		'--disable-extensions', // user extensions; built-ins stay, as in the code-server route
		'--user-data-dir', path.join(tmp, 'user-data'),
		'--extensions-dir', path.join(tmp, 'extensions'),
		'--no-sandbox',
		'--disable-gpu-sandbox',
		'--disable-updates',
		'--skip-welcome',
		'--skip-release-notes',
		'--disable-workspace-trust',
		`--extensionDevelopmentPath=${ROOT}`,
		`--extensionTestsPath=${SUITE}`,
	];
	child = spawn(executable, args, {
		detached: process.platform !== 'win32',
		stdio: ['ignore', 'pipe', 'pipe'],
		env: cleanEnv(extEnv),
	});
	readline.createInterface({ input: child.stdout }).on('line', suiteLine);
	child.stderr.pipe(process.stderr);
	return new Promise((resolve, reject) => {
		child.once('error', (error) => reject(new HarnessError(`cannot start ${executable}: ${error.message}`)));
		child.once('close', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
	});
}

// ---- main -------------------------------------------------------------------------------------------------
async function main() {
	for (const [file, hint] of [[SUITE, 'npm run compile-tests'], [path.join(ROOT, 'dist', 'extension.js'), 'npm run build']]) {
		if (!fs.existsSync(file)) {
			throw new HarnessError(`${path.relative(ROOT, file)} is missing: run \`${hint}\` first`);
		}
	}
	const extEnv = extensionEnvironment();
	const mode = process.env.VSCODE_TEST_RUNTIME || 'auto';
	if (!['auto', 'code-server', 'electron'].includes(mode)) {
		throw new HarnessError(`VSCODE_TEST_RUNTIME must be code-server, electron or unset, not "${mode}"`);
	}

	const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
	const tryDesktop = mode === 'electron' || (mode === 'auto' && (Boolean(process.env.VSCODE_EXECUTABLE) || hasDisplay));
	const executable = tryDesktop ? await desktopExecutable(mode === 'auto') : undefined;
	let code;
	if (executable) {
		say(`runtime: VS Code desktop ${executable}`);
		code = await runDesktop(executable, extEnv);
	} else {
		say('runtime: code-server + headless Chromium');
		code = await runCodeServer(extEnv);
	}

	if (code === 0 && !summary) {
		console.error('[integration] the suite ended without its "N passed, N failed, N skipped" line');
		code = 1;
	}
	if (summary && process.env.LARK_TEST_RESULTS) {
		fs.writeFileSync(process.env.LARK_TEST_RESULTS, JSON.stringify(summary));
	}
	return code;
}

main().then(finish, (error) => {
	if (!finishing) {
		// errors thrown while a signal or the timeout tears the run down are only echoes of that
		console.error(error instanceof HarnessError ? `[integration] ${error.message}` : error);
	}
	finish(2);
});
