import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { UserTokenSet } from '../../../src/core/auth/userTokens';
import { configDirOf, TOKEN_FILE_NAME, TokenFile } from '../../../src/cli/tokenStore';
import { listFiles, tempDir } from '../../support/fixtures';

const TOKENS: UserTokenSet = {
	accessToken: 'u-secret-access', refreshToken: 'ur-secret-refresh', expiresAt: 1, refreshExpiresAt: 2,
	scope: 'offline_access', openId: 'ou_1', name: 'Ada',
};

const modeOf = async (file: string) => (await fs.stat(file)).mode & 0o777;

describe('CLI token file', () => {
	let work: { dir: string; cleanup: () => Promise<void> };
	let file: TokenFile;

	beforeEach(async () => {
		work = await tempDir();
		file = new TokenFile(path.join(work.dir, 'config', 'lark-downloader', TOKEN_FILE_NAME));
	});

	afterEach(() => work.cleanup());

	it('lives in $LARK_DL_CONFIG_DIR, else $XDG_CONFIG_HOME/lark-downloader, else ~/.config/lark-downloader', () => {
		assert.equal(configDirOf({ LARK_DL_CONFIG_DIR: '/x/y', XDG_CONFIG_HOME: '/xdg', HOME: '/home/a' }), path.resolve('/x/y'));
		assert.equal(configDirOf({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/a' }), path.join('/xdg', 'lark-downloader'));
		assert.equal(configDirOf({ XDG_CONFIG_HOME: 'relative', HOME: '/home/a' }), path.join('/home/a', '.config', 'lark-downloader'), 'a relative XDG path is ignored');
		assert.equal(configDirOf({ HOME: '/home/a' }), path.join('/home/a', '.config', 'lark-downloader'));
		assert.equal(TokenFile.of({ LARK_DL_CONFIG_DIR: '/x' }).path, path.join(path.resolve('/x'), TOKEN_FILE_NAME));
	});

	it('round-trips a session', async () => {
		await file.write({ appId: 'cli_a', baseUrl: 'https://open.feishu.cn', tokens: TOKENS });
		const expected = { version: 1, appId: 'cli_a', baseUrl: 'https://open.feishu.cn', tokens: TOKENS };
		assert.deepEqual(await file.read(), expected);
		assert.deepEqual(file.readSync(), expected);
	});

	if (process.platform !== 'win32') {
		it('creates the folder 0700 and the file 0600, also when replacing a looser file', async () => {
			await file.write({ appId: 'cli_a', baseUrl: 'https://open.feishu.cn', tokens: TOKENS });
			assert.equal(await modeOf(path.dirname(file.path)), 0o700);
			assert.equal(await modeOf(file.path), 0o600);

			await fs.chmod(file.path, 0o644);
			await file.write({ appId: 'cli_a', baseUrl: 'https://open.feishu.cn', tokens: TOKENS });
			assert.equal(await modeOf(file.path), 0o600);
		});
	}

	it('replaces the file atomically and leaves no temp file behind', async () => {
		await file.write({ appId: 'cli_a', baseUrl: 'b', tokens: TOKENS });
		await file.write({ appId: 'cli_a', baseUrl: 'b', tokens: { ...TOKENS, accessToken: 'u-2' } });
		assert.deepEqual(await listFiles(path.dirname(file.path)), [TOKEN_FILE_NAME]);
		assert.equal((await file.read())?.tokens.accessToken, 'u-2');
	});

	it('reads a missing, corrupt or foreign file as "not signed in"', async () => {
		assert.equal(await file.read(), undefined);
		assert.equal(file.readSync(), undefined);
		await fs.mkdir(path.dirname(file.path), { recursive: true });
		for (const content of ['{not json', '{"version":2,"appId":"a","baseUrl":"b","tokens":{}}', '{"version":1,"appId":"a","baseUrl":"b","tokens":{"accessToken":"u"}}', 'null']) {
			await fs.writeFile(file.path, content);
			assert.equal(await file.read(), undefined, content);
			assert.equal(file.readSync(), undefined, content);
		}
	});

	it('delete says whether there was a session', async () => {
		assert.equal(await file.delete(), false);
		await file.write({ appId: 'cli_a', baseUrl: 'b', tokens: TOKENS });
		assert.equal(await file.delete(), true);
		assert.equal(await file.read(), undefined);
	});

	it('storeFor saves rotated tokens under the same app and host, and clears', async () => {
		const store = file.storeFor({ appId: 'cli_a', baseUrl: 'https://open.larksuite.com' });
		await store.save(TOKENS);
		assert.deepEqual(await file.read(), { version: 1, appId: 'cli_a', baseUrl: 'https://open.larksuite.com', tokens: TOKENS });
		await store.clear();
		await store.clear();
		assert.equal(await file.read(), undefined);
	});
});
