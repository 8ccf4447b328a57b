import { LarkError } from '../errors';
import type { HttpClient } from '../http/httpClient';
import { TenantTokenProvider } from './tenantTokenProvider';
import { StaticTokenProvider, type TokenProvider } from './tokenProvider';
import { registerSecret } from '../secrets/secretRegistry';

export type Brand = 'feishu' | 'lark';
export type IdentityChoice = 'auto' | 'user' | 'bot';

export const BRAND_BASE_URLS: Readonly<Record<Brand, string>> = {
	feishu: 'https://open.feishu.cn',
	lark: 'https://open.larksuite.com',
};

/** Whatever the user configured; secrets stay in this object and never reach logs. */
export interface Credentials {
	brand: Brand;
	/** Overrides the brand's Open API host (tests, private deployments). */
	baseUrl?: string;
	/** Overrides the brand's accounts host, where the device sign-in starts (tests, private deployments). */
	accountsUrl?: string;
	appId?: string;
	appSecret?: string;
	userAccessToken?: string;
}

export function baseUrlOf(credentials: Credentials): string {
	return originOf(credentials.baseUrl, BRAND_BASE_URLS[credentials.brand], 'Open API base URL');
}

/** The origin of a configured http(s) URL, or `fallback` when none is configured. */
export function originOf(configured: string | undefined, fallback: string, what: string): string {
	const value = configured?.trim();
	if (value === undefined || value === '') {
		return fallback;
	}
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw new LarkError('validation', `The ${what} is not a URL: ${value}`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new LarkError('validation', `The ${what} must be http(s): ${value}`);
	}
	return url.origin;
}

/**
 * `auto` prefers the user (their own chats): a signed-in session (`signedInUser`, refreshable), then a
 * pasted LARK_USER_ACCESS_TOKEN, else the bot. An explicit choice without its credentials is an auth
 * error naming what to do.
 */
export function selectTokenProvider(
	choice: IdentityChoice,
	credentials: Credentials,
	http: HttpClient,
	userAgent: string,
	signedInUser?: TokenProvider,
): TokenProvider {
	registerSecret(credentials.appSecret);
	registerSecret(credentials.userAccessToken);
	const userToken = credentials.userAccessToken?.trim();
	const hasApp = (credentials.appId?.trim() ?? '') !== '' && (credentials.appSecret?.trim() ?? '') !== '';
	if (choice !== 'bot') {
		if (signedInUser !== undefined) {
			return signedInUser;
		}
		if (userToken !== undefined && userToken !== '') {
			return new StaticTokenProvider('user', userToken);
		}
		if (choice === 'user') {
			throw new LarkError('auth', 'Not signed in: the user identity needs a signed-in user or a user access token.', {
				reason: 'not-signed-in',
				hint: 'Sign in as a user, or use the app\'s bot identity.',
			});
		}
	}
	if (!hasApp) {
		throw new LarkError('auth', 'No credentials: the bot identity needs the app ID and app secret.', {
			reason: 'missing-credentials',
			hint: 'Give the app ID and app secret of the Lark app (bot), or sign in as a user.',
		});
	}
	return new TenantTokenProvider(http, baseUrlOf(credentials), credentials.appId?.trim() ?? '', credentials.appSecret?.trim() ?? '', userAgent);
}
