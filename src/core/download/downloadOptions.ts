import type { Identity } from '../auth/tokenProvider';
import type { ConflictPolicy } from './commitFile';
import type { DownloadListener } from './progress';

// What one download is asked to do and what it answers: shared by the engine's entry and its transfers.

export const DEFAULT_PROBE_SIZE = 128 * 1024;
/** The smallest part chosen by itself (and the part size of older runs' sweeps). */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/** lark-cli's newest downloader uses 32 MiB ranges against the real server (docs/lark-api.md §4.11). */
export const MAX_AUTO_PART_SIZE = 32 * 1024 * 1024;

/**
 * The part size when none is asked for: one part per connection, between 8 and 32 MiB. Fewer, larger requests
 * within the same request budget: measured on loopback, 32 MiB parts took a 1 GiB download from 4.25 s to 2.74 s
 * and a 256 MiB one from 1.17 s to 0.91 s (8 connections, medians of 5); smaller files keep every connection busy.
 */
export function autoPartSize(total: number, concurrency: number): number {
	const perConnection = Math.ceil(total / Math.max(1, concurrency) / (1024 * 1024)) * 1024 * 1024;
	return Math.min(MAX_AUTO_PART_SIZE, Math.max(DEFAULT_PART_SIZE, perConnection));
}
/** Chosen by `npm run bench` (docs/benchmarks.md): 8 parts at once is 5.5× sequential on a 40 ms, 25 MiB/s-per-connection link. */
export const DEFAULT_CONCURRENCY = 8;

export interface DownloadOptions {
	/** The folder the user allowed; nothing is written outside it (after resolving symlinks). */
	root: string;
	/** Relative file path under `root`; gets an extension from the response when it has none. */
	output?: string;
	/** Relative folder under `root` for server-named files (ignored when `output` is given). */
	directory?: string;
	onConflict?: ConflictPolicy;
	/**
	 * Asked when the name, known only from the server's answer, is taken by an existing file (a front end's
	 * "ask" policy): its answer is the policy for this download. The probe waits; nothing is requested twice.
	 */
	askOnConflict?: (existingFile: string) => Promise<'rename' | 'overwrite'>;
	/**
	 * Files saved by the same bulk run; filled in by each download. `overwrite` never replaces one of them, so
	 * two attachments that want one name are both kept and the run's summary matches what is on disk.
	 */
	savedThisRun?: Set<string>;
	partSize?: number;
	probeSize?: number;
	/** Parts fetched at once; 1 is strictly sequential. */
	concurrency?: number;
	signal?: AbortSignal;
	onEvent?: DownloadListener;
}

/** How an engine does its file work, the same for all its downloads. */
export interface EngineSettings {
	/**
	 * Write and read back the .part on the calling thread instead of the thread pool: right for a process that
	 * does nothing else (the CLI), wrong for one whose event loop must stay responsive (the extension host).
	 */
	blockingFileIo?: boolean;
}

export interface DownloadResult {
	savedPath: string;
	sizeBytes: number;
	identity: Identity;
	/** Bytes that were already on disk from an earlier, interrupted run. */
	resumedBytes: number;
	/** SHA-256 (hex) of the saved bytes, hashed while they were written; absent for a file already there. */
	sha256?: string;
}

/** Where one download lands before its name is known: the folder, its resume record, and what was asked for. */
export interface Destination {
	directory: string;
	recordPath: string;
	/** The resource (resumeState.resourceIdentity). */
	identity: string;
	/** The --output asked for, null for a server-named file. */
	requested: string | null;
}

/** Where one transfer writes once its name is claimed: also the final name and its .part. */
export interface Target extends Destination {
	fileName: string;
	partPath: string;
}
