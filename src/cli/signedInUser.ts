import { baseUrlOf, type Credentials, type IdentityChoice } from '../core/auth/credentials';
import { OAuthClient } from '../core/auth/oauthClient';
import { oauthAppOf } from '../core/auth/oauthEndpoints';
import { UserTokenProvider } from '../core/auth/userTokenProvider';
import { freshnessOf } from '../core/auth/userTokens';
import type { HttpClient } from '../core/http/httpClient';
import { USER_AGENT } from '../core/version';
import type { Io } from './output';
import { TokenFile, type StoredSession } from './tokenStore';

/** A stored session is used only with the app and Open API host it was made for. */
export function belongsTo(session: StoredSession, credentials: Credentials): boolean {
	const appSecret = credentials.appSecret?.trim() ?? '';
	return session.appId === credentials.appId?.trim() && appSecret !== '' && session.baseUrl === baseUrlOf(credentials);
}

/**
 * The signed-in user from the token file as a refreshing token provider, or undefined. `auto` only
 * takes a session that can still be used; `user` takes an ended one too, so that the failure says
 * "sign in again" rather than "not signed in".
 */
export function signedInUser(choice: IdentityChoice, credentials: Credentials, env: NodeJS.ProcessEnv, http: HttpClient, io: Io): UserTokenProvider | undefined {
	if (choice === 'bot') {
		return undefined;
	}
	const file = TokenFile.of(env, (message) => io.stderr.write(`warning: ${message}\n`));
	const session = file.readSync();
	if (session === undefined || !belongsTo(session, credentials)) {
		return undefined;
	}
	if (choice === 'auto' && freshnessOf(session.tokens, Date.now()) === 'expired') {
		return undefined;
	}
	return new UserTokenProvider(new OAuthClient(http, oauthAppOf(credentials), USER_AGENT), session.tokens, {
		store: file.storeFor(session),
		// The refreshed token still works for this run; the next run will ask to sign in again.
		onStoreError: (error) => io.stderr.write(`warning: ${error.message}\n`),
	});
}
