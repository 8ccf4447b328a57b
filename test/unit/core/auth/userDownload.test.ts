import * as assert from 'node:assert/strict';
import { SignInRequiredError } from '../../../../src/core/auth/signInRequired';
import { UserTokenProvider } from '../../../../src/core/auth/userTokenProvider';
import { DownloadEngine } from '../../../../src/core/download/downloadEngine';
import { ApiSession } from '../../../../src/core/http/apiSession';
import { USER_AGENT } from '../../../../src/core/version';
import { FAST_RETRIES } from '../../../support/engineHarness';
import { bytes, listFiles, sha256, sha256File, tempDir } from '../../../support/fixtures';
import { LarkTestServer, type LoggedRequest, type ServedResource } from '../../../support/larkServer';
import { OAuthFixture, oauthClientFor } from '../../../support/oauthFixtures';

const KiB = 1024;
const TOKEN_PATH = '/open-apis/authen/v2/oauth/token';

describe('downloading as the signed-in user while the access token runs out', () => {
	let server: LarkTestServer;
	let oauth: OAuthFixture;
	let work: { dir: string; cleanup: () => Promise<void> };
	let close: () => Promise<void>;
	let engine: DownloadEngine;
	let first: { accessToken: string; refreshToken: string };
	let resource: ServedResource;

	beforeEach(async () => {
		server = await new LarkTestServer().start();
		oauth = new OAuthFixture(server);
		work = await tempDir();
		const { client, close: closeClient } = oauthClientFor(server);
		close = closeClient;
		first = oauth.grant();
		// The client believes the token has hours left; the server decides when it stops working.
		const tokens = { ...first, expiresAt: Date.now() + 7200_000, refreshExpiresAt: Date.now() + 604_800_000, scope: '', openId: 'ou_test_user', name: 'Ada' };
		const session = new ApiSession(client.http, server.baseUrl, new UserTokenProvider(client, tokens), USER_AGENT, undefined, FAST_RETRIES);
		engine = new DownloadEngine(session);
		resource = server.addResource({ messageId: 'om_user1', fileKey: 'file_v3_user', type: 'file', data: bytes(128 * KiB + 8 * 64 * KiB), contentType: 'application/pdf' });
	});

	afterEach(async () => {
		await close();
		await server.stop();
		await work.cleanup();
	});

	const download = () => engine.download(
		{ messageId: resource.messageId, fileKey: resource.fileKey, type: resource.type },
		{ root: work.dir, partSize: 64 * KiB, concurrency: 4 },
	);
	const bearer = (request: LoggedRequest | undefined) => String(request?.headers.authorization).slice('Bearer '.length);
	const tokenRequests = () => server.requests.filter((r) => r.path === TOKEN_PATH);

	it('4 parallel parts rejected at once refresh exactly once, and the download completes', async () => {
		// The token dies right after the probe: every part in flight is rejected with the old token.
		resource.fault = ({ index }) => {
			if (index === 0) {
				server.expireToken(first.accessToken);
			}
			return undefined;
		};
		const result = await download();
		assert.equal(await sha256File(result.savedPath), sha256(resource.data));
		assert.equal(result.identity, 'user');
		assert.equal(tokenRequests().length, 1, 'exactly one refresh request in the server log');
		assert.equal(oauth.refreshCalls().length, 1);
		const parts = server.resourceRequests().slice(1);
		const rejected = parts.filter((r) => bearer(r) === first.accessToken);
		assert.ok(rejected.length >= 2, `parts were rejected concurrently (${rejected.length})`);
		const renewed = new Set(parts.filter((r) => bearer(r) !== first.accessToken).map(bearer));
		assert.equal(renewed.size, 1, 'every retried part used the one new token');
		assert.equal(parts.length, rejected.length + 8, 'each of the 8 parts succeeded once after the refresh');
	});

	it('a revoked refresh token fails with "sign in again" and no retry storm', async () => {
		oauth.revoke(first.refreshToken);
		resource.fault = ({ index }) => {
			if (index === 0) {
				server.expireToken(first.accessToken);
			}
			return undefined;
		};
		let failure: unknown;
		try {
			await download();
		} catch (error) {
			failure = error;
		}
		assert.ok(failure instanceof SignInRequiredError, String(failure));
		assert.equal(failure.type, 'auth');
		assert.match(failure.message, /revoked.*sign in again/);
		assert.equal(tokenRequests().length, 1, 'one refresh request');
		assert.ok(server.resourceRequests().length <= 1 + 4, `at most the probe and one request per worker (${server.resourceRequests().length})`);
		assert.ok(!(await listFiles(work.dir)).some((f) => f === 'file_v3_user.pdf'));
	});

	it('a token rejected before the first byte is refreshed once, for the probe', async () => {
		server.expireToken(first.accessToken);
		const result = await download();
		assert.equal(await sha256File(result.savedPath), sha256(resource.data));
		assert.equal(tokenRequests().length, 1);
		assert.equal(server.resourceRequests().filter((r) => bearer(r) === first.accessToken).length, 1);
	});
});
