import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LarkError, localFileError, type ErrorReason, type ErrorType } from '../../../../src/core/errors';
import { errorFromResponse } from '../../../../src/core/http/errorResponse';
import { parseTimeArg } from '../../../../src/core/lark/timeParse';
import { commands, installVscodeFake, l10n, window } from '../../../support/vscodeFake';
import { Readable } from 'node:stream';

const root = path.resolve(__dirname, '../../../../..');
const chinese = JSON.parse(fs.readFileSync(path.join(root, 'l10n/bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;

// A Record over the union: adding a reason to core without its words here fails to compile.
const EVERY_REASON: Record<ErrorReason, true> = {
	'missing-credentials': true, 'not-signed-in': true, 'sign-in-again': true, 'wrong-app-credentials': true, 'token-rejected': true,
	'app-unavailable': true, 'not-in-chat': true, 'p2p-needs-user': true, 'no-access': true, 'scope-missing': true, 'scope-not-granted': true,
	'not-found': true, 'message-deleted': true, 'key-not-in-message': true, 'card-resource': true, 'too-large-for-one-request': true,
	'bad-parameter': true, 'rate-limited': true, 'server-unavailable': true, 'bad-message-id': true, 'bad-file-key': true,
	'bad-resource-type': true, 'bad-time': true, 'bad-time-range': true, 'bad-output-path': true, 'bad-name-template': true,
	'file-exists': true, 'path-outside-folder': true, 'name-too-long': true, 'folder-missing': true, 'no-free-name': true, 'busy': true,
	'disk-full': true, 'read-only-folder': true, 'no-write-permission': true, 'path-blocked': true, 'too-many-open-files': true,
	'disk-error': true, 'manifest-unreadable': true, 'manifest-busy': true, 'export-not-ours': true,
};
const EVERY_TYPE: readonly ErrorType[] = ['validation', 'auth', 'permission', 'scope', 'not_found', 'rate_limit', 'network', 'protocol', 'io', 'api'];

/** What a Chinese UI shows: every message looked up in the zh-cn bundle, placeholders filled. */
function inChinese(message: string, ...args: unknown[]): string {
	const translated = chinese[message] ?? `UNTRANSLATED(${message})`;
	return translated.replace(/\{(\d+)\}/g, (match, index: string) => (args[Number(index)] === undefined ? match : String(args[Number(index)])));
}

function jsonResponse(status: number, body: unknown): Parameters<typeof errorFromResponse>[0] {
	return { status, url: 'https://open.feishu.cn/open-apis/im/v1/messages/om_1/resources/file_1', headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from(JSON.stringify(body))]) };
}

describe('error advice (what the extension tells a person about a failure)', () => {
	let fake: ReturnType<typeof installVscodeFake>;
	let errorAdvice: typeof import('../../../../src/extension/platform/errorAdvice');
	let errorHandling: typeof import('../../../../src/extension/platform/errorHandling');
	const english = l10n.t;
	const logged: string[] = [];
	const logger = { info: (_area: string, text: string) => logged.push(text), error: (_area: string, text: string) => logged.push(text), show: () => logged.push('<shown>') };

	before(async () => {
		fake = installVscodeFake();
		errorAdvice = await import('../../../../src/extension/platform/errorAdvice');
		errorHandling = await import('../../../../src/extension/platform/errorHandling');
	});
	beforeEach(() => {
		fake.reset();
		l10n.t = english;
		logged.length = 0;
	});
	after(() => {
		l10n.t = english;
		fake.uninstall();
	});

	it('every reason and every type reads fully in Chinese, without a CLI flag or an environment variable', () => {
		l10n.t = inChinese;
		const failures = [
			...Object.keys(EVERY_REASON).map((reason) => new LarkError('api', 'neutral English', { reason: reason as ErrorReason, params: { path: 'a.pdf', value: 'yesterday', problem: 'format', scopes: 'im:message:readonly', name: 'a.pdf', template: '{x}' } })),
			...EVERY_TYPE.map((type) => new LarkError(type, 'neutral English', type === 'validation' ? { reason: 'bad-time-range' } : {})),
		];
		for (const failure of failures) {
			const advice = errorAdvice.adviseOn(failure);
			assert.doesNotMatch(advice.text, /UNTRANSLATED|neutral English/, `${failure.reason ?? failure.type}: ${advice.text}`);
			assert.doesNotMatch(advice.text, /--[a-z]|LARK_[A-Z]|lark-dl/, `${failure.reason ?? failure.type}: ${advice.text}`);
			assert.match(advice.text, /[\u4e00-\u9fff]/, `${failure.reason ?? failure.type} has Chinese text: ${advice.text}`);
			if (advice.action !== undefined) {
				assert.doesNotMatch(advice.action.title, /UNTRANSLATED/);
			}
		}
	});

	it('a real Lark permission answer: the cause in the user\'s words and the Lark code, no English server text', async () => {
		l10n.t = inChinese;
		const failure = await errorFromResponse(jsonResponse(400, { code: 234002, msg: 'No access, message or file has been deleted' }));
		const advice = errorAdvice.adviseOn(failure);
		assert.equal(advice.text, '你无权访问 Lark 中的此会话或文件，或它已被删除。请在 Lark 中申请访问权限。 （Lark 错误码 234002）');
		assert.equal(advice.worthRetrying, false);
	});

	it('a missing scope names the scopes Lark listed and offers to sign in', async () => {
		const failure = await errorFromResponse(jsonResponse(400, { code: 99991672, msg: 'Access denied', error: { permission_violations: [{ subject: 'im:resource' }] } }));
		const advice = errorAdvice.adviseOn(failure);
		assert.match(advice.text, /\(im:resource\)/);
		assert.equal(advice.action?.command, 'larkDownloader.signIn');
	});

	it('a full disk is a local problem: it says so and may be tried again; the errno stays a parameter', () => {
		const failure = localFileError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path: '/w/lark-downloads/a.bin.part' }));
		assert.ok(failure !== undefined);
		assert.equal(failure.reason, 'disk-full');
		assert.deepEqual(failure.params, { errno: 'ENOSPC', path: '/w/lark-downloads/a.bin.part' });
		assert.equal(errorAdvice.adviseOn(failure).worthRetrying, true);
	});

	it('a typed date the parser refuses is explained with the value the user typed', () => {
		l10n.t = inChinese;
		const texts = ['yesterday', '1717171717171', '2024-02-30', '2024-05-06+08:00'].map((value) => {
			try {
				parseTimeArg(value, 'start');
				return 'accepted';
			} catch (error) {
				return errorAdvice.adviseOn(error as LarkError).text;
			}
		});
		assert.deepEqual(texts, [
			'“yesterday”不是日期。请使用 YYYY-MM-DD，可加时间（HH:MM）。',
			'“1717171717171”看起来是毫秒：请输入 Unix 秒数或日期（YYYY-MM-DD）。',
			'“2024-02-30”不是有效的日历日期。',
			'“2024-05-06+08:00”：指定时区时需要同时给出时间。',
		]);
	});

	it('the extension\'s own words are shown as they are, with the action their reason calls for', () => {
		const failure = new errorAdvice.LocalizedError('auth', 'Nicht angemeldet.', { reason: 'not-signed-in', hint: 'Zuerst anmelden.' });
		const advice = errorAdvice.adviseOn(failure);
		assert.equal(advice.text, 'Nicht angemeldet. Zuerst anmelden.');
		assert.equal(advice.action?.command, 'larkDownloader.signIn');
	});

	it('the funnel offers Sign In first and runs it when chosen; the full error goes to the log', async () => {
		window.errorChoice = 'Sign In';
		errorHandling.reportCommandError(new LarkError('auth', 'No credentials: the bot identity needs the app ID and app secret.', { reason: 'missing-credentials' }), 'larkDownloader.downloadChat', { logger: logger as never });
		await new Promise((resolve) => setImmediate(resolve));
		assert.deepEqual(window.errors, [{ message: 'Sign in to Lark first.', items: ['Sign In', 'Show Log'] }]);
		assert.deepEqual(commands.executed, [{ command: 'larkDownloader.signIn', args: [] }]);
		assert.match(logged.join('\n'), /downloadChat failed: auth \(missing-credentials\): No credentials/);
	});

	it('Try Again runs the same command with the same arguments, only where trying again can help', async () => {
		const run = errorHandling.withErrorFunnel('larkDownloader.downloadAttachment', { logger: logger as never }, (node: { id: string }) =>
			Promise.reject(new LarkError('network', `Network error (ECONNRESET) for ${node.id}`, { retryable: true })));
		window.errorChoice = 'Try Again';
		await run({ id: 'row-7' });
		await new Promise((resolve) => setImmediate(resolve));
		assert.deepEqual(window.errors[0]?.items, ['Try Again', 'Show Log']);
		assert.deepEqual(commands.executed, [{ command: 'larkDownloader.downloadAttachment', args: [{ id: 'row-7' }] }]);

		fake.reset();
		const refused = errorHandling.withErrorFunnel('larkDownloader.downloadAttachment', { logger: logger as never }, () =>
			Promise.reject(new LarkError('permission', 'No access (Lark code 234002, HTTP 400)', { reason: 'no-access', code: 234002 })));
		await refused();
		assert.deepEqual(window.errors[0]?.items, ['Show Log'], 'no Try Again for an answer that cannot change');
	});

	it('an error about a file names it first, in the user\'s language', async () => {
		const failure = new LarkError('permission', 'No access (Lark code 234002, HTTP 400)', { reason: 'no-access', code: 234002 });
		const subjectOf = (args: readonly unknown[]) => (args[0] as { name: string }).name;
		await errorHandling.withErrorFunnel('larkDownloader.downloadAttachment', { logger: logger as never }, (_row: { name: string }) => Promise.reject(failure), subjectOf)({ name: '季度报告.pdf' });
		assert.equal(window.errors[0]?.message, '季度报告.pdf: You have no access to this chat or file in Lark, or it was deleted. Ask for access in Lark. (Lark code 234002)');
		l10n.t = inChinese;
		assert.equal(errorAdvice.withSubject('季度报告.pdf', errorAdvice.adviseOn(failure).text), '季度报告.pdf：你无权访问 Lark 中的此会话或文件，或它已被删除。请在 Lark 中申请访问权限。 （Lark 错误码 234002）');
		assert.equal(errorAdvice.withSubject(undefined, 'x'), 'x');
	});

	it('a subject marked on the error where it is known (the palette\'s file key) wins over the arguments\' one', async () => {
		const failure = errorHandling.aboutSubject(new LarkError('not_found', 'Not found', { reason: 'not-found' }), 'file_v3_typed');
		errorHandling.aboutSubject(failure, 'second mark is ignored');
		await errorHandling.withErrorFunnel('larkDownloader.downloadResource', { logger: logger as never }, () => Promise.reject(failure), () => undefined)();
		assert.equal(window.errors[0]?.message, 'file_v3_typed: Lark did not find this message or file. It may have been deleted.');
	});

	it('"sign in first" names no file (one such message, not one per file); once signed in, a message still up is tucked away', async () => {
		const original = window.showErrorMessage;
		let close: (value: undefined) => void = () => undefined;
		window.showErrorMessage = (message: string, ...items: string[]) => {
			window.errors.push({ message, items });
			return new Promise((resolve) => (close = resolve));
		};
		try {
			errorHandling.reportCommandError(new LarkError('auth', 'Not signed in', { reason: 'not-signed-in' }), 'larkDownloader.downloadAttachment', { logger: logger as never }, undefined, '季度报告.pdf');
			assert.equal(window.errors[0]?.message, 'Sign in to Lark first.');
			assert.equal(errorHandling.openSignInMessages(), 1);
			await errorHandling.signedInNow();
			assert.deepEqual(commands.executed.map((c) => c.command), ['notifications.hideToasts']);
			close(undefined);
			await new Promise((resolve) => setImmediate(resolve));
			assert.equal(errorHandling.openSignInMessages(), 0);
			commands.executed = [];
			await errorHandling.signedInNow();
			assert.deepEqual(commands.executed, [], 'nothing to tuck away');
		} finally {
			window.showErrorMessage = original;
		}
	});

	it('cancellation shows nothing', async () => {
		await errorHandling.withErrorFunnel('larkDownloader.downloadChat', { logger: logger as never }, () => Promise.reject(new LarkError('cancelled', 'The download was cancelled.')))();
		assert.deepEqual(window.errors, []);
	});
});
