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
	// signing in
	| 'missing-credentials'
	| 'not-signed-in'
	| 'sign-in-again'
	| 'wrong-app-credentials'
	| 'token-rejected'
	| 'app-unavailable'
	// what Lark refuses
	| 'not-in-chat'
	| 'p2p-needs-user'
	| 'no-access'
	| 'scope-missing'
	| 'scope-not-granted'
	| 'not-found'
	| 'message-deleted'
	| 'key-not-in-message'
	| 'card-resource'
	| 'too-large-for-one-request'
	| 'bad-parameter'
	| 'rate-limited'
	| 'server-unavailable'
	// what the user typed
	| 'bad-message-id'
	| 'bad-file-key'
	| 'bad-resource-type'
	| 'bad-time'
	| 'bad-time-range'
	| 'bad-output-path'
	| 'bad-name-template'
	// the download folder
	| 'file-exists'
	| 'path-outside-folder'
	| 'name-too-long'
	| 'folder-missing'
	| 'no-free-name'
	| 'busy'
	| 'disk-full'
	| 'read-only-folder'
	| 'no-write-permission'
	| 'path-blocked'
	| 'too-many-open-files'
	| 'disk-error'
	| 'manifest-unreadable'
	| 'manifest-busy'
	// the Markdown export
	| 'export-not-ours';

/** Values a front end puts into its own sentence for a reason (a file name, the missing scopes, a time). */
export type ErrorParams = Readonly<Record<string, string | number>>;

export interface LarkErrorDetails {
	/** Lark's numeric `code`, when the server sent one. */
	code?: number;
	reason?: ErrorReason;
	params?: ErrorParams;
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
	readonly params: ErrorParams;
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
		this.params = details.params ?? {};
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

const LOCAL_FAILURES: Record<string, { reason: ErrorReason; hint: string }> = {
	ENOSPC: { reason: 'disk-full', hint: 'The disk is full. Free some space, then run the download again: it continues where it stopped.' },
	EDQUOT: { reason: 'disk-full', hint: 'Your disk quota is used up. Free some space, then run the download again.' },
	EROFS: { reason: 'read-only-folder', hint: 'The download folder is on a read-only file system. Choose another folder.' },
	EACCES: { reason: 'no-write-permission', hint: 'No permission to write in the download folder. Choose another folder or fix its permissions.' },
	EPERM: { reason: 'no-write-permission', hint: 'The operation is not permitted in the download folder. Choose another folder or fix its permissions.' },
	ENAMETOOLONG: { reason: 'name-too-long', hint: 'The file name is too long for this file system. Choose a shorter name or folder.' },
	EISDIR: { reason: 'path-blocked', hint: 'A folder stands where the file should go. Rename or remove it.' },
	ENOTDIR: { reason: 'path-blocked', hint: 'A file stands where a folder should be. Rename or remove it.' },
	EMFILE: { reason: 'too-many-open-files', hint: 'Too many files are open. Close some programs and try again.' },
	ENFILE: { reason: 'too-many-open-files', hint: 'Too many files are open. Close some programs and try again.' },
	EIO: { reason: 'disk-error', hint: 'The disk reported an error. Check the disk, then try again.' },
};

/** A failed file-system call (it has an errno code and a syscall) is a local problem: `io`, not a server error. */
export function localFileError(error: unknown): LarkError | undefined {
	const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
	if (typeof code !== 'string' || typeof syscall !== 'string' || !/^E[A-Z]+$/.test(code) || SOCKET_CODES.has(code)) {
		return undefined;
	}
	const message = error instanceof Error ? error.message : code;
	const known = LOCAL_FAILURES[code];
	const filePath = (error as { path?: unknown }).path;
	return new LarkError('io', `Could not ${syscall} a file in the download folder: ${message}`, {
		...(known === undefined ? {} : { reason: known.reason, hint: known.hint }),
		params: { errno: code, ...(typeof filePath === 'string' ? { path: filePath } : {}) },
		cause: error,
	});
}
