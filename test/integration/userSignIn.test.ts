// "Sign in with Lark": the device flow through the extension's AuthenticationProvider, against the
// loopback server, with the browser step completed through the server's own approve endpoint.
import * as assert from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { LarkDownloaderApi } from '../../src/extension/api';
import type { ChatNode } from '../../src/extension/views/nodes/treeNode';
import { bytes } from '../support/fixtures';
import { installImFixtures } from '../support/imFixtures';
import { LarkTestServer } from '../support/larkServer';
import { OAuthFixture } from '../support/oauthFixtures';
import { api, waitFor } from './support';

describe('Sign in with Lark (AuthenticationProvider)', function () {
	this.timeout(60000);
	let server: LarkTestServer;
	let oauth: OAuthFixture;
	let lark: LarkDownloaderApi;
	const config = () => vscode.workspace.getConfiguration('larkDownloader');
	const errors: string[] = [];

	before(async () => {
		server = await new LarkTestServer().start();
		installImFixtures(server);
		oauth = new OAuthFixture(server, { interval: 1 });
		lark = await api();
		lark.onDidShowError((text) => errors.push(text));
		await config().update('baseUrl', server.baseUrl, vscode.ConfigurationTarget.Global);
		await config().update('accountsUrl', server.baseUrl, vscode.ConfigurationTarget.Global);
		await vscode.commands.executeCommand('larkDownloader.signIn', { brand: 'feishu', appId: server.appId, appSecret: server.appSecret });
	});

	after(async () => {
		await vscode.commands.executeCommand('larkDownloader.signOut');
		await config().update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
		await config().update('accountsUrl', undefined, vscode.ConfigurationTarget.Global);
		await server.stop();
	});

	it('signs in through the device flow and shows the account in vscode.authentication', async () => {
		assert.deepStrictEqual(await vscode.authentication.getAccounts('lark'), []);
		const signingIn = vscode.commands.executeCommand('larkDownloader.signInWithLark');
		const device = await waitFor('the device authorization request', () => {
			if (errors.length > 0) {
				throw new Error(`sign-in failed: ${errors.join(' | ')}`);
			}
			return [...oauth.devices.values()][0];
		});
		await oauth.decide(device.userCode, 'approve');
		await signingIn;
		assert.deepStrictEqual(errors, []);
		const accounts = await waitFor('the account in vscode.authentication', async () => {
			const found = await vscode.authentication.getAccounts('lark');
			return found.length > 0 ? found : undefined;
		});
		assert.deepStrictEqual(accounts.map((a) => ({ id: a.id, label: a.label })), [{ id: oauth.user.openId, label: oauth.user.name }]);
		assert.ok(device.scope.includes('im:message:readonly') && device.scope.includes('offline_access'), device.scope);
	});

	it('lists and downloads as the user once signed in', async () => {
		await vscode.commands.executeCommand('larkDownloader.refresh');
		const chats = ((await lark.tree.getChildren()) ?? []).filter((n): n is ChatNode => n.kind === 'chat');
		assert.ok(chats.length > 0);
		const chatRequest = server.requests.filter((r) => r.path === '/open-apis/im/v1/chats').at(-1);
		const userToken = String(chatRequest?.headers.authorization).replace(/^Bearer /, '');
		assert.ok(oauth.issued.includes(userToken), 'chats were listed with the signed-in user\'s token');
		assert.match(chatRequest?.query.types ?? '', /p2p/, 'a user may list p2p chats');
		const resource = server.addResource({ messageId: 'om_user', fileKey: 'file_v3_user', type: 'file', data: bytes(200_000), contentType: 'text/plain' });
		const saved = await vscode.commands.executeCommand<string>('larkDownloader.downloadResource', { messageId: 'om_user', fileKey: 'file_v3_user', type: 'file' });
		assert.ok(saved);
		assert.strictEqual(createHash('sha256').update(fs.readFileSync(saved)).digest('hex'), createHash('sha256').update(resource.data).digest('hex'));
		for (const request of server.resourceRequests('file_v3_user')) {
			assert.strictEqual(request.headers.authorization, `Bearer ${userToken}`);
		}
	});

	it('Sign Out removes the account session', async () => {
		await vscode.commands.executeCommand('larkDownloader.signOut');
		await waitFor('the account to disappear', async () => ((await vscode.authentication.getAccounts('lark')).length === 0 ? true : undefined));
		assert.strictEqual(await lark.isSignedIn(), false);
	});
});
