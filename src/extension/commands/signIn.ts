import * as vscode from 'vscode';
import { selectTokenProvider, type Brand } from '../../core/auth/credentials';
import { toLarkError, type LarkError } from '../../core/errors';
import { HttpClient } from '../../core/http/httpClient';
import { USER_AGENT } from '../../core/version';
import { CONFIG_SECTION } from '../constants';
import { adviseOn } from '../platform/errorAdvice';
import { signedInNow } from '../platform/errorHandling';
import type { CommandContext } from './commandContext';
import type { SignInArgs } from './commandIds';

/**
 * Asks for brand, App ID and App Secret and checks them at once (a tenant token request) — a wrong secret is
 * said right away, with Try Again re-opening the inputs — then an optional user token; keeps them in SecretStorage.
 */
export async function signIn(context: CommandContext, args: SignInArgs = {}): Promise<void> {
	const brand = args.brand ?? (await pickBrand(context));
	const { appId, appSecret } = args.appId !== undefined && args.appSecret !== undefined
		? await checked(context, brand, args.appId.trim(), args.appSecret.trim())
		: await askCredentials(context, brand, args);
	const userAccessToken = args.userAccessToken ?? (args.appId === undefined ? await ask(vscode.l10n.t('Optional: a user access token (u-…) to browse your own chats. Leave empty to use the bot.'), true, () => undefined) : undefined);
	await vscode.workspace.getConfiguration(CONFIG_SECTION).update('brand', brand, vscode.ConfigurationTarget.Global);
	await context.credentials.store({ appId, appSecret, ...(userAccessToken?.trim() ? { userAccessToken: userAccessToken.trim() } : {}) });
	context.logger.info('auth', `Signed in with app ${appId} (${brand})${userAccessToken?.trim() ? ' and a user token' : ''}`);
	await signedInNow();
	void vscode.window.showInformationMessage(brand === 'lark' ? vscode.l10n.t('Signed in to Lark.') : vscode.l10n.t('Signed in to Feishu.'));
}

/** App ID and Secret typed by the user, checked as soon as both are there; Try Again asks again (the App ID kept). */
async function askCredentials(context: CommandContext, brand: Brand, args: SignInArgs): Promise<{ appId: string; appSecret: string }> {
	let appId = args.appId;
	for (;;) {
		appId = (await ask(vscode.l10n.t('App ID of your Lark/Feishu app (cli_…)'), false, (v) => (v.trim() === '' ? vscode.l10n.t('Enter the App ID.') : undefined), appId)).trim();
		const appSecret = (args.appSecret ?? (await ask(vscode.l10n.t('App Secret (stored in VS Code\'s secret storage, never in settings)'), true, (v) => (v.trim() === '' ? vscode.l10n.t('Enter the App Secret.') : undefined)))).trim();
		let failure: LarkError;
		try {
			return await checked(context, brand, appId, appSecret);
		} catch (error) {
			failure = toLarkError(error);
			if (failure.type === 'cancelled' || error instanceof vscode.CancellationError) {
				throw error;
			}
		}
		context.logger.warn('auth', `The app credentials of ${appId} were refused: ${failure.type}${failure.reason === undefined ? '' : ` (${failure.reason})`}: ${failure.message}`);
		const tryAgain = vscode.l10n.t('Try Again');
		const choice = await vscode.window.showErrorMessage(credentialProblem(failure), tryAgain);
		if (choice !== tryAgain) {
			throw new vscode.CancellationError();
		}
		args = { ...args, appSecret: undefined };
	}
}

/** What a refused App ID / Secret means, in the user's words (never an environment variable or CLI flag). */
function credentialProblem(failure: LarkError): string {
	if (failure.reason === 'wrong-app-credentials' || (failure.reason === undefined && failure.type === 'auth')) {
		return vscode.l10n.t('Lark did not accept this App ID and App Secret. Copy both again from the app\'s Credentials page in the Lark developer console.');
	}
	return adviseOn(failure).text;
}

/** A tenant token request proves the App ID and Secret before anything is stored. */
async function checked(context: CommandContext, brand: Brand, appId: string, appSecret: string): Promise<{ appId: string; appSecret: string }> {
	await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the App ID and App Secret…') }, async () => {
		const http = new HttpClient();
		try {
			const tokens = selectTokenProvider('bot', { brand, baseUrl: context.settings.baseUrl(), appId, appSecret }, http, USER_AGENT);
			await tokens.getToken();
		} finally {
			await http.close();
		}
	});
	return { appId, appSecret };
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

async function ask(prompt: string, password: boolean, validateInput: (value: string) => string | undefined, value?: string): Promise<string> {
	const answer = await vscode.window.showInputBox({ title: vscode.l10n.t('Lark: Sign In'), prompt, password, ignoreFocusOut: true, validateInput, ...(value === undefined ? {} : { value }) });
	if (answer === undefined) {
		throw new vscode.CancellationError();
	}
	return answer;
}
