import * as assert from 'node:assert/strict';
import { LarkError } from '../../../../src/core/errors';
import { folder, installVscodeFake, window, workspace } from '../../../support/vscodeFake';

// Plain-Node tests of where the extension may write, against the vscode fake (the host suite covers the rest).
describe('workspace target (where a download may write)', () => {
	let fake: ReturnType<typeof installVscodeFake>;
	let resolveDownloadTarget: typeof import('../../../../src/extension/services/workspaceTarget').resolveDownloadTarget;
	let settings: InstanceType<typeof import('../../../../src/extension/storage/settings').Settings>;

	before(async () => {
		fake = installVscodeFake();
		({ resolveDownloadTarget } = await import('../../../../src/extension/services/workspaceTarget'));
		settings = new (await import('../../../../src/extension/storage/settings')).Settings();
	});
	beforeEach(() => fake.reset());
	after(() => fake.uninstall());

	it('the download folder inside the one workspace folder', async () => {
		workspace.workspaceFolders = [folder('/home/ada/project')];
		const target = await resolveDownloadTarget(settings);
		assert.deepEqual({ root: target.root, directory: target.directory }, { root: '/home/ada/project', directory: 'lark-downloads' });
	});

	it('the configured folder, normalised; "." is the workspace folder itself', async () => {
		workspace.workspaceFolders = [folder('/p')];
		workspace.settings['larkDownloader.downloadFolder'] = 'docs//lark/';
		assert.equal((await resolveDownloadTarget(settings)).directory, 'docs/lark');
		workspace.settings['larkDownloader.downloadFolder'] = '.';
		assert.equal((await resolveDownloadTarget(settings)).directory, '.');
	});

	const refusals: [string, () => void, RegExp][] = [
		['an untrusted workspace', () => { workspace.isTrusted = false; workspace.workspaceFolders = [folder('/p')]; }, /untrusted workspace/],
		['no folder open', () => { workspace.workspaceFolders = undefined; }, /Open a folder first/],
		['a virtual folder', () => { workspace.workspaceFolders = [folder('/repo', 'vscode-vfs')]; }, /vscode-vfs folders are not supported/],
		['a download folder that leaves the workspace', () => { workspace.workspaceFolders = [folder('/p')]; workspace.settings['larkDownloader.downloadFolder'] = '../elsewhere'; }, /leaves the workspace folder/],
	];
	for (const [title, arrange, message] of refusals) {
		it(`refuses ${title} with a validation error`, async () => {
			arrange();
			await assert.rejects(resolveDownloadTarget(settings), (error: unknown) => error instanceof LarkError && error.type === 'validation' && message.test(error.message));
		});
	}

	it('asks in a multi-root workspace; no pick is a cancellation', async () => {
		const [a, b] = [folder('/a'), folder('/b')];
		workspace.workspaceFolders = [a, b];
		window.pickedFolder = b;
		assert.equal((await resolveDownloadTarget(settings)).root, '/b');
		window.pickedFolder = undefined;
		const { CancellationError } = await import('../../../support/vscodeFake');
		await assert.rejects(resolveDownloadTarget(settings), CancellationError);
	});
});
