import * as vscode from 'vscode';

/** The one log of the extension, tagged by component; secrets are scrubbed before writing. */
export class Logger implements vscode.Disposable {
	private readonly channel: vscode.LogOutputChannel;
	private secrets: string[] = [];

	constructor(name: string) {
		this.channel = vscode.window.createOutputChannel(name, { log: true });
	}

	/** Values that must never appear in the log (app secret, tokens). */
	setSecrets(secrets: readonly string[]): void {
		this.secrets = secrets.filter((s) => s.length >= 4);
	}

	info(component: string, message: string): void {
		this.channel.info(this.scrub(`[${component}] ${message}`));
	}

	warn(component: string, message: string): void {
		this.channel.warn(this.scrub(`[${component}] ${message}`));
	}

	error(component: string, message: string, error?: unknown): void {
		const detail = error instanceof Error ? `\n${error.stack ?? error.message}` : error === undefined ? '' : `\n${JSON.stringify(error)}`;
		this.channel.error(this.scrub(`[${component}] ${message}${detail}`));
	}

	show(): void {
		this.channel.show(true);
	}

	dispose(): void {
		this.channel.dispose();
	}

	private scrub(text: string): string {
		let result = text.replace(/Bearer\s+[A-Za-z0-9._-]+/g, 'Bearer ***');
		for (const secret of this.secrets) {
			result = result.split(secret).join('***');
		}
		return result;
	}
}
