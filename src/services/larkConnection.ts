import * as vscode from 'vscode';
import { baseUrlOf, selectTokenProvider, type Credentials } from '../core/auth/credentials';
import { DownloadEngine } from '../core/download/downloadEngine';
import { LarkError } from '../core/errors';
import { ApiSession } from '../core/http/apiSession';
import { HttpClient } from '../core/http/httpClient';
import { RequestBudget } from '../core/http/requestBudget';
import { LarkClient } from '../core/lark/larkClient';
import { USER_AGENT } from '../core/version';
import type { Logger } from '../platform/logger';
import type { CredentialStore } from '../storage/credentialStore';
import type { Settings } from '../storage/settings';

export interface Connection {
	session: ApiSession;
	engine: DownloadEngine;
	client: LarkClient;
}

/**
 * Builds the core services from the stored credentials and the user's settings, once, and again
 * after sign-in/out or a settings change. One HTTP pool and one request budget serve the tree, the
 * palette and bulk downloads alike.
 */
export class LarkConnection implements vscode.Disposable {
	private readonly http = new HttpClient();
	private readonly budget = new RequestBudget();
	private current: Promise<Connection | undefined> | undefined;
	private readonly _onDidChange = new vscode.EventEmitter<void>();
	readonly onDidChange = this._onDidChange.event;
	private readonly subscriptions: vscode.Disposable[];

	constructor(private readonly credentials: CredentialStore, private readonly settings: Settings, private readonly logger: Logger) {
		this.subscriptions = [
			credentials.onDidChange(() => this.reset()),
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
			throw new LarkError('auth', vscode.l10n.t('Not signed in.'), { hint: vscode.l10n.t('Run "Lark: Sign In" first.') });
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
			this.logger.setSecrets([]);
			return undefined;
		}
		this.logger.setSecrets([stored.appSecret, stored.userAccessToken ?? '']);
		const credentials: Credentials = {
			brand: this.settings.brand(),
			baseUrl: this.settings.baseUrl(),
			appId: stored.appId,
			appSecret: stored.appSecret,
			userAccessToken: stored.userAccessToken,
		};
		const tokens = selectTokenProvider(this.settings.identity(), credentials, this.http, USER_AGENT);
		const session = new ApiSession(this.http, baseUrlOf(credentials), tokens, USER_AGENT, this.budget);
		this.logger.info('connection', `Using ${session.baseUrl} as ${session.identity}`);
		return { session, engine: new DownloadEngine(session), client: new LarkClient(session) };
	}
}
