import * as path from 'node:path';
import * as vscode from 'vscode';
import { discardUnfinished } from '../../core/download/unfinishedDownloads';
import { formatBytes } from '../../core/util/formatBytes';
import type { TreeNode } from '../views/nodes/treeNode';
import type { CommandContext } from './commandContext';
import { offerOpen } from './downloadResource';
import { requireNode } from './nodeArgs';

/** Resume: the same download again; the engine continues from the .part's verified bytes. */
export async function resumeDownload(context: CommandContext, node?: TreeNode): Promise<void> {
	const { download } = requireNode(node, 'unfinished');
	const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(download.directory));
	const root = folder?.uri.fsPath ?? download.directory;
	const { uri } = await context.downloads.download({
		ref: download.ref,
		label: download.fileName,
		...(download.requested === null ? { directory: path.relative(root, download.directory) || '.' } : { output: download.requested }),
	});
	offerOpen(uri);
}

/** Discard: deletes the .part and its record, after asking (what it saved is lost). */
export async function discardDownload(context: CommandContext, node?: TreeNode): Promise<void> {
	const { download } = requireNode(node, 'unfinished');
	const discard = vscode.l10n.t('Discard');
	const answer = await vscode.window.showWarningMessage(
		vscode.l10n.t('Discard the unfinished download of {0}?', download.fileName),
		{ modal: true, detail: vscode.l10n.t('The {0} it saved so far are deleted; downloading it again starts from the beginning.', formatBytes(download.bytesDone)) },
		discard,
	);
	if (answer !== discard) {
		return;
	}
	await discardUnfinished(download);
	context.logger.info('download', `Discarded ${download.partPath}`);
	await context.index.reload();
}
