/** Every id the manifest and the code share, spelled once. */
export const EXTENSION_ID = 'lark-downloader.lark-downloader';
export const VIEW_CONTAINER_ID = 'larkDownloader';
export const CHATS_VIEW_ID = 'larkDownloader.chats';
export const CONFIG_SECTION = 'larkDownloader';
export const LOG_CHANNEL_NAME = 'Lark Downloader';
export const PREVIEW_SCHEME = 'lark-request-preview';

export const ContextKeys = {
	signedIn: 'larkDownloader.signedIn',
	userSignedIn: 'larkDownloader.userSignedIn',
	/** Set once the sign-in state is known, so no welcome view shows a wrong state while it loads. */
	ready: 'larkDownloader.ready',
} as const;
