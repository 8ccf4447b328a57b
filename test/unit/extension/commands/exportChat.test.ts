import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Chat } from '../../../../src/core/lark/model';
import { startLoopbackIm, stopLoopbackIm, type Harness } from '../../../support/engineHarness';
import { tempDir } from '../../../support/fixtures';
import { IDS, message, type ImFixtures } from '../../../support/imFixtures';
import { LarkTestServer } from '../../../support/larkServer';
import { loadExtensionServices } from '../../../support/extensionServices';
import { commands, folder, installVscodeFake, window, workspace } from '../../../support/vscodeFake';

// Export Chat as Markdown as the extension runs it (palette and chat row), in plain Node against the loopback server.
describe('Export Chat as Markdown (extension command)', () => {
	let fake: ReturnType<typeof installVscodeFake>;
	let exportChatMarkdown: typeof import('../../../../src/extension/commands/archiveCommands').exportChatMarkdown;
	let makeServices: Awaited<ReturnType<typeof loadExtensionServices>>;
	let server: LarkTestServer;
	let fixtures: ImFixtures;
	let harness: Harness;
	let work: { dir: string; cleanup: () => Promise<void> };
	const design = { id: IDS.designChat, name: 'Design team', type: 'group' as const };
	const finance = { id: IDS.financeChat, name: 'Finance', type: 'group' as const };

	before(async () => {
		fake = installVscodeFake();
		({ exportChatMarkdown } = await import('../../../../src/extension/commands/archiveCommands'));
		makeServices = await loadExtensionServices();
	});
	after(() => fake.uninstall());

	beforeEach(async () => {
		fake.reset();
		({ server, fixtures, harness } = await startLoopbackIm());
		work = await tempDir();
		workspace.workspaceFolders = [folder(work.dir)];
	});
	afterEach(async () => {
		await stopLoopbackIm({ server, harness });
		await work.cleanup();
	});

	function context() {
		const logger = { info: () => undefined, warn: () => undefined, error: () => undefined, show: () => undefined };
		const model = { getChats: () => Promise.resolve({ state: 'ok', value: [design, finance] }) };
		return { archive: makeServices(harness).archive, model, logger } as never;
	}
	const chatNode = (chat: Chat) => ({ kind: 'chat', chat }) as never;

	it('from a chat row: writes <download folder>/<chat>.md with the attachments beside it, then opens the Markdown preview', async () => {
		await exportChatMarkdown(context(), chatNode(finance));
		const file = path.join(work.dir, 'lark-downloads', 'Finance.md');
		const text = await fs.readFile(file, 'utf8');
		assert.match(text, /^# Finance\n/);
		assert.match(text, /📎 \[季度报告 \(Q2\)\.pdf\]\(Finance\/%E5%AD%A3%E5%BA%A6%E6%8A%A5%E5%91%8A%20%28Q2%29\.pdf\) · 15\.0 KiB/);
		assert.ok((await fs.lstat(path.join(work.dir, 'lark-downloads', 'Finance', '季度报告 (Q2).pdf'))).isFile());
		assert.deepEqual(commands.executed.map((run) => [run.command, (run.args[0] as { fsPath: string }).fsPath]), [['markdown.showPreview', file]]);
		assert.deepEqual(window.infos.map((info) => info.message), ['Finance: 2 new messages written to lark-downloads/Finance.md (1 attachments linked).']);
		assert.ok(window.progress.some((p) => p.title === 'Exporting Finance as Markdown'));

		fixtures.containers.get(IDS.financeChat)?.push(message('om_f03', IDS.financeChat, 'text', { text: 'Paid.' }, Date.UTC(2024, 4, 8)));
		await exportChatMarkdown(context(), chatNode(finance));
		const appended = await fs.readFile(file, 'utf8');
		assert.ok(appended.startsWith(text.slice(0, text.lastIndexOf('<!--'))), 'what was there is kept');
		assert.match(appended, /Paid\.\n\n<!-- lark-downloader:cursor /);
		assert.equal(window.infos.at(-1)?.message, 'Finance: 1 new messages written to lark-downloads/Finance.md (0 attachments linked).');
	});

	it('from the palette: asks which chat from the chat list', async () => {
		window.pickAnswer = (items) => items.find((item) => item.label === 'Design team');
		await exportChatMarkdown(context(), undefined);
		assert.deepEqual(window.quickPicks[0]?.map((item) => item.label), ['Design team', 'Finance']);
		assert.ok((await fs.lstat(path.join(work.dir, 'lark-downloads', 'Design team.md'))).isFile());
		assert.equal(commands.executed[0]?.command, 'markdown.showPreview');
	});

	it('with larkDownloader.exportPerMonth: one file per month, the newest shown', async () => {
		workspace.settings['larkDownloader.exportPerMonth'] = true;
		fixtures.containers.get(IDS.financeChat)?.push(message('om_f04', IDS.financeChat, 'text', { text: 'June budget' }, Date.UTC(2024, 5, 3)));
		await exportChatMarkdown(context(), chatNode(finance));
		const folderPath = path.join(work.dir, 'lark-downloads');
		assert.deepEqual((await fs.readdir(folderPath)).filter((name) => name.endsWith('.md')).sort(), ['Finance 2024-05.md', 'Finance 2024-06.md']);
		assert.deepEqual(commands.executed.map((run) => (run.args[0] as { fsPath: string }).fsPath), [path.join(folderPath, 'Finance 2024-06.md')]);
	});
});
