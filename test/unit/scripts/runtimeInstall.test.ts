import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The first-run installers of the VS Code runtime (scripts/install-code-server.sh, install-system-packages.sh),
// run the way a user's `npm test` / `npm run demo` runs them: from inside an npm script, so with the outer npm's
// npm_config_* variables set. npm, apt-get, dpkg-query and id are stand-ins on PATH that record what they were
// asked; the real install is exercised by CI from an empty cache (.ci/run).
const root = path.resolve(__dirname, '..', '..', '..', '..');
const installCodeServer = path.join(root, 'scripts', 'install-code-server.sh');
const installSystemPackages = path.join(root, 'scripts', 'install-system-packages.sh');

/** What npm 11 on Node 20 exports into every script it runs (values as seen in `npm run env`). */
const OUTER_NPM_ENV = {
	npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
	npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
	npm_config_prefix: '/usr',
	npm_config_global_prefix: '/usr',
	npm_config_local_prefix: root,
	npm_config_nodedir: '/usr',
	npm_config_npm_version: '11.19.1',
	npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
	npm_node_execpath: '/usr/bin/node',
	npm_lifecycle_event: 'test',
	npm_package_name: 'lark-downloader',
	INIT_CWD: root,
	NODE: '/usr/bin/node',
	// what a user sets to reach the registry: must survive
	npm_config_registry: 'http://127.0.0.1:9/registry/',
	npm_config_cache: '/var/tmp/user-npm-cache',
	npm_config_https_proxy: 'http://127.0.0.1:9/proxy',
};

function write(file: string, text: string): void {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, text, { mode: 0o755 });
}

/** A bin dir of stand-ins; `dpkgStatus` is what dpkg-query reports for every package, `uid` what `id -u` says. */
function fakeTools(dir: string, { dpkgStatus, uid }: { dpkgStatus: string; uid: number }): string {
	const bin = path.join(dir, 'bin');
	const calls = path.join(dir, 'calls');
	// npm pack node-linux-<arch>@V: a tarball like the real one (package/bin/node); npm install: records its
	// environment and lays out the file the runtime is looked up by.
	write(path.join(bin, 'npm'), `#!/usr/bin/env bash
echo "npm $*" >>${JSON.stringify(calls)}
case $1 in
	pack)
		spec=\${@: -1}; name=\${spec%@*}; version=\${spec##*@}
		t=$(mktemp -d); mkdir -p "$t/package/bin" "$t/package/include/node"
		printf '#!/bin/sh\\necho v%s\\n' "$version" >"$t/package/bin/node"; chmod +x "$t/package/bin/node"
		tar czf "$name-$version.tgz" -C "$t" package; rm -rf "$t"; echo "$name-$version.tgz" ;;
	install)
		env >${JSON.stringify(path.join(dir, 'install-env'))}
		mkdir -p node_modules/code-server/out/node && echo '// entry' >node_modules/code-server/out/node/entry.js ;;
esac
`);
	write(path.join(bin, 'dpkg-query'), `#!/bin/sh\nprintf '%s' ${JSON.stringify(dpkgStatus)}\n`);
	write(path.join(bin, 'id'), `#!/bin/sh\necho ${uid}\n`);
	write(path.join(bin, 'apt-get'), `#!/bin/sh\necho "apt-get $*" >>${JSON.stringify(calls)}\n`);
	return bin;
}

function run(script: string, args: string[], dir: string, bin: string, extraEnv: Record<string, string> = {}) {
	const result = spawnSync('bash', [script, ...args], {
		encoding: 'utf8',
		env: { ...process.env, ...OUTER_NPM_ENV, ...extraEnv, PATH: `${bin}:${process.env.PATH ?? ''}`, LARK_VSCODE_OFFLINE_DIR: path.join(dir, 'cache') },
	});
	const callsFile = path.join(dir, 'calls');
	return { ...result, calls: fs.existsSync(callsFile) ? fs.readFileSync(callsFile, 'utf8').trim().split('\n') : [] };
}

function parseEnv(file: string): Map<string, string> {
	return new Map(fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe('first-run install of the VS Code runtime, started from an npm script', () => {
	let dir: string;
	beforeEach(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lark-runtime-install-'));
	});
	afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('installs code-server with none of the outer npm\'s settings that name Node 20, but the user\'s registry, proxy and cache', () => {
		const bin = fakeTools(dir, { dpkgStatus: 'installed', uid: 0 });
		const result = run(installCodeServer, [], dir, bin);
		assert.equal(result.status, 0, result.stderr);

		const env = parseEnv(path.join(dir, 'install-env'));
		for (const name of ['npm_config_user_agent', 'npm_config_node_gyp', 'npm_config_prefix', 'npm_config_global_prefix', 'npm_config_local_prefix',
			'npm_config_npm_version', 'npm_execpath', 'npm_node_execpath', 'npm_lifecycle_event', 'npm_package_name', 'INIT_CWD', 'NODE']) {
			assert.equal(env.get(name), undefined, `${name} reached the nested npm install`);
		}
		const nodeDir = path.join(dir, 'cache', 'node-24.21.0-linux-' + (process.arch === 'arm64' ? 'arm64' : 'x64'));
		assert.equal(env.get('npm_config_nodedir'), nodeDir, 'native modules are built against Node 24\'s headers');
		assert.equal(env.get('PATH')?.split(':')[0], path.join(nodeDir, 'bin'), 'the nested npm runs on Node 24');
		assert.equal(env.get('npm_config_registry'), OUTER_NPM_ENV.npm_config_registry);
		assert.equal(env.get('npm_config_cache'), OUTER_NPM_ENV.npm_config_cache);
		assert.equal(env.get('npm_config_https_proxy'), OUTER_NPM_ENV.npm_config_https_proxy);

		assert.deepEqual(result.calls.map((call) => call.split(' ').slice(0, 2).join(' ')), ['npm pack', 'npm install'], 'no apt-get: libkrb5-dev is there');
		assert.match(result.stderr, /installing code-server 4\.139\.1 .*once; 1-3 minutes/);
		assert.match(result.stdout, /^export LARK_CODE_SERVER_NODE=.*\nexport LARK_CODE_SERVER_ENTRY=.*entry\.js\n$/);
	});

	it('does it once: a second run finds the install and asks npm nothing', () => {
		const bin = fakeTools(dir, { dpkgStatus: 'installed', uid: 0 });
		assert.equal(run(installCodeServer, [], dir, bin).status, 0);
		fs.rmSync(path.join(dir, 'calls'));
		const again = run(installCodeServer, [], dir, bin);
		assert.equal(again.status, 0, again.stderr);
		assert.deepEqual(again.calls, []);
		assert.equal(again.stderr, '', 'nothing to say when nothing is installed');
	});

	it('installs a missing Debian package as root, saying what and why', () => {
		const bin = fakeTools(dir, { dpkgStatus: 'not-installed', uid: 0 });
		const result = run(installSystemPackages, ['the headless workbench', 'chromium', 'libkrb5-dev'], dir, bin);
		assert.equal(result.status, 0, result.stderr);
		assert.equal(result.calls[0], 'apt-get update -qq');
		assert.match(result.calls[1] ?? '', /^apt-get install -y -qq --no-install-recommends .*chromium libkrb5-dev$/);
		assert.match(result.stderr, /installing chromium libkrb5-dev for the headless workbench/);
	});

	it('without root, names the packages and the command to run, and installs nothing', () => {
		const bin = fakeTools(dir, { dpkgStatus: 'not-installed', uid: 1000 });
		const result = run(installSystemPackages, ['the headless workbench', 'chromium'], dir, bin);
		assert.equal(result.status, 1);
		assert.deepEqual(result.calls, []);
		assert.match(result.stderr, /the headless workbench needs the Debian packages chromium/);
		assert.match(result.stderr, /sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium/);
	});

	it('is silent and asks apt nothing when every package is there', () => {
		const bin = fakeTools(dir, { dpkgStatus: 'installed', uid: 1000 });
		const result = run(installSystemPackages, ['the headless workbench', 'chromium'], dir, bin);
		assert.equal(result.status, 0);
		assert.deepEqual(result.calls, []);
		assert.equal(result.stderr, '');
	});
});
