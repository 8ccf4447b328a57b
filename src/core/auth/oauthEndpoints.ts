import { LarkError } from '../errors';
import { baseUrlOf, originOf, type Brand, type Credentials } from './credentials';

/** Device sign-in starts on the accounts host, not the Open API host (lark-api.md §3.3, §4.1). */
export const BRAND_ACCOUNTS_URLS: Readonly<Record<Brand, string>> = {
	feishu: 'https://accounts.feishu.cn',
	lark: 'https://accounts.larksuite.com',
};

export const DEVICE_AUTHORIZATION_PATH = '/oauth/v1/device_authorization';
/** On the Open API host: the device-code grant and the refresh grant. */
export const OAUTH_TOKEN_PATH = '/open-apis/authen/v2/oauth/token';
export const USER_INFO_PATH = '/open-apis/authen/v1/user_info';

/** The app a user signs in to, and where its OAuth endpoints live. */
export interface OAuthApp {
	appId: string;
	appSecret: string;
	/** Open API origin (token and user_info endpoints). */
	baseUrl: string;
	/** Accounts origin (device authorization). */
	accountsUrl: string;
}

export function accountsUrlOf(credentials: Credentials): string {
	return originOf(credentials.accountsUrl, BRAND_ACCOUNTS_URLS[credentials.brand], 'accounts URL');
}

/** Signing in as a user is done through the app, so its id and secret are required. */
export function oauthAppOf(credentials: Credentials): OAuthApp {
	const appId = credentials.appId?.trim() ?? '';
	const appSecret = credentials.appSecret?.trim() ?? '';
	if (appId === '' || appSecret === '') {
		throw new LarkError('auth', 'Signing in as a user needs the app: its app ID and app secret are not both set.', {
			reason: 'missing-credentials',
			hint: 'Give the app ID and app secret of the Lark app users sign in to (docs/auth.md).',
		});
	}
	return { appId, appSecret, baseUrl: baseUrlOf(credentials), accountsUrl: accountsUrlOf(credentials) };
}
