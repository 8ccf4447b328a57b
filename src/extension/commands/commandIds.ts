import type { TreeNode } from '../views/nodes/treeNode';

/**
 * Command id → handler signature, the single list both registration and the manifest test read.
 * Node commands receive the tree node they were invoked on.
 */
export interface CommandSignatures {
	'larkDownloader.signIn': (args?: SignInArgs) => Promise<void>;
	'larkDownloader.signInWithLark': () => Promise<void>;
	'larkDownloader.signOut': () => Promise<void>;
	'larkDownloader.refresh': () => Promise<void>;
	'larkDownloader.downloadResource': (args?: DownloadResourceArgs) => Promise<string | undefined>;
	'larkDownloader.previewRequest': (args?: DownloadResourceArgs | TreeNode) => Promise<void>;
	'larkDownloader.downloadAttachment': (node?: TreeNode) => Promise<string | undefined>;
	'larkDownloader.downloadMessage': (node?: TreeNode) => Promise<void>;
	'larkDownloader.downloadChat': (node?: TreeNode) => Promise<void>;
	'larkDownloader.syncChat': (node?: TreeNode) => Promise<void>;
	'larkDownloader.exportChat': (node?: TreeNode) => Promise<void>;
	'larkDownloader.verifyDownloads': () => Promise<void>;
	'larkDownloader.openAttachment': (node?: TreeNode) => Promise<void>;
	'larkDownloader.revealAttachment': (node?: TreeNode) => Promise<void>;
	'larkDownloader.copyMessageId': (node?: TreeNode) => Promise<void>;
	'larkDownloader.copyFileKey': (node?: TreeNode) => Promise<void>;
	'larkDownloader.retry': (node?: TreeNode) => Promise<void>;
	'larkDownloader.loadMore': (node?: TreeNode) => Promise<void>;
	'larkDownloader.loadAll': (node?: TreeNode) => Promise<void>;
	'larkDownloader.resumeDownload': (node?: TreeNode) => Promise<void>;
	'larkDownloader.discardDownload': (node?: TreeNode) => Promise<void>;
	'larkDownloader.toggleOnlyWithAttachments': () => Promise<void>;
	'larkDownloader.showLog': () => Promise<void>;
	'larkDownloader.showDownloads': () => Promise<void>;
}

export type CommandId = keyof CommandSignatures;

/** Non-interactive sign-in (automation and tests); without it the command asks. */
export interface SignInArgs {
	brand?: 'feishu' | 'lark';
	appId?: string;
	appSecret?: string;
	userAccessToken?: string;
}

/** The palette command's fields; missing ones are asked for. */
export interface DownloadResourceArgs {
	messageId?: string;
	fileKey?: string;
	type?: 'image' | 'file';
	output?: string;
}

export type CommandHandlers = { [K in CommandId]: CommandSignatures[K] };

/** Runtime list of every command (the manifest test compares it with package.json). */
export const COMMAND_IDS = [
	'larkDownloader.signIn',
	'larkDownloader.signInWithLark',
	'larkDownloader.signOut',
	'larkDownloader.refresh',
	'larkDownloader.downloadResource',
	'larkDownloader.previewRequest',
	'larkDownloader.downloadAttachment',
	'larkDownloader.downloadMessage',
	'larkDownloader.downloadChat',
	'larkDownloader.syncChat',
	'larkDownloader.exportChat',
	'larkDownloader.verifyDownloads',
	'larkDownloader.openAttachment',
	'larkDownloader.revealAttachment',
	'larkDownloader.copyMessageId',
	'larkDownloader.copyFileKey',
	'larkDownloader.retry',
	'larkDownloader.loadMore',
	'larkDownloader.loadAll',
	'larkDownloader.resumeDownload',
	'larkDownloader.discardDownload',
	'larkDownloader.toggleOnlyWithAttachments',
	'larkDownloader.showLog',
	'larkDownloader.showDownloads',
] as const satisfies readonly CommandId[];

/** Compile-time proof that COMMAND_IDS lists every key of CommandSignatures. */
export const COMMAND_IDS_COMPLETE: Exclude<CommandId, (typeof COMMAND_IDS)[number]> extends never ? true : never = true;

/** Commands that act on a tree node and so are hidden from the palette. */
export const NODE_COMMAND_IDS: readonly CommandId[] = [
	'larkDownloader.downloadAttachment',
	'larkDownloader.downloadMessage',
	'larkDownloader.downloadChat',
	'larkDownloader.openAttachment',
	'larkDownloader.revealAttachment',
	'larkDownloader.copyMessageId',
	'larkDownloader.copyFileKey',
	'larkDownloader.retry',
	'larkDownloader.loadMore',
	'larkDownloader.loadAll',
	'larkDownloader.resumeDownload',
	'larkDownloader.discardDownload',
];
