/** The stable error kinds of the CLI contract and the extension's error funnel. */
export type ErrorType =
	| 'validation'
	| 'auth'
	| 'permission'
	| 'scope'
	| 'not_found'
	| 'rate_limit'
	| 'network'
	| 'protocol'
	| 'io'
	| 'cancelled'
	| 'api';

/**
 * Stable reasons a front end acts on without reading the message text: the CLI renders them with its flags
 * and environment variables (src/cli/errorHints.ts), the extension in the user's language with the action
 * that helps (src/extension/platform/errorHandling.ts). Core messages and hints stay neutral.
 */
export type ErrorReason =
	| 'file-exists'
	| 'missing-credentials'
	| 'not-signed-in'
	| 'sign-in-again'
	| 'wrong-app-credentials'
	| 'not-in-chat'
	| 'p2p-needs-user';

export interface LarkErrorDetails {
	/** Lark's numeric `code`, when the server sent one. */
	code?: number;
	reason?: ErrorReason;
	hint?: string;
	logId?: string;
	httpStatus?: number;
	/** True when trying the same request again may succeed. */
	retryable?: boolean;
	/** Seconds the server asked us to wait (429 / x-ogw-ratelimit-reset / Retry-After). */
	retryAfterSeconds?: number;
	/** The access token was rejected in a way a fresh token can fix. */
	tokenRejected?: boolean;
	cause?: unknown;
}

/** Every failure the core reports is one of these: typed, never a string throw. */
export class LarkError extends Error {
	readonly type: ErrorType;
	readonly code: number | undefined;
	readonly reason: ErrorReason | undefined;
	readonly hint: string | undefined;
	readonly logId: string | undefined;
	readonly httpStatus: number | undefined;
	readonly retryable: boolean;
	readonly retryAfterSeconds: number | undefined;
	readonly tokenRejected: boolean;

	constructor(type: ErrorType, message: string, details: LarkErrorDetails = {}) {
		super(message, details.cause === undefined ? undefined : { cause: details.cause });
		this.name = 'LarkError';
		this.type = type;
		this.code = details.code;
		this.reason = details.reason;
		this.hint = details.hint;
		this.logId = details.logId;
		this.httpStatus = details.httpStatus;
		this.retryable = details.retryable ?? false;
		this.retryAfterSeconds = details.retryAfterSeconds;
		this.tokenRejected = details.tokenRejected ?? false;
	}

	/** The `error` object of the CLI's JSON failure envelope. */
	toJSON(hint: string | undefined = this.hint): { type: ErrorType; code?: number; reason?: ErrorReason; message: string; hint?: string; log_id?: string } {
		return {
			type: this.type,
			...(this.code === undefined ? {} : { code: this.code }),
			...(this.reason === undefined ? {} : { reason: this.reason }),
			message: this.message,
			...(hint === undefined ? {} : { hint }),
			...(this.logId === undefined ? {} : { log_id: this.logId }),
		};
	}
}

export function cancelledError(cause?: unknown): LarkError {
	return new LarkError('cancelled', 'The download was cancelled.', { cause });
}

export function isLarkError(error: unknown): error is LarkError {
	return error instanceof LarkError;
}

/** Converts anything thrown into a LarkError without losing an existing classification. */
export function toLarkError(error: unknown, signal?: AbortSignal): LarkError {
	if (error instanceof LarkError) {
		return error;
	}
	if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) {
		return cancelledError(error);
	}
	const local = localFileError(error);
	if (local !== undefined) {
		return local;
	}
	const message = error instanceof Error ? error.message : String(error);
	return new LarkError('api', message, { cause: error });
}

/** Errno codes of sockets, not files (the HTTP client types those as `network` itself). */
const SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'ENOTFOUND', 'EADDRINUSE', 'EADDRNOTAVAIL', 'ENETDOWN', 'EHOSTDOWN']);

const LOCAL_HINTS: Record<string, string> = {
	ENOSPC: 'The disk is full. Free some space, then run the download again: it continues where it stopped.',
	EDQUOT: 'Your disk quota is used up. Free some space, then run the download again.',
	EROFS: 'The download folder is on a read-only file system. Choose another folder.',
	EACCES: 'No permission to write in the download folder. Choose another folder or fix its permissions.',
	EPERM: 'The operation is not permitted in the download folder. Choose another folder or fix its permissions.',
	ENAMETOOLONG: 'The file name is too long for this file system. Choose a shorter name or folder.',
	EISDIR: 'A folder stands where the file should go. Rename or remove it.',
	ENOTDIR: 'A file stands where a folder should be. Rename or remove it.',
	EMFILE: 'Too many files are open. Close some programs and try again.',
	EIO: 'The disk reported an error. Check the disk, then try again.',
};

/** A failed file-system call (it has an errno code and a syscall) is a local problem: `io`, not a server error. */
export function localFileError(error: unknown): LarkError | undefined {
	const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
	if (typeof code !== 'string' || typeof syscall !== 'string' || !/^E[A-Z]+$/.test(code) || SOCKET_CODES.has(code)) {
		return undefined;
	}
	const message = error instanceof Error ? error.message : code;
	return new LarkError('io', `Could not ${syscall} a file in the download folder: ${message}`, { hint: LOCAL_HINTS[code], cause: error });
}
