import * as vscode from 'vscode';
import { completeDeviceSignIn, DEFAULT_SCOPES, startDeviceAuthorization } from '../../core/auth/deviceFlow';
import { OAuthClient } from '../../core/auth/oauthClient';
import { oauthAppOf } from '../../core/auth/oauthEndpoints';
import type { UserTokenSet } from '../../core/auth/userTokens';
import type { HttpClient } from '../../core/http/httpClient';
import { USER_AGENT } from '../../core/version';
import { abortSignalFrom } from '../platform/cancellation';
import type { Logger } from '../platform/logger';
import type { CredentialStore } from '../storage/credentialStore';
import type { Settings } from '../storage/settings';
import type { UserSessionStore } from './userSessionStore';
import { LocalizedError } from '../platform/errorAdvice';

export const LARK_AUTH_PROVIDER_ID = 'lark';

/**
 * "Sign in with Lark": the OAuth device flow behind VS Code's Accounts menu. The verification page
 * opens in the browser, the user code is shown (with a copy button) while we poll under a cancellable
 * progress; tokens live in SecretStorage and are refreshed by the connection's UserTokenProvider.
 */
export class LarkAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
	private readonly _onDidChangeSessions = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
	readonly onDidChangeSessions = this._onDidChangeSessions.event;
	private lastSession: vscode.AuthenticationSession | undefined;
	private readonly listener: vscode.Disposable;

	constructor(
		private readonly sessions: UserSessionStore,
		private readonly credentials: CredentialStore,
		private readonly settings: Settings,
		private readonly http: HttpClient,
		private readonly logger: Logger,
	) {
		// Refreshes and other windows change the stored session: tell VS Code what changed.
		this.listener = sessions.onDidChange(() => void this.announceChange());
		void sessions.get().then((tokens) => {
			this.lastSession ??= tokens === undefined ? undefined : toSession(tokens);
		});
	}

	async getSessions(): Promise<vscode.AuthenticationSession[]> {
		const tokens = await this.sessions.get();
		return tokens === undefined ? [] : [toSession(tokens)];
	}

	async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
		const client = await this.oauthClient();
		const wanted = [...new Set([...DEFAULT_SCOPES, ...scopes])];
		const tokens = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Sign in with Lark'), cancellable: true }, async (progress, token) => {
			const abort = abortSignalFrom(token);
			try {
				const device = await startDeviceAuthorization(client, wanted, { signal: abort.signal });
				this.logger.info('auth', `Device sign-in started; waiting for approval at ${device.verificationUri}`);
				progress.report({ message: vscode.l10n.t('Enter the code {0} on the page that opened, then approve.', device.userCode) });
				void this.showCode(device.userCode, device.verificationUriComplete);
				void vscode.env.openExternal(vscode.Uri.parse(device.verificationUriComplete));
				return await completeDeviceSignIn(client, device.deviceCode, { expiresAt: device.expiresAt, intervalSeconds: device.intervalSeconds, signal: abort.signal });
			} finally {
				abort.dispose();
			}
		});
		await this.sessions.save(tokens);
		this.logger.info('auth', `Signed in as ${displayName(tokens)}`);
		return toSession(tokens);
	}

	async removeSession(): Promise<void> {
		await this.sessions.clear();
		this.logger.info('auth', 'Signed out of the Lark account');
	}

	/** An OAuth client for the app the user signed in with (device sign-in goes through the app). */
	async oauthClient(): Promise<OAuthClient> {
		const app = await this.credentials.get();
		if (app === undefined) {
			throw new LocalizedError('auth', vscode.l10n.t('Sign in with your app first (Lark: Sign In): signing in as yourself goes through the app.'), { reason: 'missing-credentials' });
		}
		const oauthApp = oauthAppOf({ brand: this.settings.brand(), baseUrl: this.settings.baseUrl(), accountsUrl: this.settings.accountsUrl(), appId: app.appId, appSecret: app.appSecret });
		return new OAuthClient(this.http, oauthApp, USER_AGENT);
	}

	dispose(): void {
		this.listener.dispose();
		this._onDidChangeSessions.dispose();
	}

	private async showCode(userCode: string, url: string): Promise<void> {
		const copy = vscode.l10n.t('Copy Code');
		const open = vscode.l10n.t('Open Page');
		const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Lark sign-in code: {0}', userCode), { detail: url }, copy, open);
		if (choice === copy) {
			await vscode.env.clipboard.writeText(userCode);
		} else if (choice === open) {
			await vscode.env.openExternal(vscode.Uri.parse(url));
		}
	}

	private async announceChange(): Promise<void> {
		const tokens = await this.sessions.get();
		const session = tokens === undefined ? undefined : toSession(tokens);
		const previous = this.lastSession;
		this.lastSession = session;
		if (session !== undefined && previous === undefined) {
			this._onDidChangeSessions.fire({ added: [session], removed: [], changed: [] });
		} else if (session === undefined && previous !== undefined) {
			this._onDidChangeSessions.fire({ added: [], removed: [previous], changed: [] });
		} else if (session !== undefined) {
			this._onDidChangeSessions.fire({ added: [], removed: [], changed: [session] });
		}
	}
}

function toSession(tokens: UserTokenSet): vscode.AuthenticationSession {
	return {
		id: tokens.openId,
		accessToken: tokens.accessToken,
		account: { id: tokens.openId, label: displayName(tokens) },
		scopes: tokens.scope.split(/\s+/).filter((s) => s !== ''),
	};
}

export function displayName(tokens: Pick<UserTokenSet, 'name' | 'openId'>): string {
	return tokens.name.trim() !== '' ? tokens.name : tokens.openId;
}
