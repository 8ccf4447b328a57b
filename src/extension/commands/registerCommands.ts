import * as vscode from 'vscode';
import { withErrorFunnel, type ErrorReporter } from '../platform/errorHandling';
import type { CommandContext } from './commandContext';
import { NODE_COMMAND_IDS, type CommandHandlers, type CommandId } from './commandIds';
import type { TreeNode } from '../views/nodes/treeNode';
import { exportChatMarkdown, syncChat, verifyDownloads } from './archiveCommands';
import { copyFileKey, copyMessageId } from './copyIds';
import { downloadResource } from './downloadResource';
import { openAttachment, revealAttachment } from './openAttachment';
import { previewRequest } from './previewRequest';
import { signIn } from './signIn';
import { signInWithLark } from './signInWithLark';
import { signOut } from './signOut';
import { commandSubject } from './nodeArgs';
import { loadAll, loadMore, refresh, retry, toggleOnlyWithAttachments } from './treeActions';
import { downloadAttachment, downloadChat, downloadMessage } from './treeDownloads';
import { discardDownload, resumeDownload } from './unfinishedCommands';

/** Every command of the manifest, each behind the error funnel. */
export function commandHandlers(context: CommandContext): CommandHandlers {
	return {
		'larkDownloader.signIn': (args) => signIn(context, args),
		'larkDownloader.signInWithLark': () => signInWithLark(context),
		'larkDownloader.signOut': () => signOut(context),
		'larkDownloader.refresh': () => refresh(context),
		'larkDownloader.downloadResource': (args) => downloadResource(context, args),
		'larkDownloader.previewRequest': (args) => previewRequest(context, args),
		'larkDownloader.downloadAttachment': (node) => downloadAttachment(context, node),
		'larkDownloader.downloadMessage': (node) => downloadMessage(context, node),
		'larkDownloader.downloadChat': (node) => downloadChat(context, node),
		'larkDownloader.syncChat': (node) => syncChat(context, node),
		'larkDownloader.exportChat': (node) => exportChatMarkdown(context, node),
		'larkDownloader.verifyDownloads': () => verifyDownloads(context),
		'larkDownloader.openAttachment': (node) => openAttachment(context, node),
		'larkDownloader.revealAttachment': (node) => revealAttachment(context, node),
		'larkDownloader.copyMessageId': (node) => copyMessageId(node),
		'larkDownloader.copyFileKey': (node) => copyFileKey(node),
		'larkDownloader.retry': (node) => retry(context, node),
		'larkDownloader.loadMore': (node) => loadMore(context, node),
		'larkDownloader.loadAll': (node) => loadAll(context, node),
		'larkDownloader.resumeDownload': (node) => resumeDownload(context, node),
		'larkDownloader.discardDownload': (node) => discardDownload(context, node),
		'larkDownloader.toggleOnlyWithAttachments': () => toggleOnlyWithAttachments(context),
		'larkDownloader.showLog': () => {
			context.logger.show();
			return Promise.resolve();
		},
		'larkDownloader.showDownloads': () => context.transfers.showDetails(),
	};
}

export function registerCommands(context: CommandContext, reporter: ErrorReporter, selectedNode: () => TreeNode | undefined = () => undefined): vscode.Disposable[] {
	const handlers = commandHandlers(context);
	return (Object.keys(handlers) as CommandId[]).map((id) => {
		const handler = handlers[id] as (...args: unknown[]) => Promise<unknown>;
		// A row's action that lost its row to a refresh of the tree gets none: the selected row is the one it meant.
		const run = NODE_COMMAND_IDS.includes(id) ? (...args: unknown[]) => handler(...(args[0] === undefined ? [selectedNode()] : args)) : handler;
		return vscode.commands.registerCommand(id, withErrorFunnel(id, reporter, run, commandSubject));
	});
}
