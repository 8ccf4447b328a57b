/** Why a download started over: the server ignored Range mid-way, or the file changed since an interruption. */
export type RestartCause = 'range-ignored' | 'resource-changed';

/** Typed progress of one download; the CLI renders it on a TTY, the extension bridges it to withProgress. */
export type DownloadEvent =
	| { kind: 'started'; fileName: string; totalBytes: number | undefined; resumedBytes: number }
	| { kind: 'progress'; bytesDone: number; totalBytes: number | undefined }
	| { kind: 'retrying'; attempt: number; delayMs: number; reason: string }
	| { kind: 'restarted'; cause: RestartCause; reason: string }
	| { kind: 'finished'; savedPath: string; sizeBytes: number };

export type DownloadListener = (event: DownloadEvent) => void;
