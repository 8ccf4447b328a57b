import * as assert from 'node:assert/strict';
import { ACCESS_TOKEN_MARGIN_MS, freshnessOf, grantedTokensFrom, type UserTokenSet } from '../../../../src/core/auth/userTokens';

const NOW = Date.UTC(2026, 0, 1);

function tokens(overrides: Partial<UserTokenSet> = {}): UserTokenSet {
	return {
		accessToken: 'u-a', refreshToken: 'ur-a', expiresAt: NOW + 7200_000, refreshExpiresAt: NOW + 604_800_000,
		scope: 'im:message:readonly offline_access', openId: 'ou_1', name: 'Ada', ...overrides,
	};
}

describe('user token freshness and grants', () => {
	it('is valid until the safety margin before expiry, then needs a refresh', () => {
		const set = tokens({ expiresAt: NOW + ACCESS_TOKEN_MARGIN_MS + 1 });
		assert.equal(freshnessOf(set, NOW), 'valid');
		assert.equal(freshnessOf(set, NOW + 1), 'needs_refresh');
		assert.equal(freshnessOf(set, NOW + ACCESS_TOKEN_MARGIN_MS + 10), 'needs_refresh');
	});

	it('is expired once the refresh token has expired too, or when there is none', () => {
		assert.equal(freshnessOf(tokens({ expiresAt: NOW, refreshExpiresAt: NOW }), NOW), 'expired');
		assert.equal(freshnessOf(tokens({ expiresAt: NOW, refreshToken: '' }), NOW), 'expired');
		assert.equal(freshnessOf(tokens({ refreshToken: '' }), NOW), 'valid', 'the access token still works');
	});

	it('reads a grant: lifetimes become absolute times, the refresh token rotates', () => {
		const granted = grantedTokensFrom({ access_token: 'u-b', refresh_token: 'ur-b', expires_in: 100, refresh_token_expires_in: 1000, scope: 'x y' }, NOW, tokens());
		assert.deepEqual(granted, { accessToken: 'u-b', refreshToken: 'ur-b', expiresAt: NOW + 100_000, refreshExpiresAt: NOW + 1_000_000, scope: 'x y' });
	});

	it('keeps the previous refresh token and scope when a refresh answer omits them, and uses Lark defaults for lifetimes', () => {
		const previous = tokens();
		const granted = grantedTokensFrom({ access_token: 'u-b' }, NOW, previous);
		assert.deepEqual(granted, { accessToken: 'u-b', refreshToken: 'ur-a', expiresAt: NOW + 7200_000, refreshExpiresAt: previous.refreshExpiresAt, scope: previous.scope });
	});

	it('a first grant without refresh token ends with its access token', () => {
		const granted = grantedTokensFrom({ access_token: 'u-b', expires_in: 60 }, NOW);
		assert.equal(granted.refreshToken, '');
		assert.equal(granted.refreshExpiresAt, NOW + 60_000);
	});

	it('refuses an answer without an access token as a protocol error', () => {
		assert.throws(() => grantedTokensFrom({ refresh_token: 'ur-b' }, NOW), { name: 'LarkError', type: 'protocol' } as object);
	});
});
