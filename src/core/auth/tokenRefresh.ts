import { failureOf, oauthError, RETRY_ONCE_CODE, SIGN_IN_AGAIN_CODES, type OAuthClient } from './oauthClient';
import { SignInRequiredError } from './signInRequired';
import { canRefresh, grantedTokensFrom, type UserTokenSet } from './userTokens';

const REASONS: ReadonlyMap<number, string> = new Map([
	[20026, 'the refresh token is invalid'],
	[20037, 'the refresh token expired'],
	[20064, 'the refresh token was revoked'],
	[20073, 'the refresh token was already used'],
]);

/**
 * One refresh-token grant. The answer's refresh token replaces the old one, which Lark will not accept
 * again. 20050 is retried once at once; the sign-in-again codes are never retried. No abort signal on
 * purpose: a refresh cancelled after Lark rotated the token would lose the session.
 */
export async function refreshUserTokens(client: OAuthClient, tokens: UserTokenSet, now: () => number = Date.now): Promise<UserTokenSet> {
	if (!canRefresh(tokens, now())) {
		throw new SignInRequiredError(tokens.refreshToken === '' ? 'no refresh token: the app was not granted offline_access' : 'the refresh token expired');
	}
	for (let attempt = 0; ; attempt++) {
		const reply = await client.token({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
		const failure = failureOf(reply);
		if (failure === undefined) {
			return { ...grantedTokensFrom(reply.body, now(), tokens), openId: tokens.openId, name: tokens.name };
		}
		if (failure.code === RETRY_ONCE_CODE && attempt === 0) {
			continue;
		}
		if ((failure.code !== undefined && SIGN_IN_AGAIN_CODES.has(failure.code)) || failure.error === 'invalid_grant') {
			const reason = (failure.code === undefined ? undefined : REASONS.get(failure.code)) ?? failure.description;
			throw new SignInRequiredError(reason, { code: failure.code, logId: reply.logId, httpStatus: reply.status });
		}
		throw oauthError('Could not refresh the Lark sign-in', reply, failure, {
			type: 'auth',
			hint: 'Try again later; if it keeps failing, sign in again.',
			...(failure.code === RETRY_ONCE_CODE ? { retryable: false } : {}),
		});
	}
}
