import * as assert from 'node:assert/strict';
import { extensionOf, openerFor } from '../../../../src/extension/platform/openerTable';
import { commands, env, installVscodeFake, UIKind, window } from '../../../support/vscodeFake';

describe('how a downloaded file opens (VS Code\'s editor or the system\'s app)', () => {
	it('what VS Code shows opens in its editor: text, code, markdown, JSON, images, SVG', () => {
		for (const name of ['notes.txt', 'README.md', 'data.json', 'config.YAML', 'main.py', 'app.tsx', 'photo.JPG', 'chart.png', 'logo.svg', 'table.csv', 'Dockerfile']) {
			assert.equal(openerFor(name), 'editor', name);
		}
	});

	it('PDF, Office, archives, audio and video open with the system\'s app', () => {
		for (const name of ['季度报告 (Q2).pdf', 'plan.docx', 'budget.xlsx', 'deck.pptx', 'backup.zip', 'src.tar.gz', 'voice.opus', 'song.mp3', 'clip.mp4', 'meeting.mov', 'IMG_1.HEIC']) {
			assert.equal(openerFor(name), 'system', name);
		}
	});

	it('an unknown extension is decided by the MIME type, else the user is asked', () => {
		assert.equal(openerFor('file_v3_abc', 'application/pdf'), 'system');
		assert.equal(openerFor('file_v3_abc', 'text/plain; charset=utf-8'), 'editor');
		assert.equal(openerFor('report.weird', 'image/png'), 'editor');
		assert.equal(openerFor('clip.bin', 'video/mp4'), 'system');
		assert.equal(openerFor('blob.bin', 'application/octet-stream'), 'ask');
		assert.equal(openerFor('file_v3_abc'), 'ask');
	});

	it('reads the extension of the last path segment only', () => {
		assert.equal(extensionOf('/w/a.b/c'), '');
		assert.equal(extensionOf('.gitignore'), '');
		assert.equal(extensionOf('/w/x/Report.PDF'), 'pdf');
	});

	describe('openFile', () => {
		let fake: ReturnType<typeof installVscodeFake>;
		let openFile: typeof import('../../../../src/extension/platform/fileOpener').openFile;
		const uri = (fsPath: string) => ({ scheme: 'file', fsPath, toString: () => `file://${fsPath}` });

		before(async () => {
			fake = installVscodeFake();
			({ openFile } = await import('../../../../src/extension/platform/fileOpener'));
		});
		beforeEach(() => fake.reset());
		after(() => fake.uninstall());

		it('an image opens in VS Code, a PDF with the system\'s app', async () => {
			await openFile(uri('/w/a.png') as never);
			await openFile(uri('/w/b.pdf') as never);
			assert.deepEqual(commands.executed.map((c) => c.command), ['vscode.open']);
			assert.deepEqual(env.opened, ['file:///w/b.pdf']);
		});

		it('an unknown kind offers the choice, and opens as chosen', async () => {
			window.infoChoice = 'Open with System App';
			await openFile(uri('/w/file_v3_x') as never);
			assert.deepEqual(window.infos, [{ message: 'How should file_v3_x be opened?', items: ['Open with System App', 'Open in VS Code'] }]);
			assert.deepEqual(env.opened, ['file:///w/file_v3_x']);
		});

		it('in a browser the system\'s apps are out of reach: a PDF offers VS Code or the Explorer', async () => {
			env.uiKind = UIKind.Web;
			window.infoChoice = 'Reveal in Explorer';
			await openFile(uri('/w/b.pdf') as never);
			assert.deepEqual(env.opened, []);
			assert.deepEqual(window.infos[0]?.items, ['Open in VS Code', 'Reveal in Explorer']);
			assert.deepEqual(commands.executed.map((c) => c.command), ['revealInExplorer']);
		});
	});
});
