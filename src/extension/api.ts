import type * as vscode from 'vscode';
import type { TreeNode } from './views/nodes/treeNode';

/**
 * What `activate` returns: a small, read-mostly surface for tests and for other extensions that
 * want to observe downloads. It never exposes credentials.
 */
export interface LarkDownloaderApi {
	/** The Lark view's data, exactly as the tree renders it. */
	readonly tree: vscode.TreeDataProvider<TreeNode>;
	/** Cancels every running download — the same path as each notification's Cancel button. */
	cancelAllDownloads(): void;
	/** Fires with the text of every error message shown to the user. */
	readonly onDidShowError: vscode.Event<string>;
	/** True when credentials are stored in SecretStorage. */
	isSignedIn(): Promise<boolean>;
	/** The status bar item of running downloads: how many run, and its text. */
	runningDownloads(): { count: number; text: string };
}
