import * as vscode from 'vscode';
import { describeDryRun } from '../../core/app/dryRun';
import { resolveDownloadTarget } from '../services/workspaceTarget';
import type { CommandContext } from './commandContext';
import type { DownloadResourceArgs } from './commandIds';
import { promptForResource } from './resourcePrompts';

/** Lark: Preview Request… — the dry run: what would be sent and where it would land, sending nothing. */
export async function previewRequest(context: CommandContext, args: DownloadResourceArgs = {}): Promise<void> {
	const { ref, output } = await promptForResource(args, vscode.l10n.t('Lark: Preview Request'));
	const { engine } = await context.connection.require();
	const target = await resolveDownloadTarget(context.settings);
	const plan = await engine.plan(ref, { root: target.root, ...(output === undefined ? { directory: target.directory } : { output }) });
	const text = JSON.stringify(describeDryRun(plan), null, 2);
	const uri = context.preview.add(`${ref.fileKey}.request.json`, `${text}\n`);
	const document = await vscode.workspace.openTextDocument(uri);
	await vscode.languages.setTextDocumentLanguage(document, 'json');
	await vscode.window.showTextDocument(document, { preview: true });
}
