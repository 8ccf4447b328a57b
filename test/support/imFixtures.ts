import type * as http from 'node:http';
import type { ChatItem, MessageItem } from '../../src/core/lark/apiTypes';
import { larkContentDisposition } from './contentDisposition';
import { bytes } from './fixtures';
import { sendJson, type LarkTestServer, type ServedResource } from './larkServer';

/** Ids the tests refer to; every other id is an implementation detail of the fixture. */
export const IDS = {
	designChat: 'oc_design',
	financeChat: 'oc_finance',
	p2pChat: 'oc_p2p_alice',
	thread: 'omt_design_review',
	forward: 'om_fwd',
	forwardImageChild: 'om_fwd_c1',
	nestedForward: 'om_fwd_c4',
	nestedVoiceChild: 'om_fwd_c4a',
	post: 'om_m06',
	card: 'om_m08',
} as const;

export interface FixtureChat {
	item: ChatItem;
	createdAt: number;
	activeAt: number;
}

/** The state behind the routes; tests may change it (faults, denied chats, token field). */
export interface ImFixtures {
	chats: FixtureChat[];
	/** Chat or thread id → its messages, oldest first. */
	containers: Map<string, MessageItem[]>;
	/** What `GET /messages/{id}` answers: the message, plus the children for a merge_forward. */
	singles: Map<string, MessageItem[]>;
	/** Served resources by key. */
	resources: Map<string, ServedResource>;
	/** Chats whose listing answers 230002 (the bot is not in the chat). */
	deniedChats: Set<string>;
	/** Which field carries the next page's token (both occur in the Open API). */
	tokenField: 'page_token' | 'next_page_token';
	/** Names the contact API answers by open id; ids not here are left out of its answer, as for users the app cannot see. */
	users?: Map<string, string>;
	/** The app lacks contact:user.base:readonly: the contact API answers 99991672. */
	contactDenied?: boolean;
}

const BASE_TIME = Date.UTC(2024, 4, 6, 1, 0, 0); // 2024-05-06 09:00 +08:00
const KiB = 1024;
const FIELD_INVALID = 99992402;

/** Registers /open-apis/im/v1/chats, /messages and /messages/{id} on `server`, with realistic data. */
export function installImFixtures(server: LarkTestServer): ImFixtures {
	const fixtures: ImFixtures = {
		chats: chatList(),
		containers: new Map(),
		singles: new Map(),
		resources: new Map(),
		deniedChats: new Set(),
		tokenField: 'page_token',
		users: new Map([['ou_alice', 'Alice 王'], ['ou_bob', 'Bob Lee']]),
	};
	buildMessages(server, fixtures);
	installImRoutes(server, fixtures);
	return fixtures;
}

/**
 * Registers the chats / messages / message routes over any fixture state: the tests' data above, or
 * the sandbox's (test/support/sandbox), which brings its own chats, messages and resources.
 */
export function installImRoutes(server: LarkTestServer, fixtures: ImFixtures): void {
	server.route('GET', /^\/open-apis\/im\/v1\/chats$/, (req, res, url) => handleChats(server, fixtures, req, res, url));
	server.route('GET', /^\/open-apis\/im\/v1\/chats\/[^/]+$/, (req, res, url) => handleGetChat(server, fixtures, req, res, url));
	server.route('GET', /^\/open-apis\/im\/v1\/messages$/, (req, res, url) => handleMessages(server, fixtures, req, res, url));
	server.route('GET', /^\/open-apis\/im\/v1\/messages\/[^/]+$/, (req, res, url) => handleGetMessage(server, fixtures, req, res, url));
	server.route('GET', /^\/open-apis\/contact\/v3\/users\/batch$/, (req, res, url) => handleUsersBatch(server, fixtures, req, res, url));
}

/**
 * GET /contact/v3/users/batch?user_ids=…&user_id_type=open_id: the users it may show, each with `name`; others are
 * left out (code 0). Without the contact scope: 99991672 naming it (the same shape as the IM scope errors).
 */
function handleUsersBatch(server: LarkTestServer, fixtures: ImFixtures, req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
	if (!authorized(server, req, res)) {
		return;
	}
	if (fixtures.contactDenied === true) {
		sendJson(res, 400, { code: 99991672, msg: 'Access denied. One of the following scopes is required: [contact:user.base:readonly]', error: { log_id: 'log-99991672', permission_violations: [{ type: 'action_scope_required', subject: 'contact:user.base:readonly' }] } });
		return;
	}
	const ids = url.searchParams.getAll('user_ids');
	if (ids.length === 0 || ids.length > 50 || url.searchParams.get('user_id_type') !== 'open_id') {
		sendJson(res, 400, { code: 99992402, msg: 'field validation failed', error: { log_id: 'log-99992402' } });
		return;
	}
	const items = ids.flatMap((id) => {
		const name = fixtures.users?.get(id);
		return name === undefined ? [] : [{ open_id: id, name, en_name: name }];
	});
	sendJson(res, 200, { code: 0, msg: 'success', data: { items } });
}

/** A chat of `count` image messages, each with its own small resource (for bulk tests). */
export function addImageChat(server: LarkTestServer, fixtures: ImFixtures, chatId: string, count: number, size = 2 * KiB): ServedResource[] {
	const items: MessageItem[] = [];
	const served: ServedResource[] = [];
	for (let i = 0; i < count; i++) {
		const messageId = `om_${chatId}_${i}`;
		const key = `img_v3_${chatId}_${i}`;
		items.push(message(messageId, chatId, 'image', { image_key: key }, BASE_TIME + i * 1000));
		served.push(serve(server, fixtures, { messageId, fileKey: key, type: 'image', data: bytes(size), contentType: 'image/png' }));
	}
	fixtures.containers.set(chatId, items);
	items.forEach((item) => fixtures.singles.set(item.message_id, [item]));
	fixtures.chats.push({ item: { chat_id: chatId, name: `Bulk ${chatId}`, chat_mode: 'group', chat_status: 'normal', external: false }, createdAt: 100, activeAt: 100 });
	return served;
}

function chatList(): FixtureChat[] {
	const chat = (chat_id: string, name: string, chat_mode: ChatItem['chat_mode'], createdAt: number, activeAt: number, extra: Partial<ChatItem> = {}): FixtureChat => ({
		item: { chat_id, avatar: `https://s1-imfile.feishucdn.com/avatar/${chat_id}.png`, name, description: '', owner_id: 'ou_alice', owner_id_type: 'open_id', external: false, tenant_key: 'tenant_1', chat_status: 'normal', chat_mode, ...extra },
		createdAt,
		activeAt,
	});
	return [
		chat(IDS.designChat, 'Design team', 'group', 1, 9, { description: 'Specs, mockups and reviews' }),
		chat(IDS.financeChat, 'Finance', 'group', 2, 5),
		chat('oc_announce', 'Announcements', 'topic', 3, 7),
		chat('oc_partner', 'Partner (external)', 'group', 4, 2, { external: true }),
		chat('oc_old', 'Old project', 'group', 0, 0, { chat_status: 'dissolved' }),
		chat('oc_empty', 'Empty chat', 'group', 6, 1),
		chat(IDS.p2pChat, '', 'p2p', 5, 8, { p2p_target_type: 'user', p2p_target_id: 'ou_alice' }),
	];
}

/** A message item as the Open API sends it; `content` objects are JSON-encoded like Lark's `body.content`. */
export function message(id: string, chatId: string, msgType: string, content: unknown, createTime: number, extra: Partial<MessageItem> = {}): MessageItem {
	return {
		message_id: id,
		root_id: '',
		parent_id: '',
		msg_type: msgType,
		create_time: String(createTime),
		update_time: String(createTime),
		deleted: false,
		updated: false,
		chat_id: chatId,
		sender: { id: 'ou_alice', id_type: 'open_id', sender_type: 'user', tenant_key: 'tenant_1' },
		body: { content: typeof content === 'string' ? content : JSON.stringify(content) },
		...extra,
	};
}

function serve(server: LarkTestServer, fixtures: ImFixtures, resource: ServedResource): ServedResource {
	fixtures.resources.set(resource.fileKey, resource);
	return server.addResource(resource);
}

function buildMessages(server: LarkTestServer, fixtures: ImFixtures): void {
	const design = IDS.designChat;
	let minute = 0;
	const at = (): number => BASE_TIME + minute++ * 60_000;
	const file = (messageId: string, fileKey: string, type: 'image' | 'file', size: number, contentType: string, fileName?: string): void => {
		serve(server, fixtures, {
			messageId, fileKey, type, data: bytes(size), contentType,
			...(fileName === undefined ? {} : { contentDisposition: larkContentDisposition(fileName) }),
		});
	};

	const designMessages: MessageItem[] = [
		message('om_m01', design, 'text', { text: 'Kickoff: specs and assets below @_user_1' }, at(), {
			mentions: [{ key: '@_user_1', id: 'ou_bob', id_type: 'open_id', name: 'Bob', tenant_key: 'tenant_1' }],
		}),
		message('om_m02', design, 'image', { image_key: 'img_v3_photo' }, at()),
		message('om_m03', design, 'file', { file_key: 'file_v3_spec', file_name: 'spec.pdf' }, at()),
		message('om_m04', design, 'audio', { file_key: 'file_v3_voice', duration: 5200 }, at()),
		message('om_m05', design, 'media', { file_key: 'file_v3_video', image_key: 'img_v3_video_cover', file_name: 'demo.mp4', duration: 15000 }, at()),
		message(IDS.post, design, 'post', {
			zh_cn: { title: '周报', content: [[{ tag: 'text', text: '本周进展 ' }, { tag: 'img', image_key: 'img_v3_post_a' }], [{ tag: 'media', file_key: 'file_v3_post_clip', image_key: 'img_v3_post_clip_cover' }]] },
			en_us: { title: 'Weekly report', content: [[{ tag: 'text', text: 'Progress ' }, { tag: 'img', image_key: 'img_v3_post_a' }], [{ tag: 'img', image_key: 'img_v3_post_en' }]] },
		}, at()),
		message('om_m07', design, 'sticker', { file_key: 'file_v3_sticker' }, at()),
		message(IDS.card, design, 'interactive', {
			schema: '2.0',
			header: { title: { tag: 'plain_text', content: 'Build passed' } },
			body: { elements: [{ tag: 'markdown', content: 'All green' }, { tag: 'img', img_key: 'img_v3_card' }] },
		}, at(), { sender: { id: 'cli_build_bot', id_type: 'app_id', sender_type: 'app', tenant_key: 'tenant_1' } }),
		message('om_m09', design, 'folder', { file_key: 'file_v3_folder', file_name: 'Assets' }, at()),
		message(IDS.forward, design, 'merge_forward', 'Merged and Forwarded Message', at()),
		message('om_m11', design, 'image', 'This message was recalled', at(), { deleted: true }),
		message('om_m12', design, 'text', 'This message was recalled', at(), { deleted: true }),
		message('om_m13', design, 'file', '{"file_key": "file_v3_broken", "file_na', at()),
		message('om_m14', design, 'system', { template: '{from_user} invited {to_chatters} to this chat.', from_user: ['Alice'], to_chatters: ['Bob'] }, at(), { sender: { id: '', id_type: '', sender_type: 'system' } }),
		message('om_m15', design, 'text', { text: 'Review thread: comments on the mockups' }, at(), { thread_id: IDS.thread }),
		message('om_m16', design, 'share_chat', { chat_id: IDS.financeChat }, at()),
	];
	file('om_m02', 'img_v3_photo', 'image', 40 * KiB, 'image/png');
	file('om_m03', 'file_v3_spec', 'file', 300 * KiB, 'application/pdf', 'spec.pdf');
	file('om_m04', 'file_v3_voice', 'file', 12 * KiB, 'audio/opus');
	file('om_m05', 'file_v3_video', 'file', 90 * KiB, 'video/mp4', 'demo.mp4');
	file('om_m05', 'img_v3_video_cover', 'image', 6 * KiB, 'image/jpeg');
	// Card images download with type=image through the card's own message id (docs/lark-api.md §4.11).
	file(IDS.card, 'img_v3_card', 'image', 11 * KiB, 'image/png');
	file(IDS.post, 'img_v3_post_a', 'image', 8 * KiB, 'image/png');
	file(IDS.post, 'img_v3_post_en', 'image', 9 * KiB, 'image/png');
	file(IDS.post, 'file_v3_post_clip', 'file', 20 * KiB, 'video/mp4', 'clip.mp4');
	file(IDS.post, 'img_v3_post_clip_cover', 'image', 3 * KiB, 'image/jpeg');

	// Forwarded from the Finance chat: children keep their origin chat_id and point up to their
	// container; Lark serves their resources only under the top-level container id.
	const fwd = IDS.forward;
	const child = (id: string, upper: string, msgType: string, content: unknown): MessageItem =>
		message(id, IDS.financeChat, msgType, content, BASE_TIME - 86_400_000 + Number(id.replace(/\D/g, '')) * 1000, { upper_message_id: upper });
	const children: MessageItem[] = [
		child(IDS.forwardImageChild, fwd, 'image', { image_key: 'img_v3_fwd_receipt' }),
		child('om_fwd_c2', fwd, 'file', { file_key: 'file_v3_fwd_budget', file_name: 'budget.xlsx' }),
		child('om_fwd_c3', fwd, 'post', { title: 'Q2 numbers', content: [[{ tag: 'text', text: 'Chart: ' }, { tag: 'img', image_key: 'img_v3_fwd_chart' }]] }),
		child(IDS.nestedForward, fwd, 'merge_forward', 'Merged and Forwarded Message'),
		child(IDS.nestedVoiceChild, IDS.nestedForward, 'audio', { file_key: 'file_v3_fwd_voice', duration: 3000 }),
		child('om_fwd_c5', fwd, 'image', { image_key: 'img_v3_fwd_receipt' }),
	];
	file(fwd, 'img_v3_fwd_receipt', 'image', 7 * KiB, 'image/jpeg');
	file(fwd, 'file_v3_fwd_budget', 'file', 25 * KiB, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'budget.xlsx');
	file(fwd, 'img_v3_fwd_chart', 'image', 5 * KiB, 'image/png');
	file(fwd, 'file_v3_fwd_voice', 'file', 4 * KiB, 'audio/opus');

	const threadReplies: MessageItem[] = [
		message('om_thr_1', design, 'text', { text: 'Looks good, one nit on the header' }, BASE_TIME + 3_600_000, { thread_id: IDS.thread, root_id: 'om_m15', parent_id: 'om_m15' }),
		message('om_thr_2', design, 'image', { image_key: 'img_v3_thread' }, BASE_TIME + 3_660_000, { thread_id: IDS.thread, root_id: 'om_m15', parent_id: 'om_m15' }),
	];
	file('om_thr_2', 'img_v3_thread', 'image', 4 * KiB, 'image/png');

	const financeMessages: MessageItem[] = [
		message('om_f01', IDS.financeChat, 'text', { text: 'Invoice for May' }, BASE_TIME + 10_000),
		message('om_f02', IDS.financeChat, 'file', { file_key: 'file_v3_invoice', file_name: '季度报告 (Q2).pdf' }, BASE_TIME + 20_000),
	];
	file('om_f02', 'file_v3_invoice', 'file', 15 * KiB, 'application/pdf', '季度报告 (Q2).pdf');

	fixtures.containers.set(design, designMessages);
	fixtures.containers.set(IDS.thread, threadReplies);
	fixtures.containers.set(IDS.financeChat, financeMessages);
	fixtures.containers.set('oc_empty', []);
	for (const item of [...designMessages, ...threadReplies, ...financeMessages]) {
		fixtures.singles.set(item.message_id, [item]);
	}
	fixtures.singles.set(fwd, [designMessages.find((m) => m.message_id === fwd) as MessageItem, ...children]);
	for (const item of children) {
		fixtures.singles.set(item.message_id, [item]);
	}
	fixtures.singles.set(IDS.nestedForward, children.filter((m) => m.message_id === IDS.nestedForward || m.upper_message_id === IDS.nestedForward));
}

/** Rejects requests without a token this server issued, the way the Open API does. */
function authorized(server: LarkTestServer, req: http.IncomingMessage, res: http.ServerResponse): boolean {
	if (server.isAuthorized(req)) {
		return true;
	}
	const header = req.headers.authorization;
	if (header === undefined) {
		sendJson(res, 400, { code: 99991661, msg: 'Missing access token for authorization.' });
	} else {
		sendJson(res, 400, { code: header.startsWith('Bearer u-') ? 99991677 : 99991663, msg: 'Invalid access token for authorization.', error: { log_id: 'log-auth-im' } });
	}
	return false;
}

function invalidField(res: http.ServerResponse, what: string): void {
	sendJson(res, 400, { code: FIELD_INVALID, msg: `field validation failed: ${what}`, error: { log_id: 'log-field' } });
}

/** Parses page_size in [1, max]; Lark's default is 20. */
function pageSize(url: URL, max: number): number | undefined {
	const raw = url.searchParams.get('page_size');
	const size = raw === null ? 20 : Number(raw);
	return Number.isSafeInteger(size) && size >= 1 && size <= max ? size : undefined;
}

/** Opaque page tokens that encode an offset, and are refused if tampered with. */
function decodeToken(token: string | null): number | undefined {
	if (token === null || token === '') {
		return 0;
	}
	const m = /^pt_([A-Za-z0-9_-]+)$/.exec(token);
	const offset = m === null ? NaN : Number(Buffer.from(m[1] ?? '', 'base64url').toString());
	return Number.isSafeInteger(offset) && offset >= 0 ? offset : undefined;
}

function sendPage(res: http.ServerResponse, fixtures: ImFixtures, all: unknown[], offset: number, size: number): void {
	const items = all.slice(offset, offset + size);
	const hasMore = offset + size < all.length;
	const next = hasMore ? `pt_${Buffer.from(String(offset + size)).toString('base64url')}` : '';
	sendJson(res, 200, { code: 0, msg: 'success', data: { items, has_more: hasMore, [fixtures.tokenField]: next } });
}

function handleChats(server: LarkTestServer, fixtures: ImFixtures, req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
	if (!authorized(server, req, res)) {
		return;
	}
	const size = pageSize(url, 100);
	const offset = decodeToken(url.searchParams.get('page_token'));
	const sort = url.searchParams.get('sort_type') ?? 'ByCreateTimeAsc';
	const types = url.searchParams.get('types')?.split(',');
	if (size === undefined || offset === undefined || (sort !== 'ByCreateTimeAsc' && sort !== 'ByActiveTimeDesc')) {
		invalidField(res, 'page_size, page_token or sort_type');
		return;
	}
	if (types?.includes('p2p') === true && req.headers.authorization?.startsWith('Bearer t-') === true) {
		invalidField(res, 'types=p2p is not available to a tenant_access_token');
		return;
	}
	const wanted = (chat: FixtureChat): boolean => (chat.item.chat_mode === 'p2p' ? types?.includes('p2p') === true : types === undefined || types.includes('group'));
	const sorted = fixtures.chats.filter(wanted).sort((a, b) => (sort === 'ByActiveTimeDesc' ? b.activeAt - a.activeAt : a.createdAt - b.createdAt));
	sendPage(res, fixtures, sorted.map((chat) => chat.item), offset, size);
}

/** `GET /im/v1/chats/{chat_id}`: the chat's details, without chat_id (as the Open API answers). */
function handleGetChat(server: LarkTestServer, fixtures: ImFixtures, req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
	if (!authorized(server, req, res)) {
		return;
	}
	const id = decodeURIComponent(url.pathname.split('/').pop() ?? '');
	const chat = fixtures.chats.find((candidate) => candidate.item.chat_id === id);
	if (chat === undefined || fixtures.deniedChats.has(id)) {
		sendJson(res, 400, { code: 232011, msg: 'Operator can NOT be out of the chat.', error: { log_id: 'log-232011' } });
		return;
	}
	const details: Partial<ChatItem> = { ...chat.item };
	delete details.chat_id;
	sendJson(res, 200, { code: 0, msg: 'success', data: details });
}

function handleMessages(server: LarkTestServer, fixtures: ImFixtures, req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
	if (!authorized(server, req, res)) {
		return;
	}
	const q = url.searchParams;
	const size = pageSize(url, 50);
	const offset = decodeToken(q.get('page_token'));
	const sort = q.get('sort_type') ?? 'ByCreateTimeAsc';
	const containerType = q.get('container_id_type');
	const containerId = q.get('container_id') ?? '';
	if (size === undefined || offset === undefined || (sort !== 'ByCreateTimeAsc' && sort !== 'ByCreateTimeDesc') || (containerType !== 'chat' && containerType !== 'thread')) {
		invalidField(res, 'page_size, page_token, sort_type or container_id_type');
		return;
	}
	const messages = fixtures.containers.get(containerId);
	if (messages === undefined || fixtures.deniedChats.has(containerId) || containerId.startsWith('omt_') !== (containerType === 'thread')) {
		sendJson(res, 400, { code: 230002, msg: 'Bot/User can NOT be out of the chat.', error: { log_id: 'log-230002' } });
		return;
	}
	const start = q.has('start_time') ? Number(q.get('start_time')) * 1000 : -Infinity;
	const end = q.has('end_time') ? Number(q.get('end_time')) * 1000 : Infinity;
	const inRange = messages.filter((m) => Number(m.create_time) >= start && Number(m.create_time) < end + 1000);
	const sorted = sort === 'ByCreateTimeAsc' ? inRange : [...inRange].reverse();
	sendPage(res, fixtures, sorted, offset, size);
}

function handleGetMessage(server: LarkTestServer, fixtures: ImFixtures, req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
	if (!authorized(server, req, res)) {
		return;
	}
	const id = decodeURIComponent(url.pathname.split('/').pop() ?? '');
	const items = fixtures.singles.get(id);
	if (items === undefined) {
		sendJson(res, 400, { code: 230001, msg: 'Invalid message_id.', error: { log_id: 'log-230001' } });
		return;
	}
	sendJson(res, 200, { code: 0, msg: 'success', data: { items } });
}
