import * as assert from 'node:assert/strict';
import { LarkTestServer } from '../../../support/larkServer';
import { installVscodeFake, window, workspace } from '../../../support/vscodeFake';

describe('Sign In: the App ID and Secret are checked as soon as they are typed', () => {
	let fake: ReturnType<typeof installVscodeFake>;
	let signIn: typeof import('../../../../src/extension/commands/signIn').signIn;
	let server: LarkTestServer;
	const stored: unknown[] = [];
	const logged: string[] = [];
	const context = () => ({
		settings: { baseUrl: () => server.baseUrl, brand: () => 'feishu' },
		credentials: { store: (value: unknown) => Promise.resolve(void stored.push(value)) },
		logger: { info: (_a: string, text: string) => logged.push(text), warn: (_a: string, text: string) => logged.push(text) },
	}) as never;

	before(async () => {
		fake = installVscodeFake();
		({ signIn } = await import('../../../../src/extension/commands/signIn'));
		server = await new LarkTestServer().start();
	});
	beforeEach(() => {
		fake.reset();
		stored.length = 0;
		logged.length = 0;
	});
	after(async () => {
		await server.stop();
		fake.uninstall();
	});

	it('a wrong secret is said right after it is typed, in the user\'s words, with Try Again re-opening the inputs', async () => {
		const errors: { message: string; items: string[] }[] = [];
		const original = window.showErrorMessage;
		window.showErrorMessage = (message: string, ...items: string[]) => {
			errors.push({ message, items });
			return Promise.resolve('Try Again');
		};
		try {
			window.inputAnswers = [server.appId, 'wrong-secret', server.appId, server.appSecret, ''];
			await signIn(context(), { brand: 'feishu' });
		} finally {
			window.showErrorMessage = original;
		}
		assert.deepEqual(errors, [{ message: 'Lark did not accept this App ID and App Secret. Copy both again from the app\'s Credentials page in the Lark developer console.', items: ['Try Again'] }]);
		assert.doesNotMatch(errors[0]?.message ?? '', /LARK_|--[a-z]|lark-dl/);
		// App ID, wrong secret — checked before the user token is asked — App ID again (pre-filled), secret, user token
		assert.deepEqual(window.inputs.map((input) => [input.prompt?.split(' ')[0], input.value]), [['App', undefined], ['App', undefined], ['App', server.appId], ['App', undefined], ['Optional:', undefined]]);
		assert.deepEqual(stored, [{ appId: server.appId, appSecret: server.appSecret }]);
		assert.equal(workspace.settings['larkDownloader.brand'], 'feishu');
		assert.deepEqual(window.infos.map((info) => info.message), ['Signed in to Feishu.']);
	});

	it('dismissing the wrong-secret message stops the sign-in without storing anything', async () => {
		window.inputAnswers = [server.appId, 'wrong-secret'];
		await assert.rejects(signIn(context(), { brand: 'feishu' }), (error: Error) => error.constructor.name === 'CancellationError');
		assert.equal(window.errors.length, 1);
		assert.deepEqual(stored, []);
		assert.equal(window.inputs.length, 2, 'no user token asked for');
	});
});
