import * as assert from 'node:assert/strict';
import type { ArchiveSummary } from '../../../../src/core/app/archiveRun';
import { LarkError } from '../../../../src/core/errors';
import type { Attachment, Chat, Message } from '../../../../src/core/lark/model';
import { commands, folder, installVscodeFake, window } from '../../../support/vscodeFake';

const chat: Chat = { id: 'oc_1', name: 'Finance' } as Chat;

function attachment(key: string, name?: string): Attachment {
	return { messageId: `om_${key}`, sourceMessageId: `om_${key}`, key, resourceType: 'file', kind: 'file', downloadable: true, ...(name === undefined ? {} : { name }) };
}

function message(...attachments: Attachment[]): Message {
	return { id: attachments[0]?.messageId ?? 'om_x', chatId: 'oc_1', msgType: 'file', createTime: new Date(0), deleted: false, textPreview: '', attachments };
}

function summary(parts: Partial<ArchiveSummary>): ArchiveSummary {
	return { saved: [], failed: [], skipped: [], cancelled: false, alreadySaved: [], keptEdited: [], sameBytes: [], ...parts };
}

const noAccess = (): LarkError => new LarkError('permission', 'No access (Lark code 234002)', { reason: 'no-access', code: 234002 });

describe('bulk summary: which failed, Retry Failed, Open Folder', () => {
	let fake: ReturnType<typeof installVscodeFake>;
	let bulk: typeof import('../../../../src/extension/commands/bulkSummary');
	const warnings: { message: string; items: string[] }[] = [];
	let warningChoice: string | undefined;
	const original = window.showWarningMessage;
	const target = { folder: folder('/w'), root: '/w', directory: 'lark-downloads' } as never as import('../../../../src/extension/services/workspaceTarget').DownloadTarget;

	before(async () => {
		fake = installVscodeFake();
		bulk = await import('../../../../src/extension/commands/bulkSummary');
	});
	beforeEach(() => {
		fake.reset();
		warnings.length = 0;
		warningChoice = undefined;
		(window as { showWarningMessage: unknown }).showWarningMessage = (text: string, ...items: string[]) => {
			warnings.push({ message: text, items });
			return Promise.resolve(warningChoice);
		};
	});
	after(() => {
		window.showWarningMessage = original;
		fake.uninstall();
	});

	const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

	it('names the first few failed files and the first cause, offering Retry Failed, Open Folder and Show Log', () => {
		const failed = ['季度报告.pdf', 'b.png', 'c.zip', 'd.mp4'].map((name, i) => ({ status: 'failed' as const, attachment: attachment(`file_${i}`, name), error: noAccess() }));
		const context = { logger: { info: () => undefined, show: () => undefined } };
		bulk.reportSummary(context as never, summary({ saved: [{ status: 'saved', attachment: attachment('file_ok'), savedPath: '/w/a', sizeBytes: 1 }], failed }), { messages: failed.map((f) => message(f.attachment)), title: 'Downloading', chat, target });
		assert.equal(warnings.length, 1);
		assert.equal(warnings[0]?.message, 'Saved 1, failed 4, skipped 0 (not downloadable). Failed: 季度报告.pdf, b.png, c.zip and 1 more. 季度报告.pdf: You have no access to this chat or file in Lark, or it was deleted. Ask for access in Lark. (Lark code 234002)');
		assert.deepEqual(warnings[0]?.items, ['Retry Failed', 'Open Folder', 'Show Log']);
	});

	it('Retry Failed downloads again only the failed attachments of their messages, into the same folder', async () => {
		const ok = attachment('file_ok', 'ok.pdf');
		const bad = attachment('file_bad', 'bad.pdf');
		const runs: { messages: readonly Message[]; target: unknown }[] = [];
		const context = {
			logger: { info: () => undefined, show: () => undefined },
			archive: { downloadMany: (messages: readonly Message[], _title: string, _chat: Chat, _choice: unknown, into: unknown) => {
				runs.push({ messages, target: into });
				return Promise.resolve(summary({ saved: [{ status: 'saved', attachment: bad, savedPath: '/w/lark-downloads/bad.pdf', sizeBytes: 3 }] }));
			} },
		};
		warningChoice = 'Retry Failed';
		bulk.reportSummary(context as never, summary({ failed: [{ status: 'failed', attachment: bad, error: new LarkError('network', 'reset', { retryable: true }) }] }), { messages: [message(ok, bad), message(attachment('file_other'))], title: 'Downloading', chat, target });
		await tick();
		assert.equal(warnings[0]?.message, 'Saved 0, failed 1, skipped 0 (not downloadable). bad.pdf: Could not reach Lark. Check your network connection, then try again.', 'one failure: named once, with its cause');
		assert.equal(runs.length, 1);
		assert.deepEqual(runs[0]?.messages.map((m) => m.attachments.map((a) => a.key)), [['file_bad']]);
		assert.equal(runs[0]?.target, target);
		assert.deepEqual(window.infos.map((info) => info.message), ['Saved 1, failed 0, skipped 0 (not downloadable).']);
		assert.deepEqual(window.infos[0]?.items, ['Open Folder']);
	});

	it('Open Folder reveals the download folder in the Explorer', async () => {
		window.infoChoice = 'Open Folder';
		bulk.reportSummary({ logger: { info: () => undefined } } as never, summary({ saved: [{ status: 'saved', attachment: attachment('file_1'), savedPath: '/w/lark-downloads/a', sizeBytes: 1 }] }), { messages: [], title: 't', chat, target });
		await tick();
		assert.equal(commands.executed[0]?.command, 'revealInExplorer');
		assert.equal((commands.executed[0]?.args[0] as { fsPath: string }).fsPath, '/w/lark-downloads');
	});

	it('lists few names as they are and many with "and N more"', () => {
		assert.equal(bulk.nameList(['a', 'b']), 'a, b');
		assert.equal(bulk.nameList(['a', 'b', 'c', 'd', 'e']), 'a, b, c and 2 more');
	});
});
