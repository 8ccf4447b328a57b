import type { ErrorReason, ErrorType } from './errors';

export interface CodeClass {
	type: ErrorType;
	hint: string;
	reason?: ErrorReason;
	retryable?: boolean;
	tokenRejected?: boolean;
}

const TOKEN_REFRESH_HINT = 'The access token expired or was revoked; a fresh token is fetched automatically once.';
const SCOPE_HINT = 'Enable the scope in the Lark developer console (im:message:readonly or im:message.history:readonly), publish the app, and for a user token sign in again.';

/**
 * What each Lark `code` means for us. Facts from the Open Platform error pages and lark-cli's
 * behaviour; permission-type codes are never retried because retrying cannot change the answer.
 */
const CODE_TABLE: ReadonlyMap<number, CodeClass> = new Map<number, CodeClass>([
	[234002, { type: 'permission', reason: 'no-access', hint: 'No access to this chat or file, or it was deleted. This is not a missing API scope: do not retry; ask for access or check the message.' }],
	[14005, { type: 'permission', reason: 'no-access', hint: 'No access to this resource, or it was deleted. Do not retry.' }],
	[230002, { type: 'permission', reason: 'not-in-chat', hint: 'The bot or user is not a member of this chat. Add the bot to the chat, or use the user identity.' }],
	[230027, { type: 'permission', reason: 'no-access', hint: 'The user is not authorized for this operation.' }],
	[234008, { type: 'permission', reason: 'no-access', hint: 'The app is not the sender of this resource; message resources must be fetched through the message-resource API.' }],
	[99991672, { type: 'scope', reason: 'scope-missing', hint: SCOPE_HINT }],
	[99991676, { type: 'scope', reason: 'scope-missing', hint: SCOPE_HINT }],
	[99991679, { type: 'scope', reason: 'scope-not-granted', hint: 'The user has not granted the scope; sign in again and approve it.' }],
	[234003, { type: 'not_found', reason: 'key-not-in-message', hint: 'The file key does not belong to this message. For a file inside a merged-forward message, use the container message id.' }],
	[234004, { type: 'not_found', reason: 'not-found', hint: 'The message or resource was not found.' }],
	[230011, { type: 'not_found', reason: 'message-deleted', hint: 'The message was deleted or recalled.' }],
	[234043, { type: 'api', reason: 'card-resource', hint: 'Resources of merged-forward sub-messages and cards cannot be downloaded by their own id; use the container message id.' }],
	// Lark caps what one plain GET may return (reported between ~2 MiB and 30 MB); ranged requests have no such cap
	// (docs/lark-api.md §4.11). We only send a plain GET when the server refused or ignored Range.
	[234037, { type: 'api', reason: 'too-large-for-one-request', hint: 'Lark refuses to send a file this large in one request (234037: "Downloaded file size exceeds limit"), and it did not accept a ranged download for this file either. Try again later.' }],
	[234001, { type: 'validation', reason: 'bad-parameter', hint: 'Lark rejected a request parameter; check the resource type (image for images and post images, file for files, audio and video).' }],
	[99991400, { type: 'rate_limit', reason: 'rate-limited', hint: 'Lark rate limit reached (50 requests/s, 1000/min per API); waited and retried.', retryable: true }],
	[99991663, { type: 'auth', reason: 'token-rejected', hint: TOKEN_REFRESH_HINT, tokenRejected: true }],
	[99991668, { type: 'auth', reason: 'token-rejected', hint: TOKEN_REFRESH_HINT, tokenRejected: true }],
	[99991677, { type: 'auth', reason: 'token-rejected', hint: TOKEN_REFRESH_HINT, tokenRejected: true }],
	[99991661, { type: 'auth', hint: 'The Authorization header was missing.' }],
	[99991671, { type: 'auth', reason: 'token-rejected', hint: 'The token has the wrong format (tenant tokens start with t-, user tokens with u-).' }],
	[99991543, { type: 'auth', reason: 'wrong-app-credentials', hint: 'The app ID or app secret is wrong.' }],
	[10014, { type: 'auth', reason: 'wrong-app-credentials', hint: 'The app ID or app secret is wrong.' }],
	[99991662, { type: 'auth', reason: 'app-unavailable', hint: 'The app is disabled or not installed in this tenant.' }],
	[99991673, { type: 'auth', reason: 'app-unavailable', hint: 'The app is unavailable in this tenant.' }],
]);

export function classifyLarkCode(code: number): CodeClass | undefined {
	return CODE_TABLE.get(code);
}

/** Classification by HTTP status alone, for bodies without a Lark code. */
export function classifyHttpStatus(status: number): CodeClass {
	if (status === 401) {
		return { type: 'auth', reason: 'token-rejected', hint: 'The server rejected the credentials.' };
	}
	if (status === 403) {
		return { type: 'permission', reason: 'no-access', hint: 'Access denied. Do not retry; check the app or user has access to the chat.' };
	}
	if (status === 404) {
		return { type: 'not_found', reason: 'not-found', hint: 'Check the message id and file key.' };
	}
	if (status === 429) {
		return { type: 'rate_limit', reason: 'rate-limited', hint: 'Rate limited by the server.', retryable: true };
	}
	if (status === 408 || status >= 500) {
		return { type: 'api', reason: 'server-unavailable', hint: 'The server had a temporary problem; it was retried. Try again later.', retryable: true };
	}
	return { type: 'api', hint: `The server answered HTTP ${status}.` };
}
