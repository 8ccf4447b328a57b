import { LarkError } from '../errors';
import { registerSecret } from '../secrets/secretRegistry';

/** A signed-in user's tokens. Times are epoch milliseconds. */
export interface UserTokenSet {
	accessToken: string;
	/** Empty when the app was not granted `offline_access`: the session ends with the access token. */
	refreshToken: string;
	expiresAt: number;
	refreshExpiresAt: number;
	/** Granted scopes, space-separated. */
	scope: string;
	openId: string;
	name: string;
}

/** What a token grant yields; who the user is comes from user_info. */
export type GrantedTokens = Omit<UserTokenSet, 'openId' | 'name'>;

/**
 * `valid`: usable as is. `needs_refresh`: the access token is (nearly) expired but the refresh token
 * still works. `expired`: only a new sign-in helps.
 */
export type Freshness = 'valid' | 'needs_refresh' | 'expired';

/** Stop using an access token this long before it expires, so no request starts with a dying token (as lark-cli). */
export const ACCESS_TOKEN_MARGIN_MS = 5 * 60_000;
/** Lark's defaults when an answer omits the lifetimes (lark-api.md §3.3). */
const DEFAULT_EXPIRES_IN_S = 7200;
const DEFAULT_REFRESH_EXPIRES_IN_S = 604_800;

export function freshnessOf(tokens: UserTokenSet | GrantedTokens, now: number): Freshness {
	if (now < tokens.expiresAt - ACCESS_TOKEN_MARGIN_MS) {
		return 'valid';
	}
	return canRefresh(tokens, now) ? 'needs_refresh' : 'expired';
}

export function canRefresh(tokens: UserTokenSet | GrantedTokens, now: number): boolean {
	return tokens.refreshToken !== '' && now < tokens.refreshExpiresAt;
}

/**
 * Reads a token-endpoint success. Refresh tokens rotate: the answer's refresh token replaces the old
 * one; a field the answer omits keeps its `previous` value (as lark-cli does).
 */
export function grantedTokensFrom(body: Record<string, unknown>, now: number, previous?: GrantedTokens): GrantedTokens {
	const accessToken = body.access_token;
	if (typeof accessToken !== 'string' || accessToken === '') {
		throw new LarkError('protocol', 'The token endpoint answered without an access token.');
	}
	const expiresAt = now + seconds(body.expires_in, DEFAULT_EXPIRES_IN_S) * 1000;
	const rotated = nonEmptyString(body.refresh_token);
	const refresh = rotated !== undefined
		? { refreshToken: rotated, refreshExpiresAt: now + seconds(body.refresh_token_expires_in, DEFAULT_REFRESH_EXPIRES_IN_S) * 1000 }
		: previous !== undefined
			? { refreshToken: previous.refreshToken, refreshExpiresAt: previous.refreshExpiresAt }
			: { refreshToken: '', refreshExpiresAt: expiresAt };
	registerSecret(accessToken);
	registerSecret(refresh.refreshToken);
	return { accessToken, expiresAt, ...refresh, scope: nonEmptyString(body.scope) ?? previous?.scope ?? '' };
}

function seconds(value: unknown, fallback: number): number {
	return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function nonEmptyString(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}
