import { baseUrlOf, selectTokenProvider, type Credentials, type IdentityChoice } from '../auth/credentials';
import type { TokenProvider } from '../auth/tokenProvider';
import { ApiSession } from '../http/apiSession';
import type { HttpClient } from '../http/httpClient';
import type { RequestBudget } from '../http/requestBudget';
import { USER_AGENT } from '../version';

export interface SessionInput {
	credentials: Credentials;
	choice: IdentityChoice;
	http: HttpClient;
	/** Shared by every call of the process (50 requests/s, 1000/min). */
	budget?: RequestBudget;
	/** The signed-in user's refreshing provider, from the front end's own store (token file, SecretStorage). */
	signedInUser?: TokenProvider;
}

/** A Lark session from credentials and the identity asked for, the same way in the CLI and the extension. */
export function openLarkSession(input: SessionInput): ApiSession {
	const tokens = selectTokenProvider(input.choice, input.credentials, input.http, USER_AGENT, input.signedInUser);
	return new ApiSession(input.http, baseUrlOf(input.credentials), tokens, USER_AGENT, input.budget);
}
