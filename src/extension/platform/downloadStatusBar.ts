import * as vscode from 'vscode';
import { formatBytes } from '../../core/util/formatBytes';
import type { Logger } from './logger';
import { duration } from './progressText';
import { RateMeter, secondsLeft } from './rateMeter';

/** The command the status bar item runs: the running downloads, with Cancel and Show Log. */
export const SHOW_DOWNLOADS_COMMAND = 'larkDownloader.showDownloads';

/** One running download (or bulk run) as the status bar knows it; `finish` when it ends, however it ends. */
export interface TransferHandle {
	/** Bytes so far (absolute), the total when known, and for a bulk run the files done of how many. */
	update(bytesDone: number, totalBytes?: number, files?: { done: number; total: number }): void;
	finish(): void;
}

interface Running {
	id: number;
	label: string;
	cancel: () => void;
	meter: RateMeter;
	totalBytes?: number;
	files?: { done: number; total: number };
}

/**
 * A status bar item while downloads run: how many, the bytes so far and the speed ("$(cloud-download) 2 · 14 MB ·
 * 3.1 MB/s"); a click lists the running downloads to cancel one (or all), or shows the log. Hidden when idle.
 */
export class DownloadStatusBar implements vscode.Disposable {
	private readonly item: vscode.StatusBarItem;
	private readonly running = new Map<number, Running>();
	private nextId = 1;
	private timer: ReturnType<typeof setTimeout> | undefined;

	constructor(private readonly logger: Pick<Logger, 'show'>, private readonly now: () => number = Date.now) {
		this.item = vscode.window.createStatusBarItem('larkDownloader.downloads', vscode.StatusBarAlignment.Left, 50);
		this.item.name = vscode.l10n.t('Lark Downloads');
		this.item.command = SHOW_DOWNLOADS_COMMAND;
	}

	/** A download starts: it shows in the item until `finish`. `cancel` stops it (from the item's list). */
	start(label: string, cancel: () => void): TransferHandle {
		const id = this.nextId++;
		const running: Running = { id, label, cancel, meter: new RateMeter(this.now) };
		this.running.set(id, running);
		this.render();
		return {
			update: (bytesDone, totalBytes, files) => {
				running.meter.sample(bytesDone);
				running.totalBytes = totalBytes;
				running.files = files;
				this.scheduleRender();
			},
			finish: () => {
				this.running.delete(id);
				this.render();
			},
		};
	}

	/** How many downloads run now. */
	get count(): number {
		return this.running.size;
	}

	/** The item's text as shown (for tests and the API). */
	get text(): string {
		return this.item.text;
	}

	/** The click: each running download (select to cancel it), Cancel All when several run, and Show Log. */
	async showDetails(): Promise<void> {
		type Item = vscode.QuickPickItem & { run: () => void };
		const items: Item[] = [...this.running.values()].map((running) => ({
			label: `$(close) ${running.label}`,
			description: this.describe(running),
			detail: vscode.l10n.t('Select to cancel this download'),
			run: running.cancel,
		}));
		if (this.running.size > 1) {
			items.push({ label: `$(stop-circle) ${vscode.l10n.t('Cancel All')}`, run: () => [...this.running.values()].forEach((running) => running.cancel()) });
		}
		items.push({ label: `$(output) ${vscode.l10n.t('Show Log')}`, run: () => this.logger.show() });
		const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Lark: Running Downloads'), placeHolder: this.running.size === 0 ? vscode.l10n.t('No download is running.') : vscode.l10n.t('Select a download to cancel it') });
		picked?.run();
	}

	dispose(): void {
		if (this.timer !== undefined) {
			clearTimeout(this.timer);
		}
		this.item.dispose();
	}

	/** "3.4 MB of 10 MB · 1.2 MB/s · 6 s left", "4 of 12 files · 20 MB · 2 MB/s". */
	private describe(running: Running): string {
		const bytes = running.meter.bytes;
		const rate = running.meter.bytesPerSecond();
		const parts: string[] = [];
		if (running.files !== undefined) {
			parts.push(vscode.l10n.t('{0} of {1} files', running.files.done, running.files.total));
		}
		parts.push(running.totalBytes === undefined || running.files !== undefined ? formatBytes(bytes) : vscode.l10n.t('{0} of {1}', formatBytes(bytes), formatBytes(running.totalBytes)));
		if (rate > 0) {
			parts.push(vscode.l10n.t('{0}/s', formatBytes(rate)));
		}
		const left = secondsLeft({ bytesDone: bytes, ...(running.files === undefined && running.totalBytes !== undefined ? { bytesTotal: running.totalBytes } : {}), bytesPerSecond: rate, elapsedSeconds: running.meter.elapsedSeconds(), filesDone: running.files?.done, filesTotal: running.files?.total });
		if (left !== undefined && left > 0) {
			parts.push(vscode.l10n.t('{0} left', duration(left)));
		}
		return parts.join(' · ');
	}

	/** At most a few renders a second however often the bytes move. */
	private scheduleRender(): void {
		this.timer ??= setTimeout(() => {
			this.timer = undefined;
			this.render();
		}, 250);
	}

	private render(): void {
		if (this.running.size === 0) {
			this.item.hide();
			return;
		}
		const all = [...this.running.values()];
		const bytes = all.reduce((sum, running) => sum + running.meter.bytes, 0);
		const rate = all.reduce((sum, running) => sum + running.meter.bytesPerSecond(), 0);
		this.item.text = `$(cloud-download) ${all.length} · ${formatBytes(bytes)}${rate > 0 ? ` · ${vscode.l10n.t('{0}/s', formatBytes(rate))}` : ''}`;
		this.item.tooltip = [vscode.l10n.t('Lark: {0} downloads running', all.length), ...all.map((running) => `${running.label} — ${this.describe(running)}`), vscode.l10n.t('Click to see or cancel them.')].join('\n');
		this.item.accessibilityInformation = { label: vscode.l10n.t('Lark: {0} downloads running, {1}', all.length, formatBytes(bytes)) };
		this.item.show();
	}
}
