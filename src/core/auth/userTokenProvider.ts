import { LarkError } from '../errors';
import { abortable } from '../util/abortable';
import type { OAuthClient } from './oauthClient';
import { SignInRequiredError } from './signInRequired';
import { refreshUserTokens } from './tokenRefresh';
import type { Identity, TokenProvider } from './tokenProvider';
import { freshnessOf, type UserTokenSet } from './userTokens';
import { registerSecret } from '../secrets/secretRegistry';

/** Where a user's tokens live between runs: a 0600 file for the CLI, SecretStorage in VS Code. */
export interface UserTokenStore {
	/** After every refresh: the old refresh token is spent, so only the new set can be used next time. */
	save(tokens: UserTokenSet): Promise<void>;
	/** When Lark says the session is over. */
	clear(): Promise<void>;
	/**
	 * Runs `update` while no other process can refresh the same session, with the tokens stored right now
	 * (another process may have refreshed them meanwhile). A store shared between processes provides it.
	 */
	exclusive?<T>(update: (stored: UserTokenSet | undefined) => Promise<T>): Promise<T>;
}

export interface UserTokenProviderOptions {
	store?: UserTokenStore;
	/**
	 * Saving or clearing failed. Given, the tokens in memory keep working and the failure is only
	 * reported here; absent, the failure fails the token request.
	 */
	onStoreError?: (error: LarkError) => void;
	now?: () => number;
}

/**
 * The signed-in user's bearer token: refreshed shortly before it expires, or once Lark rejects it.
 * Concurrent callers (parallel download parts) share one refresh; after Lark ends the session every
 * caller gets the same sign-in-again error without another request.
 */
export class UserTokenProvider implements TokenProvider {
	readonly identity: Identity = 'user';
	private tokens: UserTokenSet;
	private rejected: string | undefined;
	private inFlight: Promise<string> | undefined;
	private ended: SignInRequiredError | undefined;
	private readonly now: () => number;

	constructor(
		private readonly client: OAuthClient,
		tokens: UserTokenSet,
		private readonly options: UserTokenProviderOptions = {},
	) {
		this.tokens = tokens;
		registerSecret(tokens.accessToken);
		registerSecret(tokens.refreshToken);
		this.now = options.now ?? Date.now;
	}

	/** The current token set (changes after each refresh). */
	get current(): UserTokenSet {
		return this.tokens;
	}

	async getToken(signal?: AbortSignal): Promise<string> {
		if (this.ended !== undefined) {
			throw this.ended;
		}
		if (this.tokens.accessToken !== this.rejected && freshnessOf(this.tokens, this.now()) === 'valid') {
			return this.tokens.accessToken;
		}
		this.inFlight ??= this.refresh().finally(() => {
			this.inFlight = undefined;
		});
		return abortable(this.inFlight, signal);
	}

	invalidate(token: string): boolean {
		if (this.ended !== undefined) {
			return false;
		}
		// Only matters while `token` is the current one; an older token was already replaced.
		this.rejected = token;
		return true;
	}

	private refresh(): Promise<string> {
		const store = this.options.store;
		return store?.exclusive === undefined ? this.refreshFrom(undefined) : store.exclusive((stored) => this.refreshFrom(stored));
	}

	/**
	 * `stored`: what the shared store holds now. Refresh tokens are single-use, so when another process already
	 * renewed the session its tokens are taken over instead of spending ours (which Lark would refuse as used),
	 * and a session is only forgotten when it is still the one that failed.
	 */
	private async refreshFrom(stored: UserTokenSet | undefined): Promise<string> {
		if (stored !== undefined && stored.refreshToken !== this.tokens.refreshToken) {
			this.tokens = stored;
			registerSecret(stored.accessToken);
			registerSecret(stored.refreshToken);
			if (stored.accessToken !== this.rejected && freshnessOf(stored, this.now()) === 'valid') {
				this.rejected = undefined;
				return stored.accessToken;
			}
		}
		let next: UserTokenSet;
		try {
			next = await refreshUserTokens(this.client, this.tokens, this.now);
		} catch (error) {
			if (error instanceof SignInRequiredError) {
				this.ended = error;
				// A failed clear must not hide why the session ended; a stale entry fails the same way next time.
				await this.persist(() => this.options.store?.clear(), 'forget the ended sign-in').catch(() => undefined);
			}
			throw error;
		}
		this.tokens = next;
		this.rejected = undefined;
		await this.persist(() => this.options.store?.save(next), 'save the refreshed sign-in');
		return next.accessToken;
	}

	private async persist(action: () => Promise<void> | undefined, what: string): Promise<void> {
		try {
			await action();
		} catch (cause) {
			const error = new LarkError('io', `Could not ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
			if (this.options.onStoreError === undefined) {
				throw error;
			}
			this.options.onStoreError(error);
		}
	}
}
