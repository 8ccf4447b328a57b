// The offline VS Code for the .vsix suite, `npm run demo` and `npm run screenshots`: code-server (installed on
// first use by scripts/install-code-server.sh) on a free 127.0.0.1 port in its own process group, with its
// state isolated in one directory, and headless Chromium (playwright-core) to drive its web workbench.
// The integration runner (scripts/run-integration-tests.js) does the same for the in-host suite; see
// docs/testing.md for why each step is needed.
'use strict';
const { spawn, spawnSync, execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium'; // Debian's package
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Node 24 + code-server's entry.js: LARK_CODE_SERVER_NODE/ENTRY, or the cached install (installed now if missing). */
function codeServerRuntime() {
	let nodeBin = process.env.LARK_CODE_SERVER_NODE;
	let entry = process.env.LARK_CODE_SERVER_ENTRY;
	if (!nodeBin || !entry) {
		// Idempotent: ~10 ms when installed, a few minutes the first time (progress on stderr).
		const lines = execFileSync('bash', [path.join(ROOT, 'scripts', 'install-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
		const value = (name) => lines.split('\n').find((l) => l.startsWith(`export ${name}=`))?.slice(`export ${name}=`.length).replace(/\\(.)/g, '$1');
		nodeBin = value('LARK_CODE_SERVER_NODE');
		entry = value('LARK_CODE_SERVER_ENTRY');
	}
	for (const file of [nodeBin, entry]) {
		if (!file || !fs.existsSync(file)) {
			throw new Error(`code-server runtime not found (${file}): run scripts/install-code-server.sh`);
		}
	}
	return { nodeBin, entry };
}

function freePort() {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.on('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address();
			probe.close(() => resolve(port));
		});
	});
}

function healthy(port) {
	return new Promise((resolve) => {
		const request = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (response) => {
			response.resume();
			resolve(response.statusCode === 200);
		});
		request.on('error', () => resolve(false));
		request.on('timeout', () => request.destroy());
	});
}

/** process.env without what leaks in from a VS Code terminal (it would hand the new instance to the old one). */
function cleanEnv(extra = {}) {
	const env = { ...process.env };
	for (const name of Object.keys(env)) {
		if (name.startsWith('VSCODE_') || name === 'ELECTRON_RUN_AS_NODE') {
			delete env[name];
		}
	}
	return { ...env, ...extra };
}

/** Settings that keep an offline workbench quiet; the caller adds its own. */
const QUIET_SETTINGS = {
	'chat.disableAIFeatures': true, // otherwise the agent host starts a bundled Copilot runtime
	'workbench.startupEditor': 'none',
	'workbench.tips.enabled': false,
	'telemetry.telemetryLevel': 'off',
	'extensions.autoCheckUpdates': false,
	'extensions.autoUpdate': false,
	'extensions.ignoreRecommendations': true,
	'git.enabled': false,
	'update.mode': 'none',
};

/**
 * One code-server: `dir` holds its user data, extensions, config, log and the XDG/TMPDIR redirections (keep
 * the path short: VS Code puts sockets under TMPDIR). Start with start(); stop() ends the whole process group.
 */
class CodeServer {
	constructor(dir) {
		this.dir = dir;
		this.userData = path.join(dir, 'user-data');
		this.extensions = path.join(dir, 'extensions');
		this.log = path.join(dir, 'code-server.log');
		this.config = path.join(dir, 'config.yaml');
		this.isolation = {
			TMPDIR: path.join(dir, 't'),
			XDG_CONFIG_HOME: path.join(dir, 'config'),
			XDG_DATA_HOME: path.join(dir, 'data'),
			XDG_CACHE_HOME: path.join(dir, 'cache'),
		};
		this.child = undefined;
		this.port = undefined;
		for (const d of [this.extensions, path.join(this.userData, 'User'), ...Object.values(this.isolation)]) {
			fs.mkdirSync(d, { recursive: true });
		}
		fs.writeFileSync(this.config, 'auth: none\ncert: false\n'); // without --config it writes ~/.config; an empty file is refused
		this.runtime = codeServerRuntime();
	}

	writeSettings(settings) {
		fs.writeFileSync(path.join(this.userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
	}

	baseArgs() {
		return [this.runtime.entry, '--config', this.config, '--user-data-dir', this.userData, '--extensions-dir', this.extensions];
	}

	/** `--install-extension` before the server starts (a live install races the command palette). */
	installExtension(vsix) {
		const result = spawnSync(this.runtime.nodeBin, [...this.baseArgs(), '--install-extension', vsix], {
			encoding: 'utf8',
			env: cleanEnv({ ...this.isolation, NODE_DISABLE_COMPILE_CACHE: '1' }),
		});
		if (result.status !== 0 || !/successfully installed/i.test(result.stdout + result.stderr)) {
			throw new Error(`code-server --install-extension failed (${result.status}):\n${result.stdout}${result.stderr}`);
		}
		return fs.readdirSync(this.extensions).filter((name) => !name.startsWith('.') && name !== 'extensions.json');
	}

	/**
	 * Makes the extension in folder `source` an installed extension (a symlink named <publisher>.<name>-<version>
	 * in the extensions dir, so a rebuild + "Developer: Reload Window" picks up changes). Before start().
	 */
	linkExtension(source) {
		const { publisher, name, version } = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8'));
		const target = path.join(this.extensions, `${publisher}.${name}-${version}`);
		fs.rmSync(target, { recursive: true, force: true });
		fs.symlinkSync(source, target, 'dir');
		return `${publisher}.${name}`;
	}

	/**
	 * Starts code-server detached (its own process group) and waits for /healthz. `folder`: what `/` opens.
	 * `smokeTestDriver`: honour the URL `payload` (extensionDevelopmentPath); note that the workbench then shows
	 * no notification toasts at all.
	 */
	async start({ env = {}, port, folder, smokeTestDriver = false } = {}) {
		this.port = port ?? (await freePort());
		const logFd = fs.openSync(this.log, 'a');
		this.child = spawn(
			this.runtime.nodeBin,
			[
				...this.baseArgs(),
				'--bind-addr', `127.0.0.1:${this.port}`,
				'--auth', 'none',
				'--disable-telemetry',
				'--disable-update-check',
				'--disable-workspace-trust',
				'--disable-getting-started-override',
				...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
				...(folder === undefined ? [] : [folder]),
			],
			{ detached: true, stdio: ['ignore', logFd, logFd], env: cleanEnv({ ...this.isolation, NODE_DISABLE_COMPILE_CACHE: '1', ...env }) },
		);
		fs.closeSync(logFd);
		for (let i = 0; i < 600 && this.alive(); i++) {
			if (await healthy(this.port)) {
				return this;
			}
			await sleep(100);
		}
		throw new Error(`code-server did not start:\n${this.logTail()}`);
	}

	get authority() {
		return `127.0.0.1:${this.port}`;
	}

	/** The workbench URL for `folder` (or the server's default folder), with an optional payload (pairs of strings). */
	url(folder, payload) {
		const query = folder === undefined ? [] : [`folder=${encodeURIComponent(folder)}`];
		if (payload !== undefined) {
			query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
		}
		return `http://${this.authority}/${query.length === 0 ? '' : `?${query.join('&')}`}`;
	}

	/** A path on this server as a vscode-remote URI (the payload's form); the authority is where the page is served from. */
	remote(file) {
		return `vscode-remote://${this.authority}${file}`;
	}

	alive() {
		return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
	}

	signal(name) {
		if (this.alive()) {
			try {
				process.kill(-this.child.pid, name); // the group: extension hosts, file watcher, pty host, agent host
			} catch {
				// already gone
			}
		}
	}

	/** SIGTERM to the group, SIGKILL after 5 s. */
	async stop() {
		this.signal('SIGTERM');
		for (let i = 0; i < 50 && this.alive(); i++) {
			await sleep(100);
		}
		this.signal('SIGKILL');
		// children that ignored SIGTERM but were already orphaned: the group kill above reaches them too
		try {
			if (this.child !== undefined) {
				process.kill(-this.child.pid, 'SIGKILL');
			}
		} catch {
			// no such group: everything is gone
		}
	}

	logTail(lines = 30) {
		return fs.existsSync(this.log) ? fs.readFileSync(this.log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
	}
}

/**
 * The browser that drives the web workbench: LARK_CHROMIUM if set, otherwise Debian's chromium, installed now if
 * missing (scripts/install-system-packages.sh: apt-get as root, otherwise an error naming the command to run).
 */
function chromiumExecutable() {
	if (process.env.LARK_CHROMIUM) {
		if (!fs.existsSync(process.env.LARK_CHROMIUM)) {
			throw new Error(`LARK_CHROMIUM is ${process.env.LARK_CHROMIUM}, which does not exist`);
		}
		return process.env.LARK_CHROMIUM;
	}
	const installer = path.join(ROOT, 'scripts', 'install-system-packages.sh');
	const result = spawnSync('bash', [installer, 'the headless workbench (tests, demo screenshots)', 'chromium'], { stdio: ['ignore', 'inherit', 'inherit'] });
	if (result.status !== 0) {
		throw new Error('chromium is not installed and could not be installed (see the message above)');
	}
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`the chromium package is installed but ${CHROMIUM} is missing`);
	}
	return CHROMIUM;
}

/** Headless Chromium (see chromiumExecutable) with a throwaway profile under `dir`. */
async function launchBrowser(dir, { isolation = {}, width = 1440, height = 900, scale = 1 } = {}) {
	const { chromium } = require('playwright-core');
	const executablePath = chromiumExecutable();
	const profile = path.join(dir, 'chrome');
	fs.mkdirSync(profile, { recursive: true });
	return chromium.launchPersistentContext(profile, {
		executablePath,
		headless: true,
		handleSIGINT: false, // the callers' own signal handlers close the browser
		handleSIGTERM: false,
		handleSIGHUP: false,
		viewport: { width, height },
		deviceScaleFactor: scale,
		env: cleanEnv(isolation),
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
}

module.exports = { CodeServer, codeServerRuntime, chromiumExecutable, launchBrowser, freePort, healthy, cleanEnv, sleep, ROOT };
