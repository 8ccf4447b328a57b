import { LarkError } from '../errors';
import type { HttpClient } from '../http/httpClient';
import { TenantTokenProvider } from './tenantTokenProvider';
import { StaticTokenProvider, type TokenProvider } from './tokenProvider';

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
	appId?: string;
	appSecret?: string;
	userAccessToken?: string;
}

export function baseUrlOf(credentials: Credentials): string {
	const base = credentials.baseUrl?.trim();
	if (base === undefined || base === '') {
		return BRAND_BASE_URLS[credentials.brand];
	}
	let url: URL;
	try {
		url = new URL(base);
	} catch {
		throw new LarkError('validation', `The Open API base URL is not a URL: ${base}`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new LarkError('validation', `The Open API base URL must be http(s): ${base}`);
	}
	return url.origin;
}

/**
 * `auto` prefers the user (their own chats) when a user token exists, else the bot. An explicit
 * choice without its credentials is an auth error naming what to set.
 */
export function selectTokenProvider(choice: IdentityChoice, credentials: Credentials, http: HttpClient, userAgent: string): TokenProvider {
	const userToken = credentials.userAccessToken?.trim();
	const hasApp = (credentials.appId?.trim() ?? '') !== '' && (credentials.appSecret?.trim() ?? '') !== '';
	const wantUser = choice === 'user' || (choice === 'auto' && userToken !== undefined && userToken !== '');
	if (wantUser) {
		if (userToken === undefined || userToken === '') {
			throw new LarkError('auth', 'No user access token: --as user needs LARK_USER_ACCESS_TOKEN.', {
				hint: 'Set LARK_USER_ACCESS_TOKEN, or use --as bot with LARK_APP_ID and LARK_APP_SECRET.',
			});
		}
		return new StaticTokenProvider('user', userToken);
	}
	if (!hasApp) {
		throw new LarkError('auth', 'No credentials: the bot identity needs LARK_APP_ID and LARK_APP_SECRET.', {
			hint: 'Set LARK_APP_ID and LARK_APP_SECRET (bot), or LARK_USER_ACCESS_TOKEN (user).',
		});
	}
	return new TenantTokenProvider(http, baseUrlOf(credentials), credentials.appId?.trim() ?? '', credentials.appSecret?.trim() ?? '', userAgent);
}
