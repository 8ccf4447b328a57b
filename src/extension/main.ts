import * as path from 'node:path';
import * as vscode from 'vscode';
import { attachmentOutput, parseNameTemplate } from '../core/naming/nameTemplate';
import type { AttachmentNode } from './views/nodes/treeNode';
import type { LarkDownloaderApi } from './api';
import { LARK_AUTH_PROVIDER_ID, LarkAuthenticationProvider } from './auth/larkAuthenticationProvider';
import { UserSessionStore } from './auth/userSessionStore';
import { registerCommands } from './commands/registerCommands';
import { HttpClient } from '../core/http/httpClient';
import { CHATS_VIEW_ID, ContextKeys, LOG_CHANNEL_NAME, PREVIEW_SCHEME } from './constants';
import { Logger } from './platform/logger';
import { CancelAllSwitch } from './platform/cancellation';
import { DownloadStatusBar } from './platform/downloadStatusBar';
import { ArchiveService } from './services/archiveService';
import { DownloadService } from './services/downloadService';
import { LarkConnection } from './services/larkConnection';
import { downloadFolders } from './services/workspaceTarget';
import { CredentialStore } from './storage/credentialStore';
import { DownloadIndex } from './storage/downloadIndex';
import { Settings } from './storage/settings';
import { ChatTreeModel } from './views/chatTreeModel';
import { ChatTreeProvider } from './views/chatTreeProvider';
import { RequestPreviewProvider } from './views/requestPreviewProvider';

/** The name the name template gives a row's attachment (its last segment); none for a template that does not parse. */
function plannedFileName(settings: Settings, node: AttachmentNode): string | undefined {
	try {
		const template = parseNameTemplate(settings.nameTemplate());
		const { message, chat, attachment } = node;
		return path.posix.basename(attachmentOutput(template, attachment, { chatId: chat.id, chatName: chat.name, sentAt: message.createTime, ...(message.senderName === undefined ? {} : { senderName: message.senderName }), ...(message.senderId === undefined ? {} : { senderId: message.senderId }) }));
	} catch {
		return undefined;
	}
}

/** Composition root: build the services, wire them, hand every disposable to VS Code. */
export function activate(context: vscode.ExtensionContext): LarkDownloaderApi {
	const logger = new Logger(LOG_CHANNEL_NAME);
	const settings = new Settings();
	const credentials = new CredentialStore(context.secrets);
	const index = new DownloadIndex(() => downloadFolders(settings));
	const sessions = new UserSessionStore(context.secrets);
	const http = new HttpClient();
	const auth = new LarkAuthenticationProvider(sessions, credentials, settings, http, logger);
	const connection = new LarkConnection(credentials, sessions, auth, settings, http, logger);
	const cancelSwitch = new CancelAllSwitch();
	const transfers = new DownloadStatusBar(logger);
	const downloads = new DownloadService(connection, settings, index, logger, cancelSwitch, transfers);
	const archive = new ArchiveService(connection, settings, index, logger, cancelSwitch, transfers);
	const model = new ChatTreeModel(connection, logger);
	const provider = new ChatTreeProvider(model, index, () => settings.onlyMessagesWithAttachments(), (node) => plannedFileName(settings, node));
	const preview = new RequestPreviewProvider();
	const errorShown = new vscode.EventEmitter<string>();
	const treeView = vscode.window.createTreeView(CHATS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });

	const updateSignedIn = async (): Promise<void> => {
		// Both states first, then the keys together: no welcome view flashes a state that is not the user's.
		const [app, user, current] = await Promise.all([credentials.get(), sessions.get(), connection.get().catch(() => undefined)]);
		await vscode.commands.executeCommand('setContext', ContextKeys.signedIn, app !== undefined);
		await vscode.commands.executeCommand('setContext', ContextKeys.userSignedIn, user !== undefined);
		await vscode.commands.executeCommand('setContext', ContextKeys.ready, true);
		// A single view's description is not shown in its container's title: the identity goes into the title.
		treeView.title = current === undefined
			? vscode.l10n.t('Chats')
			: current.session.identity === 'bot' ? vscode.l10n.t('Chats · as the app\'s bot') : vscode.l10n.t('Chats · {0}', current.identityLabel);
		treeView.description = undefined;
	};
	context.subscriptions.push(
		logger, credentials, sessions, auth, index, connection, model, provider, preview, treeView, errorShown, transfers,
		{ dispose: () => void http.close() },
		vscode.authentication.registerAuthenticationProvider(LARK_AUTH_PROVIDER_ID, 'Lark', auth, { supportsMultipleAccounts: false }),
		vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, preview),
		vscode.workspace.onDidChangeWorkspaceFolders(() => index.watch()),
		vscode.workspace.onDidGrantWorkspaceTrust(() => index.watch()),
		vscode.workspace.onDidChangeConfiguration((event) => {
			if (event.affectsConfiguration('larkDownloader.downloadFolder')) {
				index.watch();
			}
			if (event.affectsConfiguration('larkDownloader.onlyMessagesWithAttachments')) {
				provider.refreshAll();
			}
		}),
		connection.onDidChange(() => {
			void updateSignedIn();
			model.refresh();
		}),
		...registerCommands({ archive, auth, connection, credentials, downloads, index, logger, model, preview, sessions, settings, transfers }, { logger, onShown: (text) => errorShown.fire(text) }, () => treeView.selection[0]),
	);
	void updateSignedIn();
	logger.info('extension', `Activated (VS Code ${vscode.version})`);
	return {
		tree: provider,
		cancelAllDownloads: () => cancelSwitch.cancelAll(),
		onDidShowError: errorShown.event,
		isSignedIn: async () => (await credentials.get()) !== undefined,
		runningDownloads: () => ({ count: transfers.count, text: transfers.text }),
	};
}

export function deactivate(): void {
	// Everything is owned by context.subscriptions.
}
