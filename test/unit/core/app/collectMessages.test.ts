import * as assert from 'node:assert/strict';
import { collectMessages } from '../../../../src/core/app/collectMessages';
import { LarkClient } from '../../../../src/core/lark/larkClient';
import { startLoopbackIm, stopLoopbackIm, type Harness } from '../../../support/engineHarness';
import { IDS, type ImFixtures } from '../../../support/imFixtures';
import { LarkTestServer } from '../../../support/larkServer';

describe('collectMessages (the bulk flow of both front ends)', () => {
	let server: LarkTestServer;
	let fixtures: ImFixtures;
	let harness: Harness;
	let client: LarkClient;

	beforeEach(async () => {
		({ server, fixtures, harness, client } = await startLoopbackIm());
	});

	afterEach(() => stopLoopbackIm({ server, harness }));

	it('a chat: every page, oldest first, with progress after each message', async () => {
		const progress: { messages: number; attachments: number }[] = [];
		const { messages, unlisted } = await collectMessages(client, { kind: 'container', containerId: IDS.designChat, containerType: 'chat' }, { onProgress: (p) => progress.push(p) });
		const expected = fixtures.containers.get(IDS.designChat)?.map((m) => m.message_id);
		assert.deepEqual(messages.map((m) => m.id), expected);
		assert.equal(progress.length, messages.length);
		assert.deepEqual(progress.at(-1), { messages: messages.length, attachments: messages.reduce((n, m) => n + m.attachments.length, 0) });
		assert.deepEqual(unlisted, []);
	});

	it('one merge_forward message: its children\'s attachments, under the container id', async () => {
		const { messages } = await collectMessages(client, { kind: 'message', messageId: IDS.forward });
		assert.equal(messages.length, 1);
		assert.ok((messages[0]?.attachments.length ?? 0) > 0);
		assert.ok(messages[0]?.attachments.every((a) => a.messageId === IDS.forward));
	});

	it('a merge_forward whose children cannot be loaded is reported as unlisted, the rest collected', async () => {
		fixtures.singles.delete(IDS.forward);
		const { messages, unlisted } = await collectMessages(client, { kind: 'container', containerId: IDS.designChat, containerType: 'chat' });
		assert.deepEqual(unlisted.map((n) => n.messageId), [IDS.forward]);
		assert.ok(messages.length > 1);
	});
});
