import * as vscode from 'vscode';

const SECRET_KEY = 'larkDownloader.credentials';

/** What sign-in stores: app credentials and an optional user token, only ever in SecretStorage. */
export interface StoredCredentials {
	appId: string;
	appSecret: string;
	userAccessToken?: string;
}

/** SecretStorage wrapper; fires when this or another window signs in or out. */
export class CredentialStore implements vscode.Disposable {
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

	async get(): Promise<StoredCredentials | undefined> {
		const raw = await this.secrets.get(SECRET_KEY);
		if (raw === undefined) {
			return undefined;
		}
		try {
			const value = JSON.parse(raw) as Partial<StoredCredentials>;
			return typeof value.appId === 'string' && typeof value.appSecret === 'string' ? (value as StoredCredentials) : undefined;
		} catch {
			return undefined;
		}
	}

	async store(credentials: StoredCredentials): Promise<void> {
		await this.secrets.store(SECRET_KEY, JSON.stringify(credentials));
	}

	async clear(): Promise<void> {
		await this.secrets.delete(SECRET_KEY);
	}

	dispose(): void {
		this.listener.dispose();
		this._onDidChange.dispose();
	}
}
