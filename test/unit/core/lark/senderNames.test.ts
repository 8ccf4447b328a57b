import * as assert from 'node:assert/strict';
import { SenderNames } from '../../../../src/core/lark/senderNames';
import type { Message } from '../../../../src/core/lark/model';
import { startLoopbackIm, stopLoopbackIm, type LoopbackIm } from '../../../support/engineHarness';

const BATCH_PATH = '/open-apis/contact/v3/users/batch';

function message(senderId: string, senderType = 'user'): Message {
	return { id: `om_${senderId}`, chatId: 'oc_1', msgType: 'text', senderId, senderType, createTime: new Date(0), deleted: false, textPreview: '', attachments: [] };
}

describe('sender names from the contact API (batched, cached, graceful without the scope)', () => {
	let im: LoopbackIm;
	beforeEach(async () => {
		im = await startLoopbackIm();
	});
	afterEach(() => stopLoopbackIm(im));
	const batches = () => im.server.requests.filter((r) => r.path === BATCH_PATH);

	it('names the senders it may see, in batches of at most 50, each id asked once', async () => {
		const ids = Array.from({ length: 120 }, (_, i) => `ou_user${i}`);
		im.fixtures.users = new Map(ids.map((id, i) => [id, `用户 ${i}`]));
		im.fixtures.users.delete('ou_user7'); // outside the app's visibility: left out of the answer
		const names = new SenderNames(im.harness.session);
		const messages = [...ids.map((id) => message(id)), message('cli_bot', 'app')];
		await names.nameMessages(messages);
		assert.deepEqual(batches().map((r) => r.path), [BATCH_PATH, BATCH_PATH, BATCH_PATH]);
		assert.equal(messages[0]?.senderName, '用户 0');
		assert.equal(messages[7]?.senderName, undefined, 'not visible: no name, no error');
		assert.equal(messages[120]?.senderName, undefined, 'apps are not asked for');
		assert.equal(names.unavailable, undefined);
		await names.nameMessages([message('ou_user3'), message('ou_user7')]);
		assert.equal(batches().length, 3, 'known and unknown ids are not asked again');
	});

	it('without contact:user.base:readonly: one refused request, the reason kept, short ids everywhere after', async () => {
		im.fixtures.contactDenied = true;
		const names = new SenderNames(im.harness.session);
		const first = [message('ou_alice')];
		await names.nameMessages(first);
		assert.equal(first[0]?.senderName, undefined);
		assert.equal(names.unavailable?.reason, 'scope-missing');
		assert.match(String(names.unavailable?.params.scopes), /contact:user\.base:readonly/);
		await names.nameMessages([message('ou_bob')]);
		assert.equal(batches().length, 1, 'not asked again');
	});
});
