import type * as vscode from 'vscode';
import { SecretJsonStore } from './secretJsonStore';

/** What sign-in stores: app credentials and an optional user token, only ever in SecretStorage. */
export interface StoredCredentials {
	appId: string;
	appSecret: string;
	userAccessToken?: string;
}

function isStoredCredentials(value: unknown): value is StoredCredentials {
	const candidate = value as Partial<StoredCredentials> | null;
	return typeof candidate?.appId === 'string' && typeof candidate.appSecret === 'string';
}

/** The app credentials in SecretStorage; fires when this or another window signs in or out. */
export class CredentialStore extends SecretJsonStore<StoredCredentials> {
	constructor(secrets: vscode.SecretStorage) {
		super(secrets, 'larkDownloader.credentials', isStoredCredentials);
	}
}
