import type * as vscode from 'vscode';
import type { UserTokenStore } from '../../core/auth/userTokenProvider';
import type { UserTokenSet } from '../../core/auth/userTokens';
import { SecretJsonStore } from '../storage/secretJsonStore';

function isUserTokenSet(value: unknown): value is UserTokenSet {
	const candidate = value as Partial<UserTokenSet> | null;
	return typeof candidate?.accessToken === 'string' && typeof candidate.refreshToken === 'string' && typeof candidate.openId === 'string';
}

/**
 * The signed-in user's tokens in SecretStorage. Refreshes rotate the refresh token, so every refresh
 * is saved at once; other windows learn of changes through SecretStorage's own event.
 */
export class UserSessionStore extends SecretJsonStore<UserTokenSet> implements UserTokenStore {
	constructor(secrets: vscode.SecretStorage) {
		super(secrets, 'larkDownloader.userSession', isUserTokenSet);
	}

	save(tokens: UserTokenSet): Promise<void> {
		return this.store(tokens);
	}
}
