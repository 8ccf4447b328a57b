import { LarkError, toLarkError } from '../errors';
import { sleep } from '../util/sleep';
import { failureOf, oauthError, type OAuthClient } from './oauthClient';
import { fetchUserInfo } from './userInfo';
import { grantedTokensFrom, type GrantedTokens, type UserTokenSet } from './userTokens';
import { registerSecret } from '../secrets/secretRegistry';

/**
 * What the tool asks for: reading messages, chats and their resources as the user (lark-api.md §2.1,
 * §4.4–4.8), the user's name, and `offline_access` for a refresh token.
 */
export const DEFAULT_SCOPES: readonly string[] = [
	'im:message:readonly',
	'im:message.history:readonly',
	'im:chat:readonly',
	'im:message.group_msg:get_as_user',
	'im:message.p2p_msg:get_as_user',
	'contact:user.base:readonly',
	'offline_access',
];

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** Polling rules of RFC 8628 as lark-cli applies them (lark-api.md §3.3). */
export const DEFAULT_INTERVAL_S = 5;
export const SLOW_DOWN_STEP_S = 5;
export const MAX_INTERVAL_S = 60;
export const TRANSIENT_STEP_S = 1;
export const MAX_POLLS = 200;
const DEFAULT_EXPIRES_IN_S = 240;

export interface DeviceAuthorization {
	deviceCode: string;
	/** The code the user confirms in the browser. */
	userCode: string;
	verificationUri: string;
	/** The same page with the code filled in (falls back to `verificationUri`). */
	verificationUriComplete: string;
	/** Epoch ms after which the codes are void. */
	expiresAt: number;
	intervalSeconds: number;
}

/** Time as the poller sees it; tests pass a fake one. */
export interface PollClock {
	now(): number;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const SYSTEM_CLOCK: PollClock = { now: () => Date.now(), sleep };

export interface PollEvent {
	attempt: number;
	outcome: 'pending' | 'slow_down' | 'transient';
	/** Seconds until the next poll. */
	intervalSeconds: number;
}

export interface DevicePollOptions {
	/** Unknown when resuming from a bare device code; the server's `expired_token` ends it then. */
	expiresAt?: number;
	intervalSeconds?: number;
	signal?: AbortSignal;
	clock?: PollClock;
	onPoll?: (event: PollEvent) => void;
}

/** The requested scopes, space-separated, without repeats, always with `offline_access`. */
export function scopeString(scopes: readonly string[]): string {
	return [...new Set([...scopes, 'offline_access'].map((s) => s.trim()).filter((s) => s !== ''))].join(' ');
}

/** Step 1: get a device code, and the user code + URL to show the user. */
export async function startDeviceAuthorization(client: OAuthClient, scopes: readonly string[] = DEFAULT_SCOPES, options: { signal?: AbortSignal; now?: () => number } = {}): Promise<DeviceAuthorization> {
	const reply = await client.deviceAuthorization(scopeString(scopes), options.signal);
	const failure = failureOf(reply);
	if (failure !== undefined) {
		throw oauthError('Could not start the Lark sign-in', reply, failure, {
			type: 'auth',
			hint: 'Check the app ID and app secret, and that the app enables the requested scopes (docs/auth.md).',
		});
	}
	const { device_code: deviceCode, user_code: userCode, verification_uri: uri, verification_uri_complete: complete, expires_in: expiresIn, interval } = reply.body;
	if (typeof deviceCode !== 'string' || deviceCode === '' || typeof userCode !== 'string' || userCode === '' || typeof uri !== 'string' || uri === '') {
		throw new LarkError('protocol', 'The device authorization answer lacks device_code, user_code or verification_uri.', { httpStatus: reply.status, logId: reply.logId });
	}
	registerSecret(deviceCode);
	return {
		deviceCode,
		userCode,
		verificationUri: uri,
		verificationUriComplete: typeof complete === 'string' && complete !== '' ? complete : uri,
		expiresAt: (options.now ?? Date.now)() + positiveSeconds(expiresIn, DEFAULT_EXPIRES_IN_S) * 1000,
		intervalSeconds: positiveSeconds(interval, DEFAULT_INTERVAL_S),
	};
}

/**
 * Step 2: poll the token endpoint until the user approves. Pending waits `interval`; `slow_down` adds
 * 5 s (at most 60 s); a network or server hiccup adds 1 s; denial and expiry end it.
 */
export async function pollDeviceToken(client: OAuthClient, deviceCode: string, options: DevicePollOptions = {}): Promise<GrantedTokens> {
	const clock = options.clock ?? SYSTEM_CLOCK;
	const { signal } = options;
	let interval = positiveSeconds(options.intervalSeconds, DEFAULT_INTERVAL_S);
	const wait = (outcome: PollEvent['outcome'], attempt: number, step: number): void => {
		// The cap limits our own additions; it never shortens what the server asked for.
		interval = Math.max(interval, Math.min(MAX_INTERVAL_S, interval + step));
		options.onPoll?.({ attempt, outcome, intervalSeconds: interval });
	};
	for (let attempt = 1; attempt <= MAX_POLLS; attempt++) {
		if (attempt > 1) {
			await clock.sleep(interval * 1000, signal).catch((error: unknown) => {
				throw cancelledOr(error, signal);
			});
		}
		if (options.expiresAt !== undefined && clock.now() >= options.expiresAt) {
			throw codeExpired();
		}
		let reply;
		try {
			reply = await client.token({ grant_type: DEVICE_CODE_GRANT, device_code: deviceCode }, signal);
		} catch (caught) {
			const error = cancelledOr(caught, signal);
			if (error.type === 'cancelled' || !isTransient(error)) {
				throw error;
			}
			wait('transient', attempt, TRANSIENT_STEP_S);
			continue;
		}
		const failure = failureOf(reply);
		if (failure === undefined) {
			return grantedTokensFrom(reply.body, clock.now());
		}
		switch (failure.error) {
			case 'authorization_pending':
				wait('pending', attempt, 0);
				continue;
			case 'slow_down':
				wait('slow_down', attempt, SLOW_DOWN_STEP_S);
				continue;
			case 'access_denied':
				throw new LarkError('auth', 'The sign-in was denied in the browser.', { hint: 'Sign in again and approve the request.', logId: reply.logId });
			case 'expired_token':
			case 'invalid_grant':
				throw codeExpired();
			default:
				break;
		}
		const error = oauthError('The Lark sign-in failed', reply, failure, { type: 'auth', hint: 'Sign in again; check the app settings in docs/auth.md.' });
		if (!isTransient(error)) {
			throw error;
		}
		wait('transient', attempt, TRANSIENT_STEP_S);
	}
	throw codeExpired();
}

/** Step 2 and 3: wait for approval, then learn who signed in. */
export async function completeDeviceSignIn(client: OAuthClient, deviceCode: string, options: DevicePollOptions = {}): Promise<UserTokenSet> {
	const granted = await pollDeviceToken(client, deviceCode, options);
	const user = await fetchUserInfo(client, granted.accessToken, options.signal);
	return { ...granted, ...user };
}

function isTransient(error: LarkError): boolean {
	return error.retryable || error.type === 'network' || error.type === 'protocol';
}

function cancelledOr(error: unknown, signal: AbortSignal | undefined): LarkError {
	const typed = toLarkError(error, signal);
	return typed.type === 'cancelled' ? new LarkError('cancelled', 'The sign-in was cancelled.', { cause: error }) : typed;
}

function codeExpired(): LarkError {
	return new LarkError('auth', 'The sign-in code expired before it was approved.', { hint: 'Sign in again and approve within the time shown.' });
}

function positiveSeconds(value: unknown, fallback: number): number {
	return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}
