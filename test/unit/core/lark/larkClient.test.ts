import * as assert from 'node:assert/strict';
import type { LarkError } from '../../../../src/core/errors';
import { LarkClient, type ListNotice } from '../../../../src/core/lark/larkClient';
import type { Message } from '../../../../src/core/lark/model';
import { botHarness, startLoopbackIm, stopLoopbackIm, userHarness, type Harness } from '../../../support/engineHarness';
import { IDS, type ImFixtures } from '../../../support/imFixtures';
import { LarkTestServer } from '../../../support/larkServer';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
	const items: T[] = [];
	for await (const item of iterable) {
		items.push(item);
	}
	return items;
}

async function rejection(promise: Promise<unknown>): Promise<LarkError> {
	try {
		await promise;
	} catch (error) {
		return error as LarkError;
	}
	assert.fail('expected a rejection');
}

describe('LarkClient against the loopback IM endpoints', () => {
	let server: LarkTestServer;
	let fixtures: ImFixtures;
	let harness: Harness;
	let client: LarkClient;

	beforeEach(async () => {
		({ server, fixtures, harness, client } = await startLoopbackIm());
	});

	afterEach(() => stopLoopbackIm({ server, harness }));

	const requestsTo = (path: string, on = server) => on.requests.filter((r) => r.path === path);

	/** A server with only `handler` on the messages endpoint, for answers the fixture never gives. */
	async function withMessagesRoute(handler: Parameters<LarkTestServer['route']>[2], test: (bare: LarkTestServer, bareClient: LarkClient) => Promise<void>): Promise<void> {
		const bare = await new LarkTestServer().start();
		bare.route('GET', /^\/open-apis\/im\/v1\/messages$/, handler);
		const bareHarness = botHarness(bare);
		try {
			await test(bare, new LarkClient(bareHarness.session));
		} finally {
			await bareHarness.close();
			await bare.stop();
		}
	}

	describe('messages', () => {
		it('pages to the end, following the page_token chain, with the documented query', async () => {
			const messages = await collect(client.listMessages({ containerId: IDS.designChat, containerType: 'chat', sort: 'asc', pageSize: 5, expandMergeForward: false }));
			assert.deepEqual(messages.map((m) => m.id), (fixtures.containers.get(IDS.designChat) ?? []).map((m) => m.message_id));
			const pages = requestsTo('/open-apis/im/v1/messages');
			assert.equal(pages.length, 4, '16 messages in pages of 5');
			assert.equal(pages[0]?.query.page_token, undefined);
			for (let i = 1; i < pages.length; i++) {
				assert.equal(pages[i]?.query.page_token, `pt_${Buffer.from(String(i * 5)).toString('base64url')}`, `page ${i} continues where ${i - 1} ended`);
			}
			assert.deepEqual({ ...pages[0]?.query }, {
				container_id_type: 'chat', container_id: IDS.designChat, sort_type: 'ByCreateTimeAsc', page_size: '5', card_msg_content_type: 'raw_card_content',
			});
		});

		it('accepts next_page_token where an API uses that name', async () => {
			fixtures.tokenField = 'next_page_token';
			const messages = await collect(client.listMessages({ containerId: IDS.designChat, containerType: 'chat', sort: 'desc', pageSize: 7, expandMergeForward: false }));
			assert.equal(messages.length, 16);
			assert.equal(messages[0]?.id, 'om_m16', 'newest first');
		});

		it('pages lazily: taking the first message makes exactly one request', async () => {
			for await (const message of client.listMessages({ containerId: IDS.designChat, containerType: 'chat', sort: 'asc', pageSize: 5, expandMergeForward: false })) {
				assert.equal(message.id, 'om_m01');
				break;
			}
			assert.equal(requestsTo('/open-apis/im/v1/messages').length, 1);
		});

		it('stops paging once the signal aborts, with a cancelled error', async () => {
			const controller = new AbortController();
			const seen: Message[] = [];
			const error = await rejection((async () => {
				for await (const message of client.listMessages({ containerId: IDS.designChat, containerType: 'chat', sort: 'asc', pageSize: 5, expandMergeForward: false }, controller.signal)) {
					seen.push(message);
					if (seen.length === 6) {
						controller.abort();
					}
				}
			})());
			assert.equal(error.type, 'cancelled');
			assert.equal(requestsTo('/open-apis/im/v1/messages').length, 2, 'no page after the abort');
		});

		it('sends start/end as Unix seconds and gets only that range', async () => {
			const start = new Date(Date.UTC(2024, 4, 6, 1, 2, 0));
			const end = new Date(Date.UTC(2024, 4, 6, 1, 4, 0));
			const messages = await collect(client.listMessages({ containerId: IDS.designChat, containerType: 'chat', sort: 'asc', start, end, expandMergeForward: false }));
			assert.deepEqual(messages.map((m) => m.id), ['om_m03', 'om_m04', 'om_m05']);
			const query = requestsTo('/open-apis/im/v1/messages')[0]?.query;
			assert.equal(query?.start_time, String(start.getTime() / 1000));
			assert.equal(query?.end_time, String(end.getTime() / 1000));
		});

		it('lists a thread with container_id_type=thread', async () => {
			const messages = await collect(client.listMessages({ containerId: IDS.thread, containerType: 'thread', sort: 'asc' }));
			assert.deepEqual(messages.map((m) => [m.id, m.threadId, m.parentId]), [['om_thr_1', IDS.thread, 'om_m15'], ['om_thr_2', IDS.thread, 'om_m15']]);
			assert.equal(requestsTo('/open-apis/im/v1/messages')[0]?.query.container_id_type, 'thread');
		});

		it('refuses a page size above 50 before any request', async () => {
			const error = await rejection(client.listMessagesPage({ containerId: IDS.designChat, containerType: 'chat', sort: 'asc', pageSize: 51 }));
			assert.equal(error.type, 'validation');
			assert.equal(server.requests.length, 0);
		});

		it('one page plus its token, for "Load more"', async () => {
			const first = await client.listMessagesPage({ containerId: IDS.designChat, containerType: 'chat', sort: 'asc', pageSize: 10, expandMergeForward: false });
			assert.equal(first.items.length, 10);
			assert.equal(first.hasMore, true);
			const second = await client.listMessagesPage({ containerId: IDS.designChat, containerType: 'chat', sort: 'asc', pageSize: 10, expandMergeForward: false }, first.pageToken);
			assert.deepEqual(second.items.map((m) => m.id), ['om_m11', 'om_m12', 'om_m13', 'om_m14', 'om_m15', 'om_m16']);
			assert.equal(second.hasMore, false);
			assert.equal(second.pageToken, undefined);
		});

		it('extracts every msg_type of the chat, merge_forward children through the container', async () => {
			const messages = await collect(client.listMessages({ containerId: IDS.designChat, containerType: 'chat', sort: 'asc' }));
			const byId = new Map(messages.map((m) => [m.id, m.attachments.map((a) => `${a.kind}:${a.key}@${a.messageId}${a.downloadable ? '' : ' (no)'}`)]));
			assert.deepEqual(Object.fromEntries(byId), {
				om_m01: [],
				om_m02: ['image:img_v3_photo@om_m02'],
				om_m03: ['file:file_v3_spec@om_m03'],
				om_m04: ['audio:file_v3_voice@om_m04'],
				om_m05: ['video:file_v3_video@om_m05', 'cover:img_v3_video_cover@om_m05'],
				om_m06: ['post-image:img_v3_post_a@om_m06', 'post-media:file_v3_post_clip@om_m06', 'cover:img_v3_post_clip_cover@om_m06', 'post-image:img_v3_post_en@om_m06'],
				om_m07: ['sticker:file_v3_sticker@om_m07 (no)'],
				om_m08: ['card:img_v3_card@om_m08'],
				om_m09: ['folder:file_v3_folder@om_m09 (no)'],
				om_fwd: ['image:img_v3_fwd_receipt@om_fwd', 'file:file_v3_fwd_budget@om_fwd', 'post-image:img_v3_fwd_chart@om_fwd', 'audio:file_v3_fwd_voice@om_fwd'],
				om_m11: [],
				om_m12: [],
				om_m13: [],
				om_m14: [],
				om_m15: [],
				om_m16: [],
			});
			assert.deepEqual(messages.filter((m) => m.deleted).map((m) => m.id), ['om_m11', 'om_m12']);
			assert.equal(requestsTo(`/open-apis/im/v1/messages/${IDS.forward}`).length, 1, 'one request for the container, nested children included');
		});

		it('lists a merge_forward whose children cannot be loaded, with a notice instead of attachments', async () => {
			fixtures.singles.delete(IDS.forward);
			const notices: ListNotice[] = [];
			const messages = await collect(client.listMessages({ containerId: IDS.designChat, containerType: 'chat', sort: 'asc', onNotice: (n) => notices.push(n) }));
			assert.deepEqual(messages.find((m) => m.id === IDS.forward)?.attachments, []);
			assert.deepEqual(notices.map((n) => [n.code, n.messageId, n.error?.code]), [['merge_forward_unavailable', IDS.forward, 230001]]);
			assert.equal(messages.length, 16, 'the rest of the listing is unaffected');
		});

		it('surfaces a chat the bot is not in as a typed permission error', async () => {
			fixtures.deniedChats.add(IDS.financeChat);
			const error = await rejection(collect(client.listMessages({ containerId: IDS.financeChat, containerType: 'chat', sort: 'asc' })));
			assert.equal(error.type, 'permission');
			assert.equal(error.code, 230002);
			assert.equal(error.logId, 'log-230002');
		});

		it('treats code != 0 in an HTTP 200 answer as the typed error it is', async () => {
			await withMessagesRoute((_req, res) => {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ code: 99991672, msg: 'Access denied. One of the following scopes is required', error: { permission_violations: [{ subject: 'im:message:readonly' }] } }));
			}, async (_bare, bareClient) => {
				const error = await rejection(bareClient.listMessagesPage({ containerId: 'oc_any', containerType: 'chat', sort: 'asc' }));
				assert.equal(error.type, 'scope');
				assert.equal(error.code, 99991672);
				assert.match(error.message, /im:message:readonly/);
			});
		});

		it('fails with a protocol error instead of looping when a page token repeats', async () => {
			await withMessagesRoute((_req, res) => {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ code: 0, data: { items: [], has_more: true, page_token: 'same' } }));
			}, async (bare, bareClient) => {
				const error = await rejection(collect(bareClient.listMessages({ containerId: 'oc_loop', containerType: 'chat', sort: 'asc' })));
				assert.equal(error.type, 'protocol');
				assert.equal(requestsTo('/open-apis/im/v1/messages', bare).length, 2);
			});
		});

		it('retries a transient 5xx page and waits out a 429 (x-ogw-ratelimit-reset)', async () => {
			let calls = 0;
			await withMessagesRoute((_req, res) => {
				calls++;
				if (calls === 1) {
					res.writeHead(503).end('busy');
				} else if (calls === 2) {
					res.writeHead(429, { 'content-type': 'application/json', 'x-ogw-ratelimit-reset': '0' }).end(JSON.stringify({ code: 99991400, msg: 'request trigger frequency limit' }));
				} else {
					res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 0, data: { items: [{ message_id: 'om_ok', msg_type: 'text', create_time: '0', body: { content: '{"text":"ok"}' } }], has_more: false } }));
				}
			}, async (_bare, bareClient) => {
				const page = await bareClient.listMessagesPage({ containerId: 'oc_busy', containerType: 'chat', sort: 'asc' });
				assert.deepEqual(page.items.map((m) => [m.id, m.textPreview, m.chatId]), [['om_ok', 'ok', 'oc_busy']]);
				assert.equal(calls, 3);
			});
		});
	});

	describe('getMessage', () => {
		it('returns the container and its (nested) children with their origin chat', async () => {
			const { container, children } = await client.getMessage(IDS.forward);
			assert.equal(container.id, IDS.forward);
			assert.equal(container.chatId, IDS.designChat);
			assert.deepEqual(children.map((c) => [c.id, c.upperMessageId, c.chatId]), [
				['om_fwd_c1', IDS.forward, IDS.financeChat],
				['om_fwd_c2', IDS.forward, IDS.financeChat],
				['om_fwd_c3', IDS.forward, IDS.financeChat],
				[IDS.nestedForward, IDS.forward, IDS.financeChat],
				[IDS.nestedVoiceChild, IDS.nestedForward, IDS.financeChat],
				['om_fwd_c5', IDS.forward, IDS.financeChat],
			]);
			assert.ok(container.attachments.every((a) => a.messageId === IDS.forward && a.sourceMessageId !== IDS.forward));
			const query = requestsTo(`/open-apis/im/v1/messages/${IDS.forward}`)[0]?.query;
			assert.deepEqual({ ...query }, { user_id_type: 'open_id', card_msg_content_type: 'raw_card_content' });
		});

		it('asked for a nested child, follows upper_message_id to the top container for the download id', async () => {
			const { container } = await client.getMessage(IDS.nestedVoiceChild);
			assert.deepEqual(container.attachments.map((a) => [a.messageId, a.sourceMessageId, a.key]), [[IDS.forward, IDS.nestedVoiceChild, 'file_v3_fwd_voice']]);
			assert.deepEqual(server.requests.filter((r) => r.path.startsWith('/open-apis/im/v1/messages/')).map((r) => r.path.split('/').pop()), [IDS.nestedVoiceChild, IDS.nestedForward, IDS.forward]);
		});

		it('returns a plain message with its own attachments', async () => {
			const { container, children } = await client.getMessage('om_m05');
			assert.deepEqual(container.attachments.map((a) => a.key), ['file_v3_video', 'img_v3_video_cover']);
			assert.deepEqual(children, []);
		});

		it('refuses an id without om_ before any request', async () => {
			const error = await rejection(client.getMessage('oc_design'));
			assert.equal(error.type, 'validation');
			assert.equal(server.requests.length, 0);
		});
	});

	describe('chats', () => {
		it('pages through the chats with sort_type ByActiveTimeDesc, groups only by default', async () => {
			const chats = await collect(client.listChats({ sort: 'active', pageSize: 2 }));
			assert.deepEqual(chats.map((c) => c.id), [IDS.designChat, 'oc_announce', IDS.financeChat, 'oc_partner', 'oc_empty', 'oc_old']);
			const pages = requestsTo('/open-apis/im/v1/chats');
			assert.equal(pages.length, 3);
			assert.ok(pages.every((p) => p.query.sort_type === 'ByActiveTimeDesc' && p.query.types === undefined));
			const token = (offset: number): string => `pt_${Buffer.from(String(offset)).toString('base64url')}`;
			assert.deepEqual(pages.map((p) => p.query.page_token), [undefined, token(2), token(4)]);
		});

		it('maps the chat fields into the domain model', async () => {
			const page = await client.listChatsPage({ sort: 'created', pageSize: 100 });
			assert.equal(requestsTo('/open-apis/im/v1/chats')[0]?.query.sort_type, 'ByCreateTimeAsc');
			assert.deepEqual(page.items.find((c) => c.id === 'oc_partner'), {
				id: 'oc_partner', name: 'Partner (external)', type: 'group', external: true, avatarUrl: 'https://s1-imfile.feishucdn.com/avatar/oc_partner.png',
			});
			assert.equal(page.items.find((c) => c.id === 'oc_announce')?.type, 'topic');
		});

		it('bot identity: strips p2p from a mixed request with a notice', async () => {
			const notices: ListNotice[] = [];
			const chats = await collect(client.listChats({ sort: 'created', types: ['group', 'p2p'], onNotice: (n) => notices.push(n) }));
			assert.deepEqual(notices.map((n) => n.code), ['bot_strip_p2p']);
			assert.equal(requestsTo('/open-apis/im/v1/chats')[0]?.query.types, 'group');
			assert.ok(!chats.some((c) => c.type === 'p2p'));
		});

		it('bot identity: refuses p2p alone before any request', async () => {
			const error = await rejection(client.listChatsPage({ sort: 'created', types: ['p2p'] }));
			assert.equal(error.type, 'validation');
			assert.equal(error.reason, 'p2p-needs-user');
			assert.doesNotMatch(error.hint ?? '', /--|LARK_/);
			assert.equal(server.requests.length, 0);
		});

		it('user identity: lists p2p chats when asked', async () => {
			const user = userHarness(server, server.issueUserToken());
			try {
				const chats = await collect(new LarkClient(user.session).listChats({ sort: 'active', types: ['group', 'p2p'] }));
				const p2p = chats.find((c) => c.type === 'p2p');
				assert.deepEqual(p2p, { id: IDS.p2pChat, name: 'ou_alice', type: 'p2p', external: false, avatarUrl: `https://s1-imfile.feishucdn.com/avatar/${IDS.p2pChat}.png` });
				assert.equal(requestsTo('/open-apis/im/v1/chats')[0]?.query.types, 'group,p2p');
			} finally {
				await user.close();
			}
		});

		it('refreshes a rejected tenant token once and carries on', async () => {
			await client.listChatsPage({ sort: 'active' });
			for (const token of [...server.validTokens]) {
				server.expireToken(token);
			}
			const page = await client.listChatsPage({ sort: 'active' });
			assert.equal(page.items.length, 6);
			assert.equal(server.tokenRequests().length, 2);
		});
	});
});
