import { randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import { OAuthClient } from '../../src/core/auth/oauthClient';
import { HttpClient } from '../../src/core/http/httpClient';
import { USER_AGENT } from '../../src/core/version';
import { readBody, sendJson, type LarkTestServer } from './larkServer';

/** Scripted answers to the next device-code polls, given before the device's real state. */
export type PollQuirk = 'pending' | 'slow_down' | 'server_error' | 'gateway_html';

export interface OAuthFixtureOptions {
	/** `interval` of the device authorization answer, in seconds; omitted from the answer when null. */
	interval?: number | null;
	/** Device code lifetime in seconds. */
	expiresIn?: number;
	accessExpiresIn?: number;
	refreshExpiresIn?: number;
	/** Answer without `verification_uri_complete`. */
	withoutCompleteUri?: boolean;
	/** Grant no refresh token (an app without `offline_access`). */
	withoutRefreshToken?: boolean;
	user?: { openId: string; name: string };
}

export interface Device {
	deviceCode: string;
	userCode: string;
	scope: string;
	state: 'pending' | 'approved' | 'denied' | 'expired' | 'used';
	expiresAt: number;
}

type RefreshState = 'live' | 'used' | 'revoked' | 'expired';

export interface TokenCall {
	grantType: string;
	/** The refresh token or device code presented. */
	presented: string;
	status: number;
	/** True when the request also carried an Authorization header (Lark answers 20070). */
	basicAuth: boolean;
}

export const DEVICE_AUTHORIZATION_ROUTE = /^\/oauth\/v1\/device_authorization$/;
export const TOKEN_ROUTE = /^\/open-apis\/authen\/v2\/oauth\/token$/;
export const USER_INFO_ROUTE = /^\/open-apis\/authen\/v1\/user_info$/;
/** Stands in for the user's approval page: POST {"user_code","decision":"approve"|"deny"}. */
export const VERIFY_PATH = '/oauth/test/verify';

/** An OAuth client of the server's app; the loopback server also plays the accounts host. */
export function oauthClientFor(server: LarkTestServer): { client: OAuthClient; close: () => Promise<void> } {
	const http = new HttpClient({ idleTimeoutMs: 10_000 });
	const app = { appId: server.appId, appSecret: server.appSecret, baseUrl: server.baseUrl, accountsUrl: server.baseUrl };
	return { client: new OAuthClient(http, app, USER_AGENT), close: () => http.close() };
}

/**
 * The OAuth side of the loopback Lark server: device authorization, the token endpoint (device-code and
 * rotating refresh-token grants) and user_info, with Lark's quirks scriptable per test.
 */
export class OAuthFixture {
	readonly devices = new Map<string, Device>();
	readonly tokenCalls: TokenCall[] = [];
	/** Every access and refresh token handed out, so tests can check none was printed. */
	readonly issued: string[] = [];
	readonly pollQuirks: PollQuirk[] = [];
	/** Lark codes for the next refresh grants to fail with (e.g. 20050), consumed in order. */
	readonly refreshFailures: number[] = [];
	readonly user: { openId: string; name: string };
	private readonly refreshTokens = new Map<string, RefreshState>();

	constructor(private readonly server: LarkTestServer, private readonly options: OAuthFixtureOptions = {}) {
		this.user = options.user ?? { openId: 'ou_test_user', name: 'Ada Lovelace' };
		server
			.route('POST', DEVICE_AUTHORIZATION_ROUTE, (req, res) => this.deviceAuthorization(req, res))
			.route('POST', TOKEN_ROUTE, (req, res) => this.token(req, res))
			.route('GET', USER_INFO_ROUTE, (req, res) => this.userInfo(req, res))
			.route('POST', new RegExp(`^${VERIFY_PATH}$`), (req, res) => this.verify(req, res));
	}

	/** Completes the browser step through the server's own endpoint, as a user would. */
	async decide(userCode: string, decision: 'approve' | 'deny'): Promise<void> {
		const response = await fetch(`${this.server.baseUrl}${VERIFY_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ user_code: userCode, decision }),
		});
		if (!response.ok) {
			throw new Error(`verify answered ${response.status}`);
		}
	}

	/** A signed-in user's tokens without the device flow, for tests that start from a session. */
	grant(): { accessToken: string; refreshToken: string } {
		return this.issueTokens();
	}

	revoke(refreshToken: string): void {
		this.refreshTokens.set(refreshToken, 'revoked');
	}

	expireRefreshToken(refreshToken: string): void {
		this.refreshTokens.set(refreshToken, 'expired');
	}

	expireDevice(deviceCode: string): void {
		const device = this.devices.get(deviceCode);
		if (device !== undefined) {
			device.state = 'expired';
		}
	}

	refreshCalls(): TokenCall[] {
		return this.tokenCalls.filter((call) => call.grantType === 'refresh_token');
	}

	pollCalls(): TokenCall[] {
		return this.tokenCalls.filter((call) => call.grantType !== 'refresh_token');
	}

	private deviceAuthorization(req: http.IncomingMessage, res: http.ServerResponse): void {
		readBody(req, (text) => {
			const form = new URLSearchParams(text);
			const expected = `Basic ${Buffer.from(`${this.server.appId}:${this.server.appSecret}`).toString('base64')}`;
			if (req.headers.authorization !== expected || form.get('client_id') !== this.server.appId) {
				sendJson(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
				return;
			}
			const device: Device = {
				deviceCode: `dc_${randomBytes(12).toString('hex')}`,
				userCode: `${randomBytes(2).toString('hex').toUpperCase()}-${randomBytes(2).toString('hex').toUpperCase()}`,
				scope: form.get('scope') ?? '',
				state: 'pending',
				expiresAt: Date.now() + (this.options.expiresIn ?? 240) * 1000,
			};
			this.devices.set(device.deviceCode, device);
			const verificationUri = `${this.server.baseUrl}/oauth/verify`;
			sendJson(res, 200, {
				device_code: device.deviceCode,
				user_code: device.userCode,
				verification_uri: verificationUri,
				...(this.options.withoutCompleteUri === true ? {} : { verification_uri_complete: `${verificationUri}?user_code=${device.userCode}` }),
				expires_in: this.options.expiresIn ?? 240,
				...(this.options.interval === null ? {} : { interval: this.options.interval ?? 5 }),
			});
		});
	}

	private token(req: http.IncomingMessage, res: http.ServerResponse): void {
		readBody(req, (text) => {
			const form = new URLSearchParams(text);
			const grantType = form.get('grant_type') ?? '';
			const presented = form.get(grantType === 'refresh_token' ? 'refresh_token' : 'device_code') ?? '';
			const call: TokenCall = { grantType, presented, status: 0, basicAuth: req.headers.authorization !== undefined };
			this.tokenCalls.push(call);
			const answer = (status: number, body: Record<string, unknown>): void => {
				call.status = status;
				sendJson(res, status, body);
			};
			if (call.basicAuth) {
				answer(400, { code: 20070, error: 'invalid_request', error_description: 'multiple client authentication methods' });
			} else if (form.get('client_id') !== this.server.appId || form.get('client_secret') !== this.server.appSecret) {
				answer(401, { code: 20002, error: 'invalid_client', error_description: 'client authentication failed' });
			} else if (grantType === 'refresh_token') {
				this.refreshGrant(presented, answer);
			} else if (grantType === 'urn:ietf:params:oauth:grant-type:device_code') {
				this.deviceGrant(presented, answer, res);
			} else {
				answer(400, { error: 'unsupported_grant_type', error_description: grantType });
			}
		});
	}

	private deviceGrant(deviceCode: string, answer: (status: number, body: Record<string, unknown>) => void, res: http.ServerResponse): void {
		const quirk = this.pollQuirks.shift();
		if (quirk === 'gateway_html') {
			res.writeHead(502, { 'content-type': 'text/html' });
			res.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
			return;
		}
		if (quirk === 'server_error') {
			answer(500, { error: 'server_error', error_description: 'try again' });
			return;
		}
		if (quirk !== undefined) {
			answer(400, { error: quirk === 'pending' ? 'authorization_pending' : 'slow_down', error_description: quirk });
			return;
		}
		const device = this.devices.get(deviceCode);
		if (device === undefined || device.state === 'used') {
			answer(400, { error: 'invalid_grant', error_description: 'unknown or used device code' });
			return;
		}
		if (device.state === 'expired' || Date.now() >= device.expiresAt) {
			answer(400, { error: 'expired_token', error_description: 'the device code expired' });
		} else if (device.state === 'denied') {
			answer(400, { error: 'access_denied', error_description: 'the user denied the request' });
		} else if (device.state === 'pending') {
			answer(400, { error: 'authorization_pending', error_description: 'waiting for the user' });
		} else {
			device.state = 'used';
			answer(200, { code: 0, ...this.tokenBody(this.issueTokens()), scope: device.scope });
		}
	}

	private refreshGrant(refreshToken: string, answer: (status: number, body: Record<string, unknown>) => void): void {
		const failure = this.refreshFailures.shift();
		if (failure !== undefined) {
			answer(failure === 20050 ? 500 : 400, { code: failure, error: failure === 20050 ? 'server_error' : 'invalid_grant', error_description: `injected ${failure}` });
			return;
		}
		const state = this.refreshTokens.get(refreshToken);
		const code = state === undefined ? 20026 : state === 'used' ? 20073 : state === 'revoked' ? 20064 : state === 'expired' ? 20037 : 0;
		if (code !== 0) {
			answer(400, { code, error: 'invalid_grant', error_description: `refresh token ${state ?? 'unknown'}` });
			return;
		}
		// Rotation: the presented refresh token is spent; the old access token stays valid until it expires.
		this.refreshTokens.set(refreshToken, 'used');
		answer(200, { code: 0, ...this.tokenBody(this.issueTokens()), scope: 'im:message:readonly offline_access' });
	}

	private userInfo(req: http.IncomingMessage, res: http.ServerResponse): void {
		if (!this.server.isAuthorized(req) || req.headers.authorization?.startsWith('Bearer u-') !== true) {
			sendJson(res, 401, { code: 99991677, msg: 'user access token invalid' });
			return;
		}
		sendJson(res, 200, { code: 0, msg: 'success', data: { open_id: this.user.openId, union_id: 'on_test', name: this.user.name, en_name: this.user.name, avatar_url: '' } });
	}

	private verify(req: http.IncomingMessage, res: http.ServerResponse): void {
		readBody(req, (text) => {
			const { user_code: userCode, decision } = JSON.parse(text) as { user_code?: string; decision?: string };
			const device = [...this.devices.values()].find((d) => d.userCode === userCode);
			if (device === undefined || device.state !== 'pending') {
				sendJson(res, 404, { error: 'unknown or decided user code' });
				return;
			}
			device.state = decision === 'approve' ? 'approved' : 'denied';
			sendJson(res, 200, { ok: true });
		});
	}

	private issueTokens(): { accessToken: string; refreshToken: string } {
		const accessToken = this.server.issueUserToken();
		const refreshToken = this.options.withoutRefreshToken === true ? '' : `ur-${randomBytes(10).toString('hex')}`;
		if (refreshToken !== '') {
			this.refreshTokens.set(refreshToken, 'live');
		}
		this.issued.push(accessToken, ...(refreshToken === '' ? [] : [refreshToken]));
		return { accessToken, refreshToken };
	}

	private tokenBody(tokens: { accessToken: string; refreshToken: string }): Record<string, unknown> {
		return {
			access_token: tokens.accessToken,
			token_type: 'Bearer',
			expires_in: this.options.accessExpiresIn ?? 7200,
			...(tokens.refreshToken === ''
				? {}
				: { refresh_token: tokens.refreshToken, refresh_token_expires_in: this.options.refreshExpiresIn ?? 604_800 }),
		};
	}
}
