import * as vscode from 'vscode';
import type { Brand, IdentityChoice } from '../../core/auth/credentials';
import { CONFIG_SECTION } from '../constants';
import { DEFAULT_NAME_TEMPLATE } from '../../core/naming/nameTemplate';

export type ConflictSetting = 'rename' | 'overwrite' | 'ask';

/** Typed reads of every contributed setting; resource-scoped ones take the folder they apply to. */
export class Settings {
	downloadFolder(scope?: vscode.Uri): string {
		return this.section(scope).get<string>('downloadFolder', 'lark-downloads');
	}

	/** The file name template for downloads from the tree (see core/naming/nameTemplate). */
	nameTemplate(scope?: vscode.Uri): string {
		return this.section(scope).get<string>('nameTemplate', DEFAULT_NAME_TEMPLATE);
	}

	conflictPolicy(scope?: vscode.Uri): ConflictSetting {
		return this.section(scope).get<ConflictSetting>('conflictPolicy', 'rename');
	}

	/** The tree shows only messages that carry attachments. */
	onlyMessagesWithAttachments(): boolean {
		return this.section().get<boolean>('onlyMessagesWithAttachments', false);
	}

	async setOnlyMessagesWithAttachments(value: boolean): Promise<void> {
		await this.section().update('onlyMessagesWithAttachments', value, vscode.ConfigurationTarget.Global);
	}

	/** Export Chat as Markdown: one file per month instead of one per chat. */
	exportPerMonth(scope?: vscode.Uri): boolean {
		return this.section(scope).get<boolean>('exportPerMonth', false) === true;
	}

	identity(): IdentityChoice {
		return this.section().get<IdentityChoice>('identity', 'auto');
	}

	concurrency(): number {
		return clamp(this.section().get<number>('concurrency', 3), 1, 8);
	}

	partConcurrency(): number {
		return clamp(this.section().get<number>('partConcurrency', 8), 1, 16);
	}

	/** Undefined unless the user set it: the engine then sizes parts to the file (8–32 MiB). */
	partSizeBytes(): number | undefined {
		const set = this.section().inspect<number>('partSizeMiB');
		const value = set?.workspaceFolderValue ?? set?.workspaceValue ?? set?.globalValue;
		return value === undefined ? undefined : clamp(value, 1, 64) * 1024 * 1024;
	}

	/** Application-scoped: only the user's own settings count, never a workspace's. */
	brand(): Brand {
		const inspected = this.section().inspect<Brand>('brand');
		return inspected?.globalValue ?? inspected?.defaultValue ?? 'feishu';
	}

	baseUrl(): string | undefined {
		const value = this.section().inspect<string>('baseUrl')?.globalValue?.trim();
		return value === undefined || value === '' ? undefined : value;
	}

	/** Overrides the OAuth (accounts) host; application-scoped like baseUrl. */
	accountsUrl(): string | undefined {
		const value = this.section().inspect<string>('accountsUrl')?.globalValue?.trim();
		return value === undefined || value === '' ? undefined : value;
	}

	/** Fires for any change of our section. */
	onDidChange(listener: () => void): vscode.Disposable {
		return vscode.workspace.onDidChangeConfiguration((e) => {
			if (e.affectsConfiguration(CONFIG_SECTION)) {
				listener();
			}
		});
	}

	private section(scope?: vscode.Uri): vscode.WorkspaceConfiguration {
		return vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
	}
}

function clamp(value: number, min: number, max: number): number {
	return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : min;
}
