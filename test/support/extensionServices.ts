import { LarkClient } from '../../src/core/lark/larkClient';
import { SenderNames } from '../../src/core/lark/senderNames';
import type { Harness } from './engineHarness';

/**
 * The extension's download services in plain Node, over a loopback harness: a connection that is always signed
 * in, a silent log, and optionally a stand-in for the status bar's running downloads. Call loadExtensionServices() after installVscodeFake(): the
 * modules must see the fake `vscode`.
 */
export async function loadExtensionServices() {
	const { DownloadService } = await import('../../src/extension/services/downloadService');
	const { ArchiveService } = await import('../../src/extension/services/archiveService');
	const { Settings } = await import('../../src/extension/storage/settings');
	const { DownloadIndex } = await import('../../src/extension/storage/downloadIndex');
	const { CancelAllSwitch } = await import('../../src/extension/platform/cancellation');
	const { downloadFolders } = await import('../../src/extension/services/workspaceTarget');

	return (harness: Harness, transfers?: unknown) => {
		const connection = { require: () => Promise.resolve({ engine: harness.engine, client: new LarkClient(harness.session), senderNames: new SenderNames(harness.session) }) };
		const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
		const settings = new Settings();
		const index = new DownloadIndex(() => downloadFolders(settings));
		const cancelSwitch = new CancelAllSwitch();
		return {
			downloads: new DownloadService(connection as never, settings, index, logger as never, cancelSwitch, transfers as never),
			archive: new ArchiveService(connection as never, settings, index, logger as never, cancelSwitch, transfers as never),
			index,
		};
	};
}
