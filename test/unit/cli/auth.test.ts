import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { TOKEN_FILE_NAME, TokenFile } from '../../../src/cli/tokenStore';
import { bytes, listFiles, sha256, sha256File, tempDir } from '../../support/fixtures';
import { LarkTestServer, type ServedResource } from '../../support/larkServer';
import { OAuthFixture } from '../../support/oauthFixtures';
import { botEnv, runCli, startCli, type CliResult } from '../../support/runCli';

const TOKEN_PATH = '/open-apis/authen/v2/oauth/token';
const HOUR = 3600_000;

describe('lark-dl auth login / status / logout (the built CLI)', () => {
	let server: LarkTestServer;
	let oauth: OAuthFixture;
	let work: { dir: string; cleanup: () => Promise<void> };
	let env: Record<string, string>;
	let tokenFile: TokenFile;
	let resource: ServedResource;

	beforeEach(async () => {
		server = await new LarkTestServer().start();
		oauth = new OAuthFixture(server, { interval: 1 });
		work = await tempDir();
		const configDir = path.join(work.dir, 'config');
		env = { ...botEnv(server), LARK_ACCOUNTS_URL: server.baseUrl, LARK_DL_CONFIG_DIR: configDir };
		tokenFile = new TokenFile(path.join(configDir, TOKEN_FILE_NAME));
		resource = server.addResource({ messageId: 'om_auth1', fileKey: 'file_v3_auth', type: 'file', data: bytes(200 * 1024), contentType: 'application/pdf' });
	});

	afterEach(async () => {
		await server.stop();
		await work.cleanup();
	});

	const cli = (args: string[], extraEnv: Record<string, string> = {}) => runCli(args, { cwd: work.dir, env: { ...env, ...extraEnv } });
	const downloadArgs = () => ['download', '--message-id', resource.messageId, '--file-key', resource.fileKey, '--type', resource.type, '--on-conflict', 'overwrite'];
	const stdoutOf = (result: CliResult) => JSON.parse(result.stdout) as { ok: boolean; identity?: string; data: Record<string, unknown> };
	/** The failure envelope: the last thing on stderr, after any sign-in instructions. */
	const errorOf = (result: CliResult) => (JSON.parse(result.stderr.slice(result.stderr.search(/^\{/m))) as { error: { type: string; message: string; hint?: string } }).error;
	const tokenRequests = () => server.requests.filter((r) => r.path === TOKEN_PATH);

	/** No access or refresh token the server issued appears in what the CLI printed. */
	function assertNoTokens(...results: CliResult[]): void {
		assert.ok(oauth.issued.length > 0);
		for (const result of results) {
			for (const token of oauth.issued) {
				assert.ok(!result.stdout.includes(token) && !result.stderr.includes(token), 'a token was printed');
			}
		}
	}

	/** A stored session as `auth login` leaves it, without running the device flow. */
	async function storeSession(overrides: { expiresAt?: number } = {}): Promise<{ accessToken: string; refreshToken: string }> {
		const granted = oauth.grant();
		await tokenFile.write({
			appId: server.appId,
			baseUrl: server.baseUrl,
			tokens: { ...granted, expiresAt: overrides.expiresAt ?? Date.now() + 2 * HOUR, refreshExpiresAt: Date.now() + 168 * HOUR, scope: 'im:message:readonly offline_access', openId: 'ou_test_user', name: 'Ada Lovelace' },
		});
		return granted;
	}

	/** Plays the user: reads the code the CLI shows on stderr and approves it through the server. */
	function approveWhenShown(child: ChildProcess, decision: 'approve' | 'deny' = 'approve'): Promise<string> {
		return new Promise((resolve, reject) => {
			let text = '';
			const onData = (chunk: Buffer): void => {
				text += chunk.toString();
				const code = /the code: (\S+)/.exec(text)?.[1];
				if (code !== undefined && text.includes('Waiting for approval')) {
					child.stderr?.off('data', onData);
					oauth.decide(code, decision).then(() => resolve(code), reject);
				}
			};
			child.stderr?.on('data', onData);
		});
	}

	it('login shows the URL and code on stderr, waits for approval, stores the session 0600 and prints who signed in', async () => {
		const run = startCli(['auth', 'login'], { cwd: work.dir, env });
		const userCode = await approveWhenShown(run.child);
		const result = await run.done;
		assert.equal(result.status, 0, result.stderr);
		assert.match(result.stderr, new RegExp(`open ${server.baseUrl}/oauth/verify\\?user_code=${userCode}`));
		const out = stdoutOf(result);
		assert.equal(out.ok, true);
		assert.equal(out.identity, 'user');
		assert.equal(out.data.open_id, 'ou_test_user');
		assert.equal(out.data.name, 'Ada Lovelace');
		assert.equal(out.data.token_file, tokenFile.path);
		assert.ok((out.data.scope as string[]).includes('im:message.group_msg:get_as_user'));
		const stored = await tokenFile.read();
		assert.equal(stored?.tokens.name, 'Ada Lovelace');
		assert.ok(oauth.issued.includes(stored?.tokens.accessToken ?? ''));
		if (process.platform !== 'win32') {
			assert.equal((await fs.stat(tokenFile.path)).mode & 0o777, 0o600);
			assert.equal((await fs.stat(path.dirname(tokenFile.path))).mode & 0o777, 0o700);
		}
		assertNoTokens(result);
	});

	it('status before and after: identity, name and expiry, never a token', async () => {
		const before = await cli(['auth', 'status']);
		assert.equal(before.status, 0, before.stderr);
		assert.equal(stdoutOf(before).data.signed_in, false);
		assert.deepEqual(stdoutOf(before).data.auto_identity, { identity: 'bot', source: 'app (LARK_APP_ID)' });

		await storeSession();
		const after = await cli(['auth', 'status']);
		assert.equal(after.status, 0, after.stderr);
		const data = stdoutOf(after).data;
		assert.equal(data.signed_in, true);
		assert.equal(data.identity, 'user');
		assert.equal(data.name, 'Ada Lovelace');
		assert.equal(data.state, 'valid');
		assert.equal(data.matches_configuration, true);
		assert.ok(Date.parse(String(data.access_token_expires_at)) > Date.now());
		assert.deepEqual(data.auto_identity, { identity: 'user', source: 'signed-in user' });
		assertNoTokens(after);
		assert.equal(server.requests.length, 0, 'status is offline');
	});

	it('--as auto downloads with the stored session', async () => {
		const { accessToken } = await storeSession();
		const result = await cli(downloadArgs());
		assert.equal(result.status, 0, result.stderr);
		assert.equal(stdoutOf(result).identity, 'user');
		assert.equal(server.resourceRequests()[0]?.headers.authorization, `Bearer ${accessToken}`);
		assert.equal(server.tokenRequests().length + tokenRequests().length, 0, 'no tenant token, no refresh');
	});

	it('a stored session wins over LARK_USER_ACCESS_TOKEN; --as bot ignores both', async () => {
		const { accessToken } = await storeSession();
		const pasted = server.issueUserToken();
		assert.equal((await cli(downloadArgs(), { LARK_USER_ACCESS_TOKEN: pasted })).status, 0);
		assert.equal(server.resourceRequests()[0]?.headers.authorization, `Bearer ${accessToken}`);
		const bot = await cli([...downloadArgs(), '--as', 'bot', '--force']);
		assert.equal(stdoutOf(bot).identity, 'bot');
	});

	it('an expired access token is refreshed once; the rotated tokens are saved 0600 and used next time', async () => {
		const first = await storeSession({ expiresAt: Date.now() - 1000 });
		const result = await cli(downloadArgs());
		assert.equal(result.status, 0, result.stderr);
		assert.equal(await sha256File(path.join(work.dir, 'file_v3_auth.pdf')), sha256(resource.data));
		assert.equal(tokenRequests().length, 1);
		const stored = await tokenFile.read();
		assert.notEqual(stored?.tokens.refreshToken, first.refreshToken, 'rotated refresh token saved');
		assert.notEqual(server.resourceRequests()[0]?.headers.authorization, `Bearer ${first.accessToken}`);
		if (process.platform !== 'win32') {
			assert.equal((await fs.stat(tokenFile.path)).mode & 0o777, 0o600);
		}
		const firstRun = server.resourceRequests().length;
		assert.equal((await cli([...downloadArgs(), '--force'])).status, 0);
		assert.ok(server.resourceRequests().length > firstRun, 'downloaded again (--force)');
		assert.equal(server.resourceRequests().at(-1)?.headers.authorization, server.resourceRequests()[0]?.headers.authorization, 'with the saved token');
		assert.equal(tokenRequests().length, 1, 'the saved token is used, no second refresh');
		assertNoTokens(result);
	});

	it('a revoked refresh token: exit 3, "sign in again", one refresh request, session forgotten', async () => {
		const { accessToken, refreshToken } = await storeSession();
		server.expireToken(accessToken);
		oauth.revoke(refreshToken);
		const result = await cli(downloadArgs());
		assert.equal(result.status, 3, result.stderr);
		const error = errorOf(result);
		assert.equal(error.type, 'auth');
		assert.match(error.message, /sign in again/);
		assert.match(String(error.hint), /lark-dl auth login/);
		assert.equal(tokenRequests().length, 1);
		assert.equal(server.resourceRequests().length, 1);
		assert.equal(await tokenFile.read(), undefined);
		assertNoTokens(result);
	});

	it('logout removes the session; status then says signed out; a second logout is harmless', async () => {
		await storeSession();
		const out = await cli(['auth', 'logout']);
		assert.equal(out.status, 0, out.stderr);
		assert.deepEqual(stdoutOf(out).data, { signed_out: true, token_file: tokenFile.path });
		assert.deepEqual(await listFiles(path.dirname(tokenFile.path)), []);
		assert.equal(stdoutOf(await cli(['auth', 'status'])).data.signed_in, false);
		assert.equal(stdoutOf(await cli(['auth', 'logout'])).data.signed_out, false);
		assertNoTokens(out);
	});

	it('--no-wait prints the device code to finish later with --device-code', async () => {
		const started = await cli(['auth', 'login', '--no-wait']);
		assert.equal(started.status, 0, started.stderr);
		const data = stdoutOf(started).data as { verification_url: string; user_code: string; device_code: string; next: string };
		assert.match(started.stderr, new RegExp(`the code: ${data.user_code}`));
		assert.equal(data.next, `lark-dl auth login --device-code ${data.device_code}`);
		assert.equal(await tokenFile.read(), undefined, 'nothing stored yet');
		await oauth.decide(data.user_code, 'approve');
		const finished = await cli(['auth', 'login', '--device-code', data.device_code]);
		assert.equal(finished.status, 0, finished.stderr);
		assert.equal(stdoutOf(finished).data.name, 'Ada Lovelace');
		assert.equal((await tokenFile.read())?.tokens.openId, 'ou_test_user');
		assertNoTokens(started, finished);
	});

	it('a denied sign-in exits 3 with an auth error and stores nothing', async () => {
		const run = startCli(['auth', 'login'], { cwd: work.dir, env });
		await approveWhenShown(run.child, 'deny');
		const result = await run.done;
		assert.equal(result.status, 3, result.stderr);
		assert.match(errorOf(result).message, /denied/);
		assert.equal(await tokenFile.read(), undefined);
	});

	const refused: [string, string[], Record<string, string>, number][] = [
		['--no-wait together with --device-code', ['auth', 'login', '--no-wait', '--device-code', 'dc_1'], {}, 2],
		['an invalid --scope', ['auth', 'login', '--scope', 'im:message;rm'], {}, 2],
		['an unknown auth subcommand', ['auth', 'whoami'], {}, 2],
		['login without the app credentials', ['auth', 'login'], { LARK_APP_SECRET: '' }, 3],
	];
	for (const [title, args, extraEnv, status] of refused) {
		it(`refuses ${title} before any request`, async () => {
			const result = await cli(args, extraEnv);
			assert.equal(result.status, status, result.stderr);
			assert.equal(server.requests.length, 0);
		});
	}

	it('--as user without a session names `lark-dl auth login`', async () => {
		const result = await cli([...downloadArgs(), '--as', 'user']);
		assert.equal(result.status, 3);
		assert.match(String(errorOf(result).hint), /lark-dl auth login/);
		assert.equal(server.requests.length, 0);
	});

	it('a session made for another app or host is not used', async () => {
		await storeSession();
		const otherApp = await cli(['auth', 'status'], { LARK_APP_ID: 'cli_other' });
		assert.equal(stdoutOf(otherApp).data.matches_configuration, false);
		const result = await cli(downloadArgs(), { LARK_BASE_URL: server.baseUrl.replace('127.0.0.1', 'localhost') });
		assert.equal(result.status, 0, result.stderr);
		assert.equal(stdoutOf(result).identity, 'bot');
	});
});
