import * as vscode from 'vscode';

/**
 * One JSON value under one SecretStorage key, validated on read; fires when this or another window
 * changes it. Credentials and the user session are both kept this way.
 */
export class SecretJsonStore<T> implements vscode.Disposable {
	private readonly _onDidChange = new vscode.EventEmitter<void>();
	readonly onDidChange = this._onDidChange.event;
	private readonly listener: vscode.Disposable;

	constructor(private readonly secrets: vscode.SecretStorage, private readonly key: string, private readonly isValid: (value: unknown) => value is T) {
		this.listener = secrets.onDidChange((e) => {
			if (e.key === key) {
				this._onDidChange.fire();
			}
		});
	}

	async get(): Promise<T | undefined> {
		const raw = await this.secrets.get(this.key);
		if (raw === undefined) {
			return undefined;
		}
		try {
			const value: unknown = JSON.parse(raw);
			return this.isValid(value) ? value : undefined;
		} catch {
			return undefined;
		}
	}

	async store(value: T): Promise<void> {
		await this.secrets.store(this.key, JSON.stringify(value));
	}

	async clear(): Promise<void> {
		await this.secrets.delete(this.key);
	}

	dispose(): void {
		this.listener.dispose();
		this._onDidChange.dispose();
	}
}
