import * as assert from 'node:assert/strict';
import { completeDeviceSignIn, DEFAULT_SCOPES, MAX_POLLS, pollDeviceToken, startDeviceAuthorization, type DevicePollOptions } from '../../../../src/core/auth/deviceFlow';
import { OAuthClient } from '../../../../src/core/auth/oauthClient';
import { FakeClock } from '../../../support/fakeClock';
import { LarkTestServer } from '../../../support/larkServer';
import { OAuthFixture, oauthClientFor, type OAuthFixtureOptions } from '../../../support/oauthFixtures';
import { expectLarkError as expectFailure } from '../../../support/fixtures';

describe('device sign-in flow against the loopback accounts and token endpoints', () => {
	let server: LarkTestServer;
	let oauth: OAuthFixture;
	let client: OAuthClient;
	let close: () => Promise<void>;
	let clock: FakeClock;

	async function setUp(options: OAuthFixtureOptions = {}): Promise<void> {
		server = await new LarkTestServer().start();
		oauth = new OAuthFixture(server, options);
		({ client, close } = oauthClientFor(server));
		clock = new FakeClock();
	}

	afterEach(async () => {
		await close();
		await server.stop();
	});

	/** Starts a sign-in and polls it with the fake clock. */
	async function start(decision?: 'approve' | 'deny', options: DevicePollOptions = {}) {
		const authorization = await startDeviceAuthorization(client, DEFAULT_SCOPES, { now: clock.now });
		if (decision !== undefined) {
			await oauth.decide(authorization.userCode, decision);
		}
		const poll = (extra: DevicePollOptions = {}) => pollDeviceToken(client, authorization.deviceCode, {
			clock, expiresAt: authorization.expiresAt, intervalSeconds: authorization.intervalSeconds, ...options, ...extra,
		});
		return { authorization, poll };
	}

	describe('device authorization', () => {
		it('authenticates the app with Basic, asks for every scope plus offline_access, and reads the answer', async () => {
			await setUp({ interval: 7, expiresIn: 300 });
			const authorization = await startDeviceAuthorization(client, [...DEFAULT_SCOPES, 'im:chat:readonly', 'drive:drive:readonly'], { now: clock.now });
			const request = server.requests.find((r) => r.path === '/oauth/v1/device_authorization');
			assert.equal(request?.headers.authorization, `Basic ${Buffer.from(`${server.appId}:${server.appSecret}`).toString('base64')}`);
			const device = oauth.devices.get(authorization.deviceCode);
			assert.deepEqual(device?.scope.split(' '), [
				'im:message:readonly', 'im:message.history:readonly', 'im:chat:readonly', 'im:message.group_msg:get_as_user',
				'im:message.p2p_msg:get_as_user', 'contact:user.base:readonly', 'offline_access', 'drive:drive:readonly',
			]);
			assert.equal(authorization.userCode, device?.userCode);
			assert.equal(authorization.verificationUriComplete, `${server.baseUrl}/oauth/verify?user_code=${device?.userCode}`);
			assert.equal(authorization.intervalSeconds, 7);
			assert.equal(authorization.expiresAt, clock.time + 300_000);
		});

		it('appends offline_access when the caller forgot it', async () => {
			await setUp();
			const authorization = await startDeviceAuthorization(client, ['im:message:readonly']);
			assert.equal(oauth.devices.get(authorization.deviceCode)?.scope, 'im:message:readonly offline_access');
		});

		it('falls back to verification_uri and a 5 s interval when the answer omits them', async () => {
			await setUp({ withoutCompleteUri: true, interval: null });
			const authorization = await startDeviceAuthorization(client);
			assert.equal(authorization.verificationUriComplete, `${server.baseUrl}/oauth/verify`);
			assert.equal(authorization.intervalSeconds, 5);
		});

		it('reports a wrong app secret as an auth error', async () => {
			await setUp();
			const error = await expectFailure(startDeviceAuthorization(new OAuthClient(client.http, { ...client.app, appSecret: 'nope' }, client.userAgent)));
			assert.equal(error.type, 'auth');
			assert.match(error.message, /client authentication failed/);
			assert.equal(error.httpStatus, 401);
		});
	});

	describe('polling', () => {
		it('polls at once, and returns the tokens when the user already approved (no sleep)', async () => {
			await setUp();
			const { poll } = await start('approve');
			const tokens = await poll();
			assert.deepEqual(clock.sleeps, []);
			assert.equal(oauth.pollCalls().length, 1);
			assert.ok(oauth.issued.includes(tokens.accessToken));
			assert.ok(oauth.issued.includes(tokens.refreshToken));
			assert.equal(tokens.expiresAt, clock.time + 7200_000);
			assert.equal(tokens.refreshExpiresAt, clock.time + 604_800_000);
			assert.match(tokens.scope, /offline_access/);
		});

		it('waits the interval after each authorization_pending', async () => {
			await setUp({ interval: 3 });
			oauth.pollQuirks.push('pending', 'pending');
			const outcomes: string[] = [];
			const { poll } = await start('approve', { onPoll: (e) => outcomes.push(`${e.outcome}:${e.intervalSeconds}`) });
			await poll();
			assert.deepEqual(clock.sleeps, [3000, 3000]);
			assert.deepEqual(outcomes, ['pending:3', 'pending:3']);
			assert.equal(oauth.pollCalls().length, 3);
		});

		it('keeps polling while the user has not decided, then succeeds once approved', async () => {
			await setUp();
			const { authorization, poll } = await start();
			// The user approves during the second wait.
			const tokens = await poll({
				clock: {
					now: clock.now,
					sleep: async (ms, signal) => {
						if (clock.sleeps.length === 1) {
							await oauth.decide(authorization.userCode, 'approve');
						}
						return clock.sleep(ms, signal);
					},
				},
			});
			assert.ok(tokens.accessToken.startsWith('u-'));
			assert.equal(oauth.pollCalls().length, 3);
			assert.deepEqual(clock.sleeps, [5000, 5000]);
		});

		it('adds 5 s on every slow_down and keeps the longer interval afterwards', async () => {
			await setUp();
			oauth.pollQuirks.push('slow_down', 'slow_down', 'pending');
			const { poll } = await start('approve');
			await poll();
			assert.deepEqual(clock.sleeps, [10_000, 15_000, 15_000]);
		});

		it('caps the interval at 60 s, but never shortens what the server asked for', async () => {
			await setUp({ interval: 57 });
			oauth.pollQuirks.push('slow_down', 'slow_down');
			await (await start('approve')).poll();
			assert.deepEqual(clock.sleeps, [60_000, 60_000]);

			clock.sleeps.length = 0;
			oauth.pollQuirks.push('slow_down', 'pending');
			await (await start('approve', { intervalSeconds: 90 })).poll({ intervalSeconds: 90 });
			assert.deepEqual(clock.sleeps, [90_000, 90_000]);
		});

		it('adds 1 s after a server error or a gateway page, and carries on', async () => {
			await setUp();
			oauth.pollQuirks.push('server_error', 'gateway_html');
			const outcomes: string[] = [];
			const { poll } = await start('approve', { onPoll: (e) => outcomes.push(e.outcome) });
			await poll();
			assert.deepEqual(clock.sleeps, [6000, 7000]);
			assert.deepEqual(outcomes, ['transient', 'transient']);
		});

		it('stops at access_denied with an auth error, after one request', async () => {
			await setUp();
			const { poll } = await start('deny');
			const error = await expectFailure(poll());
			assert.equal(error.type, 'auth');
			assert.equal(error.message, 'The sign-in was denied in the browser.');
			assert.equal(oauth.pollCalls().length, 1);
		});

		it('stops at expired_token from the server', async () => {
			await setUp();
			oauth.pollQuirks.push('pending');
			const { authorization, poll } = await start();
			oauth.expireDevice(authorization.deviceCode);
			const error = await expectFailure(poll());
			assert.equal(error.type, 'auth');
			assert.match(error.message, /^The sign-in code expired/);
			assert.equal(oauth.pollCalls().length, 2);
		});

		it('stops by its own clock when expires_in has passed, without another request', async () => {
			await setUp({ expiresIn: 12 });
			const { poll } = await start();
			const error = await expectFailure(poll());
			assert.match(error.message, /^The sign-in code expired/);
			assert.deepEqual(clock.sleeps, [5000, 5000, 5000]);
			assert.equal(oauth.pollCalls().length, 3, 'polls at 0, 5 and 10 s; none at 15 s');
		});

		it(`gives up after ${MAX_POLLS} polls when the expiry is unknown (a resumed device code)`, async () => {
			await setUp();
			const { authorization } = await start();
			const error = await expectFailure(pollDeviceToken(client, authorization.deviceCode, { clock }));
			assert.match(error.message, /^The sign-in code expired/);
			assert.equal(oauth.pollCalls().length, MAX_POLLS);
		});

		it('ends with a cancelled error as soon as the signal aborts', async () => {
			await setUp();
			const controller = new AbortController();
			const { poll } = await start(undefined, { signal: controller.signal, onPoll: () => controller.abort() });
			const error = await expectFailure(poll());
			assert.equal(error.type, 'cancelled');
			assert.match(error.message, /sign-in was cancelled/);
			assert.equal(oauth.pollCalls().length, 1);
		});

		it('sends the client credentials in the form only (Basic as well would be Lark error 20070)', async () => {
			await setUp();
			await (await start('approve')).poll();
			assert.deepEqual(oauth.pollCalls().map((c) => [c.status, c.basicAuth]), [[200, false]]);
		});
	});

	it('completeDeviceSignIn adds who signed in from user_info, asked with the new token', async () => {
		await setUp();
		const { authorization } = await start('approve');
		const tokens = await completeDeviceSignIn(client, authorization.deviceCode, { clock });
		assert.equal(tokens.openId, 'ou_test_user');
		assert.equal(tokens.name, 'Ada Lovelace');
		const userInfo = server.requests.find((r) => r.path === '/open-apis/authen/v1/user_info');
		assert.equal(userInfo?.headers.authorization, `Bearer ${tokens.accessToken}`);
	});
});
