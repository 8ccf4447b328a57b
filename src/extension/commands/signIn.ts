import * as vscode from 'vscode';
import { selectTokenProvider, type Brand } from '../../core/auth/credentials';
import { HttpClient } from '../../core/http/httpClient';
import { USER_AGENT } from '../../core/version';
import { CONFIG_SECTION } from '../constants';
import type { CommandContext } from './commandContext';
import type { SignInArgs } from './commandIds';

/** Asks for brand, App ID, App Secret and an optional user token; checks them; keeps them in SecretStorage. */
export async function signIn(context: CommandContext, args: SignInArgs = {}): Promise<void> {
	const brand = args.brand ?? (await pickBrand(context));
	const appId = args.appId ?? (await ask(vscode.l10n.t('App ID of your Lark/Feishu app (cli_…)'), false, (v) => (v.trim() === '' ? vscode.l10n.t('Enter the App ID.') : undefined)));
	const appSecret = args.appSecret ?? (await ask(vscode.l10n.t('App Secret (stored in VS Code\'s secret storage, never in settings)'), true, (v) => (v.trim() === '' ? vscode.l10n.t('Enter the App Secret.') : undefined)));
	const userAccessToken = args.userAccessToken ?? (args.appId === undefined ? await ask(vscode.l10n.t('Optional: a user access token (u-…) to browse your own chats. Leave empty to use the bot.'), true, () => undefined) : undefined);
	await vscode.workspace.getConfiguration(CONFIG_SECTION).update('brand', brand, vscode.ConfigurationTarget.Global);
	await verifyAppCredentials(context, brand, appId.trim(), appSecret.trim());
	await context.credentials.store({ appId: appId.trim(), appSecret: appSecret.trim(), ...(userAccessToken?.trim() ? { userAccessToken: userAccessToken.trim() } : {}) });
	context.logger.info('auth', `Signed in with app ${appId.trim()} (${brand})${userAccessToken?.trim() ? ' and a user token' : ''}`);
	void vscode.window.showInformationMessage(brand === 'lark' ? vscode.l10n.t('Signed in to Lark.') : vscode.l10n.t('Signed in to Feishu.'));
}

/** A tenant token request proves the App ID and Secret before anything is stored. */
async function verifyAppCredentials(context: CommandContext, brand: Brand, appId: string, appSecret: string): Promise<void> {
	const http = new HttpClient();
	try {
		const tokens = selectTokenProvider('bot', { brand, baseUrl: context.settings.baseUrl(), appId, appSecret }, http, USER_AGENT);
		await tokens.getToken();
	} finally {
		await http.close();
	}
}

async function pickBrand(context: CommandContext): Promise<Brand> {
	const items: (vscode.QuickPickItem & { brand: Brand })[] = [
		{ label: 'Feishu', description: 'open.feishu.cn', brand: 'feishu' },
		{ label: 'Lark', description: 'open.larksuite.com', brand: 'lark' },
	];
	const current = context.settings.brand();
	const picked = await vscode.window.showQuickPick(items.sort((a) => (a.brand === current ? -1 : 1)), { title: vscode.l10n.t('Lark: Sign In'), placeHolder: vscode.l10n.t('Where does your app live?') });
	if (picked === undefined) {
		throw new vscode.CancellationError();
	}
	return picked.brand;
}

async function ask(prompt: string, password: boolean, validateInput: (value: string) => string | undefined): Promise<string> {
	const value = await vscode.window.showInputBox({ title: vscode.l10n.t('Lark: Sign In'), prompt, password, ignoreFocusOut: true, validateInput });
	if (value === undefined) {
		throw new vscode.CancellationError();
	}
	return value;
}
