import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkResourceOnDisk } from '../../core/archive/fileState';
import { emptyManifest, resourceKey } from '../../core/archive/manifestFormat';
import { readManifest, recordRefusal, resourceFor, updateManifest } from '../../core/archive/manifestStore';
import { listUnfinished, type UnfinishedDownload } from '../../core/download/unfinishedDownloads';

/** The key onDidChange carries when the list of unfinished downloads changed. */
export const UNFINISHED_CHANGED = 'unfinished';

export interface SavedFile {
	path: string;
	size: number;
}
/** Reload at most this often while files change (a bulk download saves many in a row; each reload checks every entry). */
const RELOAD_DELAY_MS = 1000;

/**
 * What is downloaded, for the tree's ✓ and Open: the manifests of the workspace's download folders (written by
 * the extension and by `lark-dl` alike), each entry checked against the disk — a deleted file is not ✓, a file
 * another window or the CLI saved is. Reloaded when anything in a download folder changes.
 */
export class DownloadIndex implements vscode.Disposable {
	/** Fires with the `messageId/fileKey`s whose state changed (downloaded, gone, refused). */
	private readonly _onDidChange = new vscode.EventEmitter<readonly string[]>();
	readonly onDidChange = this._onDidChange.event;
	/** `messageId/fileKey` → the file and its size, for entries whose file is there with the recorded size. */
	private present = new Map<string, SavedFile>();
	private unfinishedDownloads: UnfinishedDownload[] = [];
	/** `messageId/fileKey`s a record says Lark refuses for good. */
	private refused = new Set<string>();
	private watchers: vscode.Disposable[] = [];
	private reloadTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(private readonly downloadFolders: () => string[]) {
		this.watch();
	}

	/** Watches every download folder again (call after the folders or the setting changed) and reloads. */
	watch(): void {
		this.disposeWatchers();
		for (const folder of this.downloadFolders()) {
			const watcher = vscode.workspace.createFileSystemWatcher(watchPattern(folder));
			this.watchers.push(watcher, watcher.onDidCreate(() => this.scheduleReload()), watcher.onDidChange(() => this.scheduleReload()), watcher.onDidDelete(() => this.scheduleReload()));
		}
		void this.reload();
	}

	/** Reads the manifests and checks their files now; the tree is told when done. */
	reload(): Promise<void> {
		return this.load().then((changed) => {
			if (changed.length > 0) {
				this._onDidChange.fire(changed);
			}
		});
	}

	/** Soon, once (many changes in a row are one reload). */
	scheduleReload(): void {
		if (this.reloadTimer !== undefined) {
			clearTimeout(this.reloadTimer);
		}
		this.reloadTimer = setTimeout(() => {
			this.reloadTimer = undefined;
			void this.reload();
		}, RELOAD_DELAY_MS);
	}

	/** Reads the records and checks their files; returns the keys whose state differs from before. */
	private async load(): Promise<string[]> {
		const present = new Map<string, SavedFile>();
		const refused = new Set<string>();
		for (const folder of this.downloadFolders()) {
			const manifest = await readManifest(folder).catch(() => undefined);
			for (const key of Object.keys(manifest?.refused ?? {})) {
				refused.add(key);
			}
			for (const entry of Object.values(manifest?.resources ?? {})) {
				if ((await checkResourceOnDisk(folder, entry)).state === 'present') {
					present.set(resourceKey(entry.messageId, entry.fileKey), { path: path.join(folder, ...entry.path.split('/')), size: entry.size });
				}
			}
		}
		const unfinished = (await Promise.all(this.downloadFolders().map((folder) => listUnfinished(folder)))).flat();
		const refusedBefore = this.refused;
		this.refused = refused;
		const newlyRefused = [...refused].filter((key) => !refusedBefore.has(key));
		const before = this.present;
		const unfinishedBefore = this.unfinishedDownloads.map(describeUnfinished).join('\n');
		this.present = present;
		this.unfinishedDownloads = unfinished;
		const keys = new Set([...before.keys(), ...present.keys()]);
		const changed = [...[...keys].filter((key) => before.get(key)?.path !== present.get(key)?.path), ...newlyRefused];
		return unfinished.map(describeUnfinished).join('\n') === unfinishedBefore ? changed : [...changed, UNFINISHED_CHANGED];
	}

	/** The saved file, checked against the disk now. */
	async find(messageId: string, key: string): Promise<vscode.Uri | undefined> {
		for (const folder of this.downloadFolders()) {
			const entry = resourceFor(await readManifest(folder).catch(() => emptyManifest()), messageId, key);
			if (entry !== undefined && (await checkResourceOnDisk(folder, entry)).state === 'present') {
				return vscode.Uri.file(path.join(folder, ...entry.path.split('/')));
			}
		}
		return undefined;
	}

	/** Synchronous, for rendering: as of the last reload. */
	has(messageId: string, key: string): boolean {
		return this.present.has(resourceKey(messageId, key));
	}

	/** Interrupted downloads in the download folders (their .part files), as of the last reload. */
	unfinished(): readonly UnfinishedDownload[] {
		return this.unfinishedDownloads;
	}

	/** The saved file (path and size), as of the last reload. */
	saved(messageId: string, key: string): SavedFile | undefined {
		return this.present.get(resourceKey(messageId, key));
	}

	/**
	 * Remembers in the folder's record that Lark refuses to serve this attachment (a card image answered 234043):
	 * neither the tree nor `lark-dl` asks for it again.
	 */
	async refuse(folder: string, messageId: string, key: string): Promise<void> {
		await updateManifest(folder, (manifest) => recordRefusal(manifest, messageId, key, 'card-not-served'));
		await this.reload();
	}

	/** Why Lark refused this attachment before, in the user's words, if a record says it did. */
	refusal(messageId: string, key: string): string | undefined {
		return this.refused.has(resourceKey(messageId, key)) ? vscode.l10n.t('Lark does not serve this card\'s image.') : undefined;
	}

	private disposeWatchers(): void {
		for (const watcher of this.watchers) {
			watcher.dispose();
		}
		this.watchers = [];
	}

	dispose(): void {
		this.disposeWatchers();
		if (this.reloadTimer !== undefined) {
			clearTimeout(this.reloadTimer);
		}
		this._onDidChange.dispose();
	}
}

function describeUnfinished(unfinished: UnfinishedDownload): string {
	return `${unfinished.partPath}:${unfinished.bytesDone}`;
}

/**
 * The download folder's files, as a pattern on its workspace folder: the download folder itself may not exist yet
 * (it is made by the first download), and a watcher based on a missing folder would never fire.
 */
function watchPattern(folder: string): vscode.RelativePattern {
	const workspaceFolder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(folder));
	if (workspaceFolder === undefined) {
		return new vscode.RelativePattern(vscode.Uri.file(folder), '**');
	}
	const relative = path.relative(workspaceFolder.uri.fsPath, folder).split(path.sep).join('/');
	return new vscode.RelativePattern(workspaceFolder, relative === '' ? '**' : `${relative}/**`);
}
