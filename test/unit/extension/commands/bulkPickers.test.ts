import * as assert from 'node:assert/strict';
import type { ArchivePlan, PlannedAttachment } from '../../../../src/core/app/archivePlan';
import type { AttachmentKind, Message } from '../../../../src/core/lark/model';
import { installVscodeFake, window } from '../../../support/vscodeFake';

function planned(kind: AttachmentKind, senderId: string, key: string): PlannedAttachment {
	const attachment = { messageId: `om_${key}`, sourceMessageId: `om_${key}`, key, resourceType: kind === 'file' ? 'file' as const : 'image' as const, kind, downloadable: true };
	const message: Message = { id: `om_${key}`, chatId: 'oc_1', msgType: kind, senderId, createTime: new Date(0), deleted: false, textPreview: '', attachments: [attachment] };
	return { attachment, message, reason: 'new' };
}

function plan(fetch: PlannedAttachment[], skip: PlannedAttachment[] = []): ArchivePlan {
	return { fetch, skip, notDownloadable: [], bytesKnown: 0, unknownSizes: fetch.length, bytesSkipped: 0 };
}

describe('Download All in Chat: what to download (kinds, senders, again)', () => {
	let fake: ReturnType<typeof installVscodeFake>;
	let pickFilter: typeof import('../../../../src/extension/commands/bulkPickers').pickFilter;
	let pickSyncScope: typeof import('../../../../src/extension/commands/bulkPickers').pickSyncScope;
	const label = (message: Message): string => (message.senderId === 'ou_wang' ? '王小明' : 'Ada');

	before(async () => {
		fake = installVscodeFake();
		({ pickFilter, pickSyncScope } = await import('../../../../src/extension/commands/bulkPickers'));
	});
	beforeEach(() => fake.reset());
	after(() => fake.uninstall());

	it('shows each kind and sender with its count, all ticked; Enter takes everything (no filter)', async () => {
		window.pickAnswer = (items) => items.filter((item) => item.picked === true);
		const choice = await pickFilter(plan([planned('image', 'ou_wang', 'a'), planned('image', 'ou_ada', 'b'), planned('file', 'ou_wang', 'c')]), label);
		assert.deepEqual(choice, { filter: {}, force: false });
		const shown = window.quickPicks[0]?.filter((item) => item.kind !== -1).map((item) => `${item.label} ${item.description ?? ''} ${item.picked === true ? '✓' : ''}`.trim());
		assert.deepEqual(shown, ['Images 2 ✓', 'Files 1 ✓', '王小明 2 ✓', 'Ada 1 ✓']);
	});

	it('unticking a kind and a sender narrows the download to what stays ticked', async () => {
		window.pickAnswer = (items) => items.filter((item) => item.picked === true && item.label !== 'Files' && item.label !== 'Ada');
		const choice = await pickFilter(plan([planned('image', 'ou_wang', 'a'), planned('image', 'ou_ada', 'b'), planned('file', 'ou_wang', 'c')]), label);
		assert.deepEqual([...(choice.filter?.kinds ?? [])], ['image']);
		assert.deepEqual([...(choice.filter?.senders ?? [])], ['ou_wang']);
	});

	it('offers to download again what is already there, unticked', async () => {
		window.pickAnswer = (items) => items.filter((item) => item.picked === true || item.label.startsWith('Download again'));
		const choice = await pickFilter(plan([planned('image', 'ou_wang', 'a')], [planned('image', 'ou_wang', 'b')]), label);
		assert.equal(window.quickPicks[0]?.find((item) => item.label.startsWith('Download again'))?.picked, false);
		assert.equal(choice.force, true);
	});

	it('dismissing the choice cancels', async () => {
		await assert.rejects(pickFilter(plan([planned('image', 'ou_wang', 'a'), planned('file', 'ou_ada', 'b')]), label), (error: Error) => error.constructor.name === 'CancellationError');
	});

	it('Sync Chat: Enter syncs everything new; a kind or a sender narrows it (each keeps its own cursor)', async () => {
		window.pickAnswer = (items) => items[0];
		assert.deepEqual(await pickSyncScope('Design', [], label), {});
		window.pickAnswer = (items) => items.find((item) => item.label === 'Only images');
		assert.deepEqual([...((await pickSyncScope('Design', [], label)).filter?.kinds ?? [])], ['image']);
		const shown = [planned('image', 'ou_wang', 'a').message, planned('file', 'ou_ada', 'b').message];
		window.pickAnswer = (items) => items.find((item) => item.label === 'Only from one sender…' || item.label === '王小明');
		const scope = await pickSyncScope('Design', shown, label);
		assert.deepEqual([...(scope.filter?.senders ?? [])], ['ou_wang']);
		assert.deepEqual(window.quickPicks[3]?.map((item) => item.label), ['王小明', 'Ada'], 'the senders of the messages shown');
	});
});
