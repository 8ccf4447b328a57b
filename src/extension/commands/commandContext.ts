import type { LarkAuthenticationProvider } from '../auth/larkAuthenticationProvider';
import type { UserSessionStore } from '../auth/userSessionStore';
import type { DownloadStatusBar } from '../platform/downloadStatusBar';
import type { Logger } from '../platform/logger';
import type { ArchiveService } from '../services/archiveService';
import type { DownloadService } from '../services/downloadService';
import type { LarkConnection } from '../services/larkConnection';
import type { CredentialStore } from '../storage/credentialStore';
import type { DownloadIndex } from '../storage/downloadIndex';
import type { Settings } from '../storage/settings';
import type { ChatTreeModel } from '../views/chatTreeModel';
import type { RequestPreviewProvider } from '../views/requestPreviewProvider';

/** The services command handlers share (commands never import each other). */
export interface CommandContext {
	archive: ArchiveService;
	auth: LarkAuthenticationProvider;
	connection: LarkConnection;
	credentials: CredentialStore;
	downloads: DownloadService;
	index: DownloadIndex;
	logger: Logger;
	model: ChatTreeModel;
	preview: RequestPreviewProvider;
	sessions: UserSessionStore;
	settings: Settings;
	/** The status bar item of running downloads. */
	transfers: DownloadStatusBar;
}
