import * as path from 'node:path';
import * as vscode from 'vscode';
import { validateRelativeFolder } from '../../core/download/pathSafety';
import type { Settings } from '../storage/settings';
import { LocalizedError } from '../platform/errorAdvice';

/** Where a download may write: the workspace folder is the root, the download folder inside it. */
export interface DownloadTarget {
	folder: vscode.WorkspaceFolder;
	/** Absolute path of the workspace folder: nothing is written outside it. */
	root: string;
	/** Relative folder under the root: the download folder. */
	directory: string;
}

/**
 * Picks the workspace folder (asking in a multi-root workspace) and the folder inside it. Refuses
 * untrusted workspaces, virtual folders and download folders that leave the workspace folder.
 */
export async function resolveDownloadTarget(settings: Settings): Promise<DownloadTarget> {
	if (!vscode.workspace.isTrusted) {
		throw new LocalizedError('validation', vscode.l10n.t('Downloads are disabled in an untrusted workspace.'), { hint: vscode.l10n.t('Trust the workspace to enable downloads.') });
	}
	const folders = vscode.workspace.workspaceFolders ?? [];
	if (folders.length === 0) {
		throw new LocalizedError('validation', vscode.l10n.t('Open a folder first: downloads are saved into the workspace.'));
	}
	const folder = folders.length === 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Which workspace folder should the download go to?') });
	if (folder === undefined) {
		throw new vscode.CancellationError();
	}
	if (folder.uri.scheme !== 'file' && folder.uri.scheme !== 'vscode-remote') {
		throw new LocalizedError('validation', vscode.l10n.t('Downloads need a folder on disk; {0} folders are not supported.', folder.uri.scheme));
	}
	const configured = settings.downloadFolder(folder.uri).trim();
	const directory = refuseOutside(configured);
	return { folder, root: folder.uri.fsPath, directory };
}

function refuseOutside(configured: string): string {
	try {
		return validateRelativeFolder(configured);
	} catch (error) {
		throw new LocalizedError('validation', vscode.l10n.t('The download folder setting "{0}" leaves the workspace folder.', configured), {
			hint: vscode.l10n.t('Set larkDownloader.downloadFolder to a relative path inside the workspace.'), cause: error,
		});
	}
}

/** The download folder of every workspace folder on disk (for the record of what is downloaded); none when untrusted. */
export function downloadFolders(settings: Settings): string[] {
	if (!vscode.workspace.isTrusted) {
		return [];
	}
	return (vscode.workspace.workspaceFolders ?? []).flatMap((folder) => {
		if (folder.uri.scheme !== 'file' && folder.uri.scheme !== 'vscode-remote') {
			return [];
		}
		try {
			return [path.join(folder.uri.fsPath, validateRelativeFolder(settings.downloadFolder(folder.uri).trim()))];
		} catch {
			return []; // a setting that leaves the folder: nothing is downloaded there
		}
	});
}

/** The target's download folder, absolute: where its manifest lives. */
export function downloadFolderOf(target: DownloadTarget): string {
	return path.join(target.root, target.directory);
}
