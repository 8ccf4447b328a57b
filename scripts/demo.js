#!/usr/bin/env node
// `npm run demo`: see the extension work without a Lark account or a desktop VS Code.
//   1. builds the extension (development bundle) and the sandbox Lark server, and starts the sandbox
//   2. starts code-server (installed on first use, like the tests) with this checkout installed as an extension
//      (a symlink, so `npm run build` + "Developer: Reload Window" shows changes), user settings pointing
//      larkDownloader.baseUrl at the sandbox, and .demo/workspace as the folder
//   3. a demo-only helper extension (scripts/demo-sign-in) signs in with the sandbox's app through
//      `larkDownloader.signIn`'s non-interactive arguments; the product reads no credentials from anywhere new
//   4. prints the URL to open; Ctrl-C stops code-server (its whole process group) and the sandbox
// With LARK_APP_ID and LARK_APP_SECRET set (and optionally LARK_USER_ACCESS_TOKEN, LARK_BRAND, LARK_BASE_URL)
// it signs in to the real Lark/Feishu instead and starts no sandbox.
//
//   npm run demo -- [--no-latency] [--faults] [--bandwidth MIB] [--port N] [--log]
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseArgs } = require('util');
const { CodeServer, ROOT } = require('./lib/code-server');
const { bundleSandbox } = require('./sandbox');

const HELP = `usage: npm run demo -- [options]

  --no-latency      answer at once (default: 60-250 ms per answer and 4 MiB/s per download, like the real API)
  --bandwidth MIB   cap each download at MIB MiB/s (0: no cap)
  --faults          fault mode: transient 503/429/resets/truncation on ~10% of downloads, one file denied (234002)
  --port N          code-server on 127.0.0.1:N (default: a free port; also LARK_DEMO_PORT)
  --log             print the sandbox's access log
  -h, --help        this help

Environment: LARK_APP_ID + LARK_APP_SECRET (+ LARK_USER_ACCESS_TOKEN, LARK_BRAND, LARK_BASE_URL) use the real
Lark instead of the sandbox; LARK_DEMO_WORKSPACE is the folder to open (default .demo/workspace).
`;

const started = Date.now();
const say = (message) => console.error(`[demo ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

/**
 * Starts everything; resolves to { url, workspace, sandbox?, server, stop }. `stop()` is idempotent.
 * Options: latency (default true), bandwidthMiB, faults, port, log, workspace (default LARK_DEMO_WORKSPACE or
 * .demo/workspace), real ({appId, appSecret, userAccessToken?, brand?, baseUrl?}).
 */
async function startDemo(options = {}) {
	let sandbox;
	let server;
	let stateDir;
	let stopping;
	const stop = () => {
		stopping ??= (async () => {
			await server?.stop();
			await sandbox?.stop().catch(() => {});
			if (stateDir !== undefined) {
				fs.rmSync(stateDir, { recursive: true, force: true });
			}
		})();
		return stopping;
	};
	try {
		say('building the extension (development bundle)');
		const build = spawnSync(process.execPath, [path.join(ROOT, 'esbuild.js')], { cwd: ROOT, stdio: 'inherit' });
		if (build.status !== 0) {
			throw new Error('the extension build failed');
		}

		let credentials;
		let baseUrl;
		if (options.real !== undefined) {
			credentials = options.real;
			baseUrl = options.real.baseUrl;
			say(`using the real ${credentials.brand === 'lark' ? 'Lark' : 'Feishu'} Open API with app ${credentials.appId} (LARK_APP_ID)`);
		} else {
			const { index } = await bundleSandbox();
			const { startSandbox, MiB } = require(index);
			sandbox = await startSandbox({
				latency: options.latency !== false,
				...(options.bandwidthMiB === undefined ? {} : { bytesPerSecond: options.bandwidthMiB * MiB }),
				faultRate: options.faults === true ? 0.1 : 0,
				...(options.log === true ? { onAnswered: (r) => console.error(`[sandbox] ${r.method} ${r.path} → ${r.status} ${r.ms} ms`) } : {}),
			});
			credentials = { appId: sandbox.appId, appSecret: sandbox.appSecret, userAccessToken: sandbox.userAccessToken, brand: 'feishu' };
			baseUrl = sandbox.baseUrl;
			say(`sandbox Lark server on ${sandbox.baseUrl}`);
		}

		const workspace = path.resolve(options.workspace ?? (process.env.LARK_DEMO_WORKSPACE || path.join(ROOT, '.demo', 'workspace')));
		fs.mkdirSync(workspace, { recursive: true });
		const readme = path.join(workspace, 'README.md');
		if (!fs.existsSync(readme)) {
			fs.writeFileSync(readme, '# Lark Downloader demo\n\nOpen the Lark view in the activity bar, expand a chat and download attachments:\nthey land in `lark-downloads/`.\n');
		}

		say('starting code-server (installed on first use: 1-3 minutes, once; cached afterwards)');
		stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lark-demo-')); // short: VS Code puts sockets under it
		server = new CodeServer(stateDir);
		server.linkExtension(ROOT);
		server.linkExtension(path.join(ROOT, 'scripts', 'demo-sign-in'));
		server.writeSettings({
			...(baseUrl === undefined ? {} : { 'larkDownloader.baseUrl': baseUrl }),
			'larkDownloader.brand': credentials.brand === 'lark' ? 'lark' : 'feishu',
			'workbench.colorTheme': 'Default Dark Modern',
			'workbench.secondarySideBar.defaultVisibility': 'hidden',
		});
		const port = options.port ?? (process.env.LARK_DEMO_PORT ? Number(process.env.LARK_DEMO_PORT) : undefined);
		await server.start({
			...(port === undefined ? {} : { port }),
			folder: workspace,
			// For the demo's sign-in helper (scripts/demo-sign-in), through code-server's environment: never a
			// URL, a settings file or the product's own code.
			env: {
				LARK_DEMO_APP_ID: credentials.appId,
				LARK_DEMO_APP_SECRET: credentials.appSecret,
				LARK_DEMO_BRAND: credentials.brand === 'lark' ? 'lark' : 'feishu',
				...(baseUrl === undefined ? {} : { LARK_DEMO_BASE_URL: baseUrl }),
				...(credentials.userAccessToken ? { LARK_DEMO_USER_ACCESS_TOKEN: credentials.userAccessToken } : {}),
			},
		});
		const url = server.url();
		return { url, workspace, sandbox, server, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

module.exports = { startDemo };

if (require.main === module) {
	let values;
	try {
		({ values } = parseArgs({
			options: {
				'no-latency': { type: 'boolean', default: false },
				bandwidth: { type: 'string' },
				faults: { type: 'boolean', default: false },
				port: { type: 'string' },
				log: { type: 'boolean', default: false },
				help: { type: 'boolean', short: 'h', default: false },
			},
		}));
	} catch (error) {
		console.error(`${error.message}\n\n${HELP}`);
		process.exit(2);
	}
	if (values.help) {
		process.stdout.write(HELP);
		process.exit(0);
	}
	const real = process.env.LARK_APP_ID && process.env.LARK_APP_SECRET
		? {
			appId: process.env.LARK_APP_ID,
			appSecret: process.env.LARK_APP_SECRET,
			userAccessToken: process.env.LARK_USER_ACCESS_TOKEN,
			brand: process.env.LARK_BRAND === 'lark' ? 'lark' : 'feishu',
			baseUrl: process.env.LARK_BASE_URL,
		}
		: undefined;
	let demo;
	let exiting = false;
	const exit = (code) => {
		if (exiting) {
			return;
		}
		exiting = true;
		say('stopping code-server and the sandbox');
		void (demo?.stop() ?? Promise.resolve()).finally(() => {
			say('stopped');
			process.exit(code);
		});
	};
	process.on('SIGINT', () => exit(0));
	process.on('SIGTERM', () => exit(0));
	process.on('exit', () => demo?.server.signal('SIGKILL')); // last resort if something exits without stop()
	startDemo({
		latency: !values['no-latency'],
		...(values.bandwidth === undefined ? {} : { bandwidthMiB: Number(values.bandwidth) }),
		faults: values.faults,
		...(values.port === undefined ? {} : { port: Number(values.port) }),
		log: values.log,
		real,
	}).then((started) => {
		demo = started;
		if (exiting) {
			exit(0); // Ctrl-C arrived while starting
			return;
		}
		const { sandbox } = started;
		console.log([
			'',
			'Lark Downloader demo is running. Open this URL in a browser on this machine:',
			'',
			`  ${started.url}`,
			'',
			`The workspace is ${path.relative(process.cwd(), started.workspace) || '.'}; downloads land in its lark-downloads/ folder.`,
			sandbox === undefined
				? 'Signed in to the real Lark with LARK_APP_ID / LARK_APP_SECRET.'
				: [
					`The window signs in by itself to the sandbox Lark at ${sandbox.baseUrl} (app ${sandbox.appId}, with its user`,
					'token, so the p2p chat is listed too). To sign in by hand ("Lark: Sign Out", then "Lark: Sign In"):',
					`  App ID ${sandbox.appId}   App Secret ${sandbox.appSecret}   user token ${sandbox.userAccessToken}`,
				].join('\n'),
			'Try: the Lark view in the activity bar → a chat → a message → Download / Open, "Download All in Chat…",',
			'or "Lark: Download Message Resource…" in the command palette (F1).',
			'',
			'Ctrl-C stops everything.',
			'',
		].join('\n'));
	}, (error) => {
		console.error(`[demo] ${error.message}`);
		exit(1);
	});
}
