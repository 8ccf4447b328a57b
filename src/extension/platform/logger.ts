import * as vscode from 'vscode';
import { redactSecrets } from '../../core/secrets/secretRegistry';

/** The one log of the extension, tagged by component; secrets are scrubbed before writing. */
export class Logger implements vscode.Disposable {
	private readonly channel: vscode.LogOutputChannel;

	constructor(name: string) {
		this.channel = vscode.window.createOutputChannel(name, { log: true });
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

	/** Every secret the process holds or obtained (core/secrets), whichever component it came from. */
	private scrub(text: string): string {
		return redactSecrets(text);
	}
}
