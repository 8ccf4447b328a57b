export type Identity = 'user' | 'bot';

/** Supplies the bearer token for one identity; `invalidate` lets a rejected token be replaced once. */
export interface TokenProvider {
	readonly identity: Identity;
	getToken(signal?: AbortSignal): Promise<string>;
	/** Forget `token` if it is the cached one; returns true when a fresh token can be fetched. */
	invalidate(token: string): boolean;
}

/** A user access token given as is (LARK_USER_ACCESS_TOKEN): it cannot be refreshed. */
export class StaticTokenProvider implements TokenProvider {
	constructor(readonly identity: Identity, private readonly token: string) {}

	getToken(): Promise<string> {
		return Promise.resolve(this.token);
	}

	invalidate(): boolean {
		return false;
	}
}
