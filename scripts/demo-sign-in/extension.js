// A helper extension that only `npm run demo` installs (into its own code-server, next to Lark Downloader):
// it signs Lark Downloader in with the credentials the demo put into code-server's environment
// (LARK_DEMO_APP_ID, LARK_DEMO_APP_SECRET, optional LARK_DEMO_USER_ACCESS_TOKEN, LARK_DEMO_BRAND).
//
// It goes through the extension's own non-interactive sign-in (`larkDownloader.signIn` with arguments, the
// same path the integration tests use), so the secret is checked with a token request and kept in
// SecretStorage like a typed one. Lark Downloader itself never reads credentials from the environment.
'use strict';
const vscode = require('vscode');

const LARK = 'lark-downloader.lark-downloader';

async function activate(context) {
	const env = process.env;
	const appId = env.LARK_DEMO_APP_ID?.trim();
	const appSecret = env.LARK_DEMO_APP_SECRET?.trim();
	if (!appId || !appSecret) {
		return;
	}
	const userAccessToken = env.LARK_DEMO_USER_ACCESS_TOKEN?.trim() || undefined;
	const brand = env.LARK_DEMO_BRAND === 'lark' ? 'lark' : 'feishu';
	const lark = vscode.extensions.getExtension(LARK);
	if (lark === undefined) {
		void vscode.window.showErrorMessage(`The demo sign-in helper needs ${LARK}, which is not installed.`);
		return;
	}
	const api = await lark.activate();
	// Secrets live in the browser: a browser that signed in before (to this same tenant) is left alone.
	const tenant = JSON.stringify([appId, brand, env.LARK_DEMO_BASE_URL ?? '', userAccessToken === undefined ? 'bot' : 'user']);
	if ((await api.isSignedIn()) && context.globalState.get('signedInTo') === tenant) {
		return;
	}
	await vscode.commands.executeCommand('larkDownloader.signIn', { brand, appId, appSecret, ...(userAccessToken === undefined ? {} : { userAccessToken }) });
	if (await api.isSignedIn()) {
		await context.globalState.update('signedInTo', tenant);
	}
}

function deactivate() {}

module.exports = { activate, deactivate };
