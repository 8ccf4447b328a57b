import * as vscode from 'vscode';
import { openLarkSession } from '../../core/app/openSession';
import type { Credentials } from '../../core/auth/credentials';
import { DownloadEngine } from '../../core/download/downloadEngine';
import type { ApiSession } from '../../core/http/apiSession';
import type { HttpClient } from '../../core/http/httpClient';
import { RequestBudget } from '../../core/http/requestBudget';
import { SenderNames } from '../../core/lark/senderNames';
import { LarkClient } from '../../core/lark/larkClient';
import { displayName, type LarkAuthenticationProvider } from '../auth/larkAuthenticationProvider';
import type { UserSessionStore } from '../auth/userSessionStore';
import { UserTokenProvider } from '../../core/auth/userTokenProvider';
import type { Logger } from '../platform/logger';
import type { CredentialStore } from '../storage/credentialStore';
import type { Settings } from '../storage/settings';
import { registerSecret } from '../../core/secrets/secretRegistry';
import { LocalizedError } from '../platform/errorAdvice';

export interface Connection {
	session: ApiSession;
	engine: DownloadEngine;
	client: LarkClient;
	/** Senders' names for this session (asked of the contact API once per id). */
	senderNames: SenderNames;
	/** "bot", or the signed-in user's name: shown on the tree. */
	identityLabel: string;
}

/**
 * Builds the core services from the stored credentials and the user's settings, once, and again
 * after sign-in/out or a settings change. One HTTP pool and one request budget serve the tree, the
 * palette and bulk downloads alike.
 */
export class LarkConnection implements vscode.Disposable {
	private readonly budget = new RequestBudget();
	private current: Promise<Connection | undefined> | undefined;
	private readonly _onDidChange = new vscode.EventEmitter<void>();
	readonly onDidChange = this._onDidChange.event;
	private readonly subscriptions: vscode.Disposable[];

	constructor(
		private readonly credentials: CredentialStore,
		private readonly sessions: UserSessionStore,
		private readonly auth: LarkAuthenticationProvider,
		private readonly settings: Settings,
		private readonly http: HttpClient,
		private readonly logger: Logger,
	) {
		this.subscriptions = [
			credentials.onDidChange(() => this.reset()),
			sessions.onDidChange(() => this.reset()),
			settings.onDidChange(() => this.reset()),
		];
	}

	/** The connection, or undefined when signed out. */
	get(): Promise<Connection | undefined> {
		this.current ??= this.build();
		return this.current;
	}

	/** The connection, or an auth error that tells the user to sign in. */
	async require(): Promise<Connection> {
		const connection = await this.get();
		if (connection === undefined) {
			throw new LocalizedError('auth', vscode.l10n.t('Sign in to Lark first.'), { reason: 'not-signed-in' });
		}
		return connection;
	}

	reset(): void {
		this.current = undefined;
		this._onDidChange.fire();
	}

	dispose(): void {
		for (const subscription of this.subscriptions) {
			subscription.dispose();
		}
		this._onDidChange.dispose();
		void this.http.close();
	}

	private async build(): Promise<Connection | undefined> {
		const stored = await this.credentials.get();
		if (stored === undefined) {
			return undefined;
		}
		const user = await this.sessions.get();
		for (const secret of [stored.appSecret, stored.userAccessToken, user?.accessToken, user?.refreshToken]) {
			registerSecret(secret);
		}
		const credentials: Credentials = {
			brand: this.settings.brand(),
			baseUrl: this.settings.baseUrl(),
			appId: stored.appId,
			appSecret: stored.appSecret,
			userAccessToken: stored.userAccessToken,
		};
		const choice = this.settings.identity();
		// The signed-in account (refreshed before expiry, rotation saved to SecretStorage) wins over a pasted token.
		const signedInUser = user === undefined || choice === 'bot' ? undefined : new UserTokenProvider(await this.auth.oauthClient(), user, {
			store: this.sessions,
			onStoreError: (error) => this.logger.warn('auth', `Could not save refreshed tokens: ${error.message}`),
		});
		const session = openLarkSession({ credentials, choice, http: this.http, budget: this.budget, ...(signedInUser === undefined ? {} : { signedInUser }) });
		const identityLabel = session.identity === 'bot' ? vscode.l10n.t('bot') : signedInUser !== undefined && user !== undefined ? displayName(user) : vscode.l10n.t('user token');
		this.logger.info('connection', `Using ${session.baseUrl} as ${identityLabel}`);
		return { session, engine: new DownloadEngine(session), client: new LarkClient(session), senderNames: new SenderNames(session), identityLabel };
	}
}
