import * as vscode from 'vscode';
import type { UserTokenStore } from '../core/auth/userTokenProvider';
import type { UserTokenSet } from '../core/auth/userTokens';

const SECRET_KEY = 'larkDownloader.userSession';

/**
 * The signed-in user's tokens in SecretStorage. Refreshes rotate the refresh token, so every refresh
 * is saved at once; other windows learn of changes through SecretStorage's own event.
 */
export class UserSessionStore implements UserTokenStore, vscode.Disposable {
	private readonly _onDidChange = new vscode.EventEmitter<void>();
	readonly onDidChange = this._onDidChange.event;
	private readonly listener: vscode.Disposable;

	constructor(private readonly secrets: vscode.SecretStorage) {
		this.listener = secrets.onDidChange((e) => {
			if (e.key === SECRET_KEY) {
				this._onDidChange.fire();
			}
		});
	}

	async get(): Promise<UserTokenSet | undefined> {
		const raw = await this.secrets.get(SECRET_KEY);
		if (raw === undefined) {
			return undefined;
		}
		try {
			const value = JSON.parse(raw) as Partial<UserTokenSet>;
			return typeof value.accessToken === 'string' && typeof value.refreshToken === 'string' && typeof value.openId === 'string' ? (value as UserTokenSet) : undefined;
		} catch {
			return undefined;
		}
	}

	async save(tokens: UserTokenSet): Promise<void> {
		await this.secrets.store(SECRET_KEY, JSON.stringify(tokens));
	}

	async clear(): Promise<void> {
		await this.secrets.delete(SECRET_KEY);
	}

	dispose(): void {
		this.listener.dispose();
		this._onDidChange.dispose();
	}
}
