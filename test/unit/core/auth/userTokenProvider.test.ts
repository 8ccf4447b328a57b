import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TokenFile } from '../../../../src/cli/tokenStore';
import type { OAuthClient } from '../../../../src/core/auth/oauthClient';
import { SignInRequiredError } from '../../../../src/core/auth/signInRequired';
import { refreshUserTokens } from '../../../../src/core/auth/tokenRefresh';
import { UserTokenProvider, type UserTokenStore } from '../../../../src/core/auth/userTokenProvider';
import type { UserTokenSet } from '../../../../src/core/auth/userTokens';
import { LarkError } from '../../../../src/core/errors';
import { FakeClock } from '../../../support/fakeClock';
import { LarkTestServer } from '../../../support/larkServer';
import { OAuthFixture, oauthClientFor } from '../../../support/oauthFixtures';
import { expectLarkError as expectFailure } from '../../../support/fixtures';

const HOUR = 3600_000;

/** Remembers what the provider saved and cleared. */
class MemoryStore implements UserTokenStore {
	readonly saved: UserTokenSet[] = [];
	cleared = 0;
	failSave = false;

	save(tokens: UserTokenSet): Promise<void> {
		if (this.failSave) {
			return Promise.reject(new Error('disk full'));
		}
		this.saved.push(tokens);
		return Promise.resolve();
	}

	clear(): Promise<void> {
		this.cleared++;
		return Promise.resolve();
	}
}

describe('user token provider: freshness, rotation, single-flight refresh', () => {
	let server: LarkTestServer;
	let oauth: OAuthFixture;
	let client: OAuthClient;
	let close: () => Promise<void>;
	let clock: FakeClock;
	let store: MemoryStore;

	beforeEach(async () => {
		server = await new LarkTestServer().start();
		oauth = new OAuthFixture(server);
		({ client, close } = oauthClientFor(server));
		clock = new FakeClock();
		store = new MemoryStore();
	});

	afterEach(async () => {
		await close();
		await server.stop();
	});

	/** A signed-in session as the device flow would have left it, issued "now" on the fake clock. */
	function signedIn(): UserTokenSet {
		const { accessToken, refreshToken } = oauth.grant();
		return { accessToken, refreshToken, expiresAt: clock.time + 2 * HOUR, refreshExpiresAt: clock.time + 168 * HOUR, scope: 'im:message:readonly offline_access', openId: 'ou_test_user', name: 'Ada Lovelace' };
	}

	function provider(tokens = signedIn(), options: { withStoreErrors?: LarkError[] } = {}): UserTokenProvider {
		const onStoreError = options.withStoreErrors === undefined ? undefined : (error: LarkError) => options.withStoreErrors?.push(error);
		return new UserTokenProvider(client, tokens, { store, now: clock.now, ...(onStoreError === undefined ? {} : { onStoreError }) });
	}

	it('serves the stored access token without a request while it is fresh', async () => {
		const tokens = signedIn();
		const user = provider(tokens);
		clock.advance(2 * HOUR - 6 * 60_000);
		assert.equal(await user.getToken(), tokens.accessToken);
		assert.equal(oauth.tokenCalls.length, 0);
		assert.equal(user.identity, 'user');
	});

	it('refreshes within the safety margin before expiry, rotates the refresh token and saves the new set', async () => {
		const tokens = signedIn();
		const user = provider(tokens);
		clock.advance(2 * HOUR - 4 * 60_000);
		const fresh = await user.getToken();
		assert.notEqual(fresh, tokens.accessToken);
		assert.deepEqual(oauth.refreshCalls().map((c) => c.presented), [tokens.refreshToken]);
		assert.notEqual(user.current.refreshToken, tokens.refreshToken, 'rotated');
		assert.equal(user.current.expiresAt, clock.time + 2 * HOUR);
		assert.equal(user.current.name, 'Ada Lovelace', 'identity kept across refreshes');
		assert.deepEqual(store.saved, [user.current]);
		assert.equal(await user.getToken(), fresh, 'the new token is cached');
		assert.equal(oauth.refreshCalls().length, 1);
	});

	it('a used refresh token is refused afterwards (20073): rotation is real', async () => {
		const tokens = signedIn();
		await refreshUserTokens(client, tokens, clock.now);
		const error = await expectFailure(refreshUserTokens(client, tokens, clock.now));
		assert.ok(error instanceof SignInRequiredError);
		assert.equal(error.code, 20073);
		assert.match(error.message, /already used.*sign in again/);
	});

	it('sends client id and secret in the form, never Basic', async () => {
		await refreshUserTokens(client, signedIn(), clock.now);
		assert.deepEqual(oauth.refreshCalls().map((c) => [c.status, c.basicAuth]), [[200, false]]);
	});

	it('two refreshes racing produce one request', async () => {
		const user = provider();
		clock.advance(3 * HOUR);
		const [a, b] = await Promise.all([user.getToken(), user.getToken()]);
		assert.equal(a, b);
		assert.equal(oauth.refreshCalls().length, 1);
	});

	it('many callers rejecting the same token (parallel parts) refresh once', async () => {
		const tokens = signedIn();
		const user = provider(tokens);
		const rejectedBy = [1, 2, 3, 4].map(() => user.invalidate(tokens.accessToken));
		assert.deepEqual(rejectedBy, [true, true, true, true]);
		const fresh = await Promise.all([1, 2, 3, 4].map(() => user.getToken()));
		assert.equal(new Set(fresh).size, 1);
		assert.notEqual(fresh[0], tokens.accessToken);
		assert.equal(oauth.refreshCalls().length, 1);
	});

	it('a late rejection of an already replaced token does not refresh again', async () => {
		const tokens = signedIn();
		const user = provider(tokens);
		user.invalidate(tokens.accessToken);
		const fresh = await user.getToken();
		assert.equal(user.invalidate(tokens.accessToken), true);
		assert.equal(await user.getToken(), fresh);
		assert.equal(oauth.refreshCalls().length, 1);
	});

	it('retries 20050 once and succeeds', async () => {
		oauth.refreshFailures.push(20050);
		const user = provider();
		clock.advance(3 * HOUR);
		assert.match(await user.getToken(), /^u-/);
		assert.deepEqual(oauth.refreshCalls().map((c) => c.status), [500, 200]);
	});

	it('retries 20050 only once: a second one fails, not retryable', async () => {
		oauth.refreshFailures.push(20050, 20050);
		const user = provider();
		clock.advance(3 * HOUR);
		const error = await expectFailure(user.getToken());
		assert.equal(error.code, 20050);
		assert.equal(error.retryable, false);
		assert.ok(!(error instanceof SignInRequiredError), 'the session is not over');
		assert.equal(oauth.refreshCalls().length, 2);
		assert.equal(store.cleared, 0);
	});

	for (const [code, reason] of [[20026, 'invalid'], [20037, 'expired'], [20064, 'revoked'], [20073, 'already used']] as const) {
		it(`${code} (${reason}) ends the session: "sign in again", no retry, store cleared, later calls send nothing`, async () => {
			oauth.refreshFailures.push(code);
			const tokens = signedIn();
			const user = provider(tokens);
			user.invalidate(tokens.accessToken);
			const error = await expectFailure(user.getToken());
			assert.ok(error instanceof SignInRequiredError);
			assert.equal(error.type, 'auth');
			assert.equal(error.code, code);
			assert.equal(error.retryable, false);
			assert.match(error.message, new RegExp(`refresh token (is |was )?${reason}.*sign in again`));
			assert.equal(error.reason, 'sign-in-again', 'a reason each front end renders with its own way to sign in');
			assert.doesNotMatch(String(error.hint), /lark-dl|--|LARK_/, 'core speaks no front end\'s language');
			assert.equal(store.cleared, 1);
			assert.equal(user.invalidate(tokens.accessToken), false, 'ApiSession will not retry');
			await expectFailure(user.getToken());
			assert.equal(oauth.refreshCalls().length, 1, 'exactly one request');
		});
	}

	it('a revoked refresh token seen by many parallel callers is one request and one error', async () => {
		const tokens = signedIn();
		oauth.revoke(tokens.refreshToken);
		const user = provider(tokens);
		user.invalidate(tokens.accessToken);
		const results = await Promise.allSettled([1, 2, 3, 4].map(() => user.getToken()));
		assert.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof SignInRequiredError));
		assert.equal(oauth.refreshCalls().length, 1);
	});

	it('an expired refresh token (by the clock) asks to sign in again without a request', async () => {
		const user = provider();
		clock.advance(200 * HOUR);
		const error = await expectFailure(user.getToken());
		assert.ok(error instanceof SignInRequiredError);
		assert.match(error.message, /refresh token expired/);
		assert.equal(oauth.tokenCalls.length, 0);
	});

	it('without a refresh token (no offline_access) the session ends with the access token', async () => {
		const user = provider({ ...signedIn(), refreshToken: '' });
		clock.advance(3 * HOUR);
		const error = await expectFailure(user.getToken());
		assert.match(error.message, /offline_access/);
		assert.equal(oauth.tokenCalls.length, 0);
	});

	it('a failed save is reported, and the refreshed token still works', async () => {
		store.failSave = true;
		const reported: LarkError[] = [];
		const user = provider(signedIn(), { withStoreErrors: reported });
		clock.advance(3 * HOUR);
		assert.match(await user.getToken(), /^u-/);
		assert.equal(reported.length, 1);
		assert.equal(reported[0]?.type, 'io');
		assert.match(reported[0]?.message ?? '', /disk full/);
	});

	it('without a store-error handler a failed save fails the call', async () => {
		store.failSave = true;
		const user = provider();
		clock.advance(3 * HOUR);
		const error = await expectFailure(user.getToken());
		assert.equal(error.type, 'io');
	});

	it('a caller that gives up waiting does not cancel the shared refresh for the others', async () => {
		const user = provider();
		clock.advance(3 * HOUR);
		const controller = new AbortController();
		const impatient = user.getToken(controller.signal);
		const patient = user.getToken();
		controller.abort();
		const error = await expectFailure(impatient);
		assert.equal(error.type, 'cancelled');
		assert.match(await patient, /^u-/);
		assert.equal(oauth.refreshCalls().length, 1);
	});
});

describe('two lark-dl processes refreshing one signed-in session (the token file)', () => {
	let server: LarkTestServer;
	let oauth: OAuthFixture;
	let clients: { client: OAuthClient; close: () => Promise<void> }[];
	let dir: string;

	beforeEach(async () => {
		server = await new LarkTestServer().start();
		oauth = new OAuthFixture(server);
		clients = [oauthClientFor(server), oauthClientFor(server)];
		dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lark-session-'));
	});

	afterEach(async () => {
		await Promise.all(clients.map((c) => c.close()));
		await server.stop();
		await fs.rm(dir, { recursive: true, force: true });
	});

	it('the second refresh takes over the first one\'s rotated tokens: both work, nobody is told to sign in again, the file stays', async () => {
		const { accessToken, refreshToken } = oauth.grant();
		const expired: UserTokenSet = { accessToken, refreshToken, expiresAt: Date.now() - 1000, refreshExpiresAt: Date.now() + 168 * HOUR, scope: 'offline_access', openId: 'ou_test_user', name: 'Ada' };
		const file = new TokenFile(path.join(dir, 'user-session.json'));
		const session = { appId: server.appId, baseUrl: server.baseUrl };
		await file.write({ ...session, tokens: expired });
		// two processes that both read the same (expired) session at start
		const [a, b] = clients.map(({ client }) => new UserTokenProvider(client, expired, { store: file.storeFor(session) }));
		assert.ok(a && b);
		const [tokenA, tokenB] = await Promise.all([a.getToken(), b.getToken()]);
		assert.equal(tokenA, tokenB, 'one refresh, shared through the file');
		assert.equal(oauth.refreshCalls().length, 1, 'the spent refresh token was never sent twice');
		const stored = await file.read();
		assert.equal(stored?.tokens.accessToken, tokenA, 'the renewed session is on disk, not deleted');
		assert.ok(!(await fs.readdir(dir)).some((name) => name.endsWith('.lock')), 'the lock is released');
	});

	it('a session file that others may read is made 0600 with a warning; a symlinked one is refused', async () => {
		const target = path.join(dir, 'user-session.json');
		const warnings: string[] = [];
		const file = new TokenFile(target, (message) => warnings.push(message));
		const { accessToken, refreshToken } = oauth.grant();
		await file.write({ appId: server.appId, baseUrl: server.baseUrl, tokens: { accessToken, refreshToken, expiresAt: Date.now() + HOUR, refreshExpiresAt: Date.now() + 168 * HOUR, scope: '', openId: 'ou_x', name: 'Ada' } });
		await fs.chmod(target, 0o644);
		assert.equal(file.readSync()?.tokens.accessToken, accessToken);
		assert.equal((await fs.stat(target)).mode & 0o777, 0o600);
		assert.match(warnings.join('\n'), /readable by other users/);

		const linked = path.join(dir, 'linked.json');
		await fs.symlink(target, linked);
		assert.throws(() => new TokenFile(linked).readSync(), (error: unknown) => error instanceof LarkError && error.type === 'io' && /symbolic link/.test(error.message));
	});
});
