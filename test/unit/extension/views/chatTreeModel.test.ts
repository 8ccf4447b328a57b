import * as assert from 'node:assert/strict';
import { LarkError } from '../../../../src/core/errors';
import type { Chat, Message } from '../../../../src/core/lark/model';
import { installVscodeFake } from '../../../support/vscodeFake';

// The tree's model in plain Node, with a scripted client behind a fake connection and the vscode fake.

const chat = (id: string): Chat => ({ id, name: `Chat ${id}`, type: 'group' });
const message = (id: string): Message => ({ id, chatId: 'oc_1', msgType: 'text', createTime: new Date(0), deleted: false, textPreview: id, attachments: [] });

/** A client that answers chats and pages of messages from arrays, and counts what it was asked. */
function scriptedClient(pages: Message[][], chats: Chat[] = [chat('oc_1'), chat('oc_2')]) {
	const calls = { chats: 0, pages: [] as (string | undefined)[] };
	return {
		calls,
		identity: 'bot' as const,
		listChats(): AsyncGenerator<Chat> {
			calls.chats++;
			return (async function* () {
				yield* await Promise.resolve(chats);
			})();
		},
		listMessagesPage(_options: unknown, pageToken?: string) {
			calls.pages.push(pageToken);
			const index = pageToken === undefined ? 0 : Number(pageToken);
			const hasMore = index + 1 < pages.length;
			return Promise.resolve({ items: pages[index] ?? [], hasMore, pageToken: hasMore ? String(index + 1) : undefined, notices: [] });
		},
	};
}

describe('chat tree model (fetching, caching, paging, errors as state)', () => {
	let ChatTreeModel: typeof import('../../../../src/extension/views/chatTreeModel').ChatTreeModel;
	const logger = { warn: () => undefined, error: () => undefined, info: () => undefined };

	let fake: ReturnType<typeof installVscodeFake>;

	before(async () => {
		fake = installVscodeFake();
		({ ChatTreeModel } = await import('../../../../src/extension/views/chatTreeModel'));
	});
	after(() => fake.uninstall());

	function modelWith(client: ReturnType<typeof scriptedClient> | Error) {
		const connection = {
			get: () => Promise.resolve(client instanceof Error ? undefined : { client }),
			require: () => (client instanceof Error ? Promise.reject(client) : Promise.resolve({ client, senderNames: { nameMessages: () => Promise.resolve(), unavailable: undefined } })),
		};
		return new ChatTreeModel(connection as never, logger as never);
	}

	it('lists chats once and serves them from the cache until refreshed', async () => {
		const client = scriptedClient([[message('om_1')]]);
		const model = modelWith(client);
		const first = await model.getChats();
		await model.getChats();
		assert.equal(first.state, 'loaded');
		assert.deepEqual(first.state === 'loaded' ? first.value.map((c) => c.id) : [], ['oc_1', 'oc_2']);
		assert.equal(client.calls.chats, 1);
		model.refresh();
		await model.getChats();
		assert.equal(client.calls.chats, 2);
	});

	it('pages messages: "Load more" appends the next page and tells the tree which chat changed', async () => {
		const client = scriptedClient([[message('om_3'), message('om_2')], [message('om_1')]]);
		const model = modelWith(client);
		const changed: (Chat | undefined)[] = [];
		model.onDidChange((c) => changed.push(c));
		const one = chat('oc_1');
		const page = await model.getMessages(one);
		assert.deepEqual(page.state === 'loaded' ? [page.value.messages.map((m) => m.id), page.value.hasMore] : [], [['om_3', 'om_2'], true]);
		await model.loadMore(one);
		const all = await model.getMessages(one);
		assert.deepEqual(all.state === 'loaded' ? [all.value.messages.map((m) => m.id), all.value.hasMore] : [], [['om_3', 'om_2', 'om_1'], false]);
		assert.deepEqual(client.calls.pages, [undefined, '1']);
		assert.deepEqual(changed, [one]);
		await model.loadMore(one); // nothing more: no request
		assert.deepEqual(client.calls.pages, [undefined, '1']);
	});

	it('keeps a failure as state, in the extension\'s words for its reason, instead of throwing into the tree', async () => {
		const model = modelWith(new LarkError('permission', 'No access (Lark code 234002, HTTP 400)', { reason: 'no-access', code: 234002, hint: 'Ask for access.' }));
		const chats = await model.getChats();
		assert.deepEqual(chats, { state: 'error', message: 'You have no access to this chat or file in Lark, or it was deleted. Ask for access in Lark. (Lark code 234002)' });
		assert.equal(await model.isSignedIn(), false);
	});

	it('refreshing one chat forgets only that chat\'s messages', async () => {
		const client = scriptedClient([[message('om_1')]]);
		const model = modelWith(client);
		await model.getMessages(chat('oc_1'));
		await model.getMessages(chat('oc_2'));
		model.refresh(chat('oc_1'));
		await model.getMessages(chat('oc_1'));
		await model.getMessages(chat('oc_2'));
		assert.equal(client.calls.pages.length, 3, 'oc_1 twice, oc_2 once');
	});
});
