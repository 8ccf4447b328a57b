import * as vscode from 'vscode';
import { PREVIEW_SCHEME } from '../constants';

/** Serves dry-run previews as read-only documents (a custom scheme cannot be edited or saved). */
export class RequestPreviewProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
	private readonly documents = new Map<string, string>();
	private serial = 0;
	private readonly _onDidChange = new vscode.EventEmitter<vscode.Uri>();
	readonly onDidChange = this._onDidChange.event;

	provideTextDocumentContent(uri: vscode.Uri): string {
		return this.documents.get(uri.path) ?? '';
	}

	/** Stores `content` and returns the URI that shows it. */
	add(name: string, content: string): vscode.Uri {
		const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${++this.serial}/${name}` });
		this.documents.set(uri.path, content);
		return uri;
	}

	dispose(): void {
		this.documents.clear();
		this._onDidChange.dispose();
	}
}
