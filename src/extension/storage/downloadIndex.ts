import * as vscode from 'vscode';

const STATE_KEY = 'larkDownloader.downloads';
const REFUSED_KEY = 'larkDownloader.refused';

/** Remembers where each attachment was saved (per workspace), so the tree can show a ✓ and Open. */
export class DownloadIndex {
	private readonly _onDidChange = new vscode.EventEmitter<void>();
	readonly onDidChange = this._onDidChange.event;

	constructor(private readonly state: vscode.Memento) {}

	private entries(): Record<string, string> {
		return this.state.get<Record<string, string>>(STATE_KEY, {});
	}

	async record(messageId: string, key: string, file: vscode.Uri): Promise<void> {
		await this.state.update(STATE_KEY, { ...this.entries(), [`${messageId}/${key}`]: file.toString() });
		this._onDidChange.fire();
	}

	/** The saved file, if it is still there. */
	async find(messageId: string, key: string): Promise<vscode.Uri | undefined> {
		const saved = this.entries()[`${messageId}/${key}`];
		if (saved === undefined) {
			return undefined;
		}
		const uri = vscode.Uri.parse(saved);
		try {
			await vscode.workspace.fs.stat(uri);
			return uri;
		} catch {
			return undefined;
		}
	}

	/** Remembers that Lark refuses to serve this attachment (a card image answered 234043), so it is not asked again. */
	async refuse(messageId: string, key: string, reason: string): Promise<void> {
		await this.state.update(REFUSED_KEY, { ...this.state.get<Record<string, string>>(REFUSED_KEY, {}), [`${messageId}/${key}`]: reason });
		this._onDidChange.fire();
	}

	/** Why Lark refused this attachment before, if it did. */
	refusal(messageId: string, key: string): string | undefined {
		return this.state.get<Record<string, string>>(REFUSED_KEY, {})[`${messageId}/${key}`];
	}

	/** Synchronous hint for rendering; `find` confirms the file still exists. */
	has(messageId: string, key: string): boolean {
		return this.entries()[`${messageId}/${key}`] !== undefined;
	}

	dispose(): void {
		this._onDidChange.dispose();
	}
}
