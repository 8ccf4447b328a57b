import type { Brand, Credentials } from '../core/auth/credentials';
import { LarkError } from '../core/errors';

/** Credentials and endpoint from LARK_* environment variables. */
export function credentialsFromEnvironment(env: NodeJS.ProcessEnv): Credentials {
	const brandValue = (env.LARK_BRAND ?? 'feishu').trim().toLowerCase();
	if (brandValue !== 'feishu' && brandValue !== 'lark') {
		throw new LarkError('validation', `LARK_BRAND must be feishu or lark, got ${JSON.stringify(env.LARK_BRAND)}.`);
	}
	const brand: Brand = brandValue;
	return {
		brand,
		baseUrl: env.LARK_BASE_URL,
		accountsUrl: env.LARK_ACCOUNTS_URL,
		appId: env.LARK_APP_ID,
		appSecret: env.LARK_APP_SECRET,
		userAccessToken: env.LARK_USER_ACCESS_TOKEN,
	};
}
