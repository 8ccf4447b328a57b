import type { ConflictPolicy } from '../download/commitFile';
import type { DownloadEngine } from '../download/downloadEngine';
import type { DownloadEvent } from '../download/progress';
import { validateResourceRef } from '../download/resource';
import { cancelledError, toLarkError, type LarkError } from '../errors';
import { runPool } from '../util/pool';
import { dedupeAttachments, knownRefusal } from '../lark/extractAttachments';
import type { Attachment } from '../lark/model';

export const DEFAULT_BULK_CONCURRENCY = 3;

export interface BulkOptions {
	/** The folder the user allowed; every file stays inside it. */
	root: string;
	/** Relative folder under `root` for the files named by the server (when `outputFor` gives no path). */
	directory?: string;
	/** Each attachment's path under `root`, known before its first request (see core/naming). */
	outputFor?: (attachment: Attachment) => string | undefined;
	onConflict?: ConflictPolicy;
	/** A policy for one attachment instead of `onConflict` (e.g. keep a user's edited file: `rename`). */
	onConflictFor?: (attachment: Attachment) => ConflictPolicy | undefined;
	/** Runs after each file is saved and before it counts as saved (recording it, say); a throw fails the item. */
	afterSave?: (saved: SavedItem) => Promise<void>;
	/** Attachments downloaded at the same time (default 3). */
	concurrency?: number;
	/** Ranged parts fetched at once within one attachment (the engine's own concurrency). */
	partConcurrency?: number;
	partSize?: number;
	signal?: AbortSignal;
	onEvent?: (event: BulkEvent) => void;
}

export type BulkItemResult =
	| { status: 'saved'; attachment: Attachment; savedPath: string; sizeBytes: number; /** Hashed while written (absent when the file was already there). */ sha256?: string }
	| { status: 'failed'; attachment: Attachment; error: LarkError }
	| { status: 'skipped'; attachment: Attachment; reason: string };

export type SavedItem = Extract<BulkItemResult, { status: 'saved' }>;
export type FailedItem = Extract<BulkItemResult, { status: 'failed' }>;
export type SkippedItem = Extract<BulkItemResult, { status: 'skipped' }>;

export interface BulkProgress {
	/** Distinct attachments, skipped ones included. */
	total: number;
	saved: number;
	failed: number;
	skipped: number;
	active: number;
	/** Bytes of saved files plus what the running downloads have so far. */
	bytesDone: number;
	/** Sum of the sizes known so far (a size is known once its download has started). */
	bytesKnown: number;
}

export type BulkEvent =
	| { kind: 'item-started'; attachment: Attachment }
	| { kind: 'item-finished'; result: BulkItemResult }
	| { kind: 'progress'; progress: BulkProgress };

/** Per-item results in input order; `cancelled` when the signal stopped the queue. */
export interface BulkSummary {
	saved: SavedItem[];
	failed: FailedItem[];
	skipped: SkippedItem[];
	cancelled: boolean;
}

/**
 * Downloads many attachments through one engine with bounded concurrency. One failure never stops
 * the others; stickers/cards/folders are reported as skipped without a request; an aborted signal
 * cancels the running downloads (their .part files stay resumable) and starts no new ones.
 * The request rate is bounded by the session's shared RequestBudget, not here.
 */
export async function bulkDownload(engine: Pick<DownloadEngine, 'download'>, input: readonly Attachment[], options: BulkOptions): Promise<BulkSummary> {
	const attachments = dedupeAttachments(input);
	const results: (BulkItemResult | undefined)[] = attachments.map((attachment) =>
		attachment.downloadable ? undefined : { status: 'skipped', attachment, reason: attachment.notDownloadableReason ?? 'Not downloadable.' });
	const tracker = new ProgressTracker(attachments.length, results.filter((r) => r !== undefined).length, options.onEvent);
	const pending = attachments.flatMap((attachment, index) => (attachment.downloadable ? [{ index, attachment }] : []));
	const signal = options.signal;
	const savedThisRun = new Set<string>();

	const downloadOne = async (index: number, attachment: Attachment): Promise<BulkItemResult> => {
		options.onEvent?.({ kind: 'item-started', attachment });
		tracker.started(index);
		try {
			const ref = validateResourceRef({ messageId: attachment.messageId, fileKey: attachment.key, type: attachment.resourceType });
			const output = options.outputFor?.(attachment);
			const result = await engine.download(ref, {
				root: options.root,
				...(output === undefined ? { directory: options.directory } : { output }),
				onConflict: options.onConflictFor?.(attachment) ?? options.onConflict,
				savedThisRun,
				partSize: options.partSize,
				concurrency: options.partConcurrency,
				signal,
				onEvent: (event) => tracker.onDownloadEvent(index, event),
			});
			const saved: SavedItem = { status: 'saved', attachment, savedPath: result.savedPath, sizeBytes: result.sizeBytes, ...(result.sha256 === undefined ? {} : { sha256: result.sha256 }) };
			await options.afterSave?.(saved);
			return saved;
		} catch (error) {
			const failure = toLarkError(error, signal);
			const refusal = knownRefusal(attachment, failure);
			return refusal === undefined ? { status: 'failed', attachment, error: failure } : { status: 'skipped', attachment, reason: refusal };
		}
	};

	await runPool(pending, Math.min(options.concurrency ?? DEFAULT_BULK_CONCURRENCY, pending.length), async (job) => {
		const result = await downloadOne(job.index, job.attachment);
		results[job.index] = result;
		tracker.finished(job.index, result);
		options.onEvent?.({ kind: 'item-finished', result });
	}, () => signal?.aborted === true);

	// Whatever never started was cancelled with the queue.
	const final = attachments.map((attachment, index): BulkItemResult =>
		results[index] ?? { status: 'failed', attachment, error: cancelledError(signal?.reason) });
	return {
		saved: final.filter((r): r is SavedItem => r.status === 'saved'),
		failed: final.filter((r): r is FailedItem => r.status === 'failed'),
		skipped: final.filter((r): r is SkippedItem => r.status === 'skipped'),
		cancelled: signal?.aborted === true,
	};
}

/** Turns per-download events into overall counts and bytes. */
class ProgressTracker {
	private readonly progress: BulkProgress;
	private readonly bytes = new Map<number, number>();
	private readonly sizes = new Map<number, number>();

	constructor(total: number, skipped: number, private readonly onEvent: BulkOptions['onEvent']) {
		this.progress = { total, saved: 0, failed: 0, skipped, active: 0, bytesDone: 0, bytesKnown: 0 };
	}

	started(index: number): void {
		this.bytes.set(index, 0);
		this.progress.active++;
		this.emit();
	}

	onDownloadEvent(index: number, event: DownloadEvent): void {
		if (event.kind === 'started' && event.totalBytes !== undefined) {
			this.sizes.set(index, event.totalBytes);
		} else if (event.kind === 'progress') {
			this.bytes.set(index, event.bytesDone);
		} else {
			return;
		}
		this.emit();
	}

	finished(index: number, result: BulkItemResult): void {
		this.progress.active--;
		if (result.status === 'saved') {
			this.progress.saved++;
			this.bytes.set(index, result.sizeBytes);
			this.sizes.set(index, result.sizeBytes);
		} else {
			this.progress.failed++;
			this.bytes.delete(index);
			this.sizes.delete(index);
		}
		this.emit();
	}

	private emit(): void {
		this.progress.bytesDone = sum(this.bytes.values());
		this.progress.bytesKnown = sum(this.sizes.values());
		this.onEvent?.({ kind: 'progress', progress: { ...this.progress } });
	}
}

function sum(values: Iterable<number>): number {
	let total = 0;
	for (const value of values) {
		total += value;
	}
	return total;
}
