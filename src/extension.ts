import * as vscode from 'vscode';

/** Composition root: later issues wire the tree view and commands here. */
export function activate(context: vscode.ExtensionContext): void {
	const log = vscode.window.createOutputChannel('Lark Downloader', { log: true });
	context.subscriptions.push(log);
	log.info('Lark Downloader activated');
}

export function deactivate(): void {
	// Everything is owned by context.subscriptions.
}
