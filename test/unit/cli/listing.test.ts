import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { listFiles, sha256, sha256File, tempDir } from '../../support/fixtures';
import { addImageChat, IDS, installImFixtures, type ImFixtures } from '../../support/imFixtures';
import { LarkTestServer } from '../../support/larkServer';
import { botEnv, runCli, startCli } from '../../support/runCli';

interface Envelope<T> {
	ok: boolean;
	identity: string;
	data: T;
}
interface ChatsData { chats: { chat_id: string; name: string; type: string }[]; has_more: boolean; page_token: string; notices?: { code: string }[] }
interface AttachmentJson { key: string; type: string; kind: string; name?: string; message_id: string; source_message_id?: string; downloadable: boolean; reason?: string; duration_ms?: number }
interface MessagesData { messages: { message_id: string; msg_type: string; text: string; deleted: boolean; attachments: AttachmentJson[] }[]; has_more: boolean; page_token: string }
interface ErrorJson { type: string; code?: number; message: string; hint?: string }
interface SummaryData {
	saved: { message_id: string; key: string; source_message_id?: string; saved_path: string; size_bytes: number }[];
	failed: { message_id: string; key: string | null; error: ErrorJson }[];
	skipped: { message_id: string; key: string; kind: string; reason: string }[];
}

describe('lark-dl chats, messages and download-all (the built CLI)', () => {
	let server: LarkTestServer;
	let fixtures: ImFixtures;
	let work: { dir: string; cleanup: () => Promise<void> };
	let env: Record<string, string>;

	beforeEach(async () => {
		server = await new LarkTestServer().start();
		fixtures = installImFixtures(server);
		work = await tempDir();
		env = botEnv(server);
	});

	afterEach(async () => {
		await server.stop();
		await work.cleanup();
	});

	async function ok<T>(args: string[], extraEnv: Record<string, string> = {}): Promise<Envelope<T>> {
		const result = await runCli(args, { cwd: work.dir, env: { ...env, ...extraEnv } });
		assert.equal(result.status, 0, result.stderr);
		assert.equal(result.stderr, '');
		return JSON.parse(result.stdout) as Envelope<T>;
	}

	const imRequests = (suffix: string) => server.requests.filter((r) => r.path === `/open-apis/im/v1/${suffix}`);

	describe('chats', () => {
		it('--page-all follows the page token to the end', async () => {
			const out = await ok<ChatsData>(['chats', '--page-all', '--page-size', '2']);
			assert.equal(out.identity, 'bot');
			assert.deepEqual(out.data.chats.map((c) => c.chat_id), [IDS.designChat, 'oc_announce', IDS.financeChat, 'oc_partner', 'oc_empty', 'oc_old']);
			assert.equal(out.data.has_more, false);
			assert.deepEqual(imRequests('chats').map((r) => r.query.page_token !== undefined), [false, true, true]);
		});

		it('one page prints has_more and the token that --page-token continues from', async () => {
			const first = await ok<ChatsData>(['chats', '--sort', 'created', '--page-size', '4']);
			assert.deepEqual(first.data.chats.map((c) => c.chat_id), ['oc_old', IDS.designChat, IDS.financeChat, 'oc_announce']);
			assert.equal(first.data.has_more, true);
			const second = await ok<ChatsData>(['chats', '--sort', 'created', '--page-size', '4', '--page-token', first.data.page_token]);
			assert.deepEqual(second.data.chats.map((c) => c.chat_id), ['oc_partner', 'oc_empty']);
			assert.equal(second.data.page_token, '');
			assert.equal(imRequests('chats')[0]?.query.sort_type, 'ByCreateTimeAsc');
		});

		it('bot: p2p is stripped from a mixed --types with a notice', async () => {
			const out = await ok<ChatsData>(['chats', '--types', 'group,p2p', '--as', 'bot']);
			assert.deepEqual(out.data.notices?.map((n) => n.code), ['bot_strip_p2p']);
			assert.equal(imRequests('chats')[0]?.query.types, 'group');
		});

		it('bot: p2p alone is refused in the CLI\'s words (the reason core gives, rendered with its flags)', async () => {
			const result = await runCli(['chats', '--types', 'p2p', '--as', 'bot'], { cwd: work.dir, env });
			assert.equal(result.status, 2);
			const error = (JSON.parse(result.stderr) as { error: ErrorJson & { reason?: string } }).error;
			assert.equal(error.reason, 'p2p-needs-user');
			assert.match(error.hint ?? '', /--as user/);
			assert.equal(server.requests.length, 0);
		});

		it('user: --types group,p2p lists the p2p chat too', async () => {
			const out = await ok<ChatsData>(['chats', '--types', 'group,p2p'], { LARK_USER_ACCESS_TOKEN: server.issueUserToken() });
			assert.equal(out.identity, 'user');
			assert.deepEqual(out.data.chats.find((c) => c.type === 'p2p'), { chat_id: IDS.p2pChat, name: 'ou_alice', type: 'p2p', external: false, avatar_url: `https://s1-imfile.feishucdn.com/avatar/${IDS.p2pChat}.png` });
		});
	});

	describe('messages', () => {
		it('prints every message with its attachments and the message id to download each with', async () => {
			const out = await ok<MessagesData>(['messages', '--chat-id', IDS.designChat, '--sort', 'asc', '--page-all']);
			assert.equal(out.data.messages.length, 16);
			const byId = new Map(out.data.messages.map((m) => [m.message_id, m]));
			assert.equal(byId.get('om_m01')?.text, 'Kickoff: specs and assets below @Bob');
			assert.deepEqual(byId.get('om_m04')?.attachments, [{ key: 'file_v3_voice', type: 'file', kind: 'audio', duration_ms: 5200, message_id: 'om_m04', downloadable: true }]);
			assert.deepEqual(byId.get(IDS.forward)?.attachments.map((a) => [a.key, a.message_id, a.source_message_id]), [
				['img_v3_fwd_receipt', IDS.forward, IDS.forwardImageChild],
				['file_v3_fwd_budget', IDS.forward, 'om_fwd_c2'],
				['img_v3_fwd_chart', IDS.forward, 'om_fwd_c3'],
				['file_v3_fwd_voice', IDS.forward, IDS.nestedVoiceChild],
			]);
			assert.deepEqual(byId.get('om_m07')?.attachments.map((a) => [a.kind, a.downloadable, typeof a.reason]), [['sticker', false, 'string']]);
			assert.deepEqual(byId.get(IDS.post)?.attachments.map((a) => `${a.kind}/${a.type}`), ['post-image/image', 'post-media/file', 'cover/image', 'post-image/image']);
			assert.equal(byId.get('om_m11')?.deleted, true);
		});

		it('--start/--end (RFC 3339) are sent as Unix seconds and narrow the listing', async () => {
			const out = await ok<MessagesData>(['messages', '--chat-id', IDS.designChat, '--start', '2024-05-06T09:02:00+08:00', '--end', '2024-05-06T09:04:00+08:00']);
			assert.deepEqual(out.data.messages.map((m) => m.message_id), ['om_m05', 'om_m04', 'om_m03'], 'newest first by default');
			const query = imRequests('messages')[0]?.query;
			assert.equal(query?.start_time, String(Date.UTC(2024, 4, 6, 1, 2) / 1000));
			assert.equal(query?.sort_type, 'ByCreateTimeDesc');
		});

		it('one page by default, with has_more and page_token', async () => {
			const out = await ok<MessagesData>(['messages', '--chat-id', IDS.designChat, '--page-size', '5']);
			assert.equal(out.data.messages.length, 5);
			assert.equal(out.data.has_more, true);
			assert.notEqual(out.data.page_token, '');
			assert.equal(imRequests('messages').length, 1);
		});

		it('lists a thread with --thread-id', async () => {
			const out = await ok<MessagesData>(['messages', '--thread-id', IDS.thread, '--sort', 'asc']);
			assert.deepEqual(out.data.messages.map((m) => m.message_id), ['om_thr_1', 'om_thr_2']);
		});
	});

	const invalid: [string, string[]][] = [
		['messages without a chat id', ['messages']],
		['a chat id without oc_', ['messages', '--chat-id', 'om_1']],
		['both --chat-id and --thread-id', ['messages', '--chat-id', 'oc_1', '--thread-id', 'omt_1']],
		['an unreadable --start', ['messages', '--chat-id', 'oc_1', '--start', 'yesterday']],
		['--start after --end', ['messages', '--chat-id', 'oc_1', '--start', '2024-05-07', '--end', '2024-05-06']],
		['a --page-size above 50', ['messages', '--chat-id', 'oc_1', '--page-size', '51']],
		['--page-all with --page-token', ['chats', '--page-all', '--page-token', 'x']],
		['a bad chats --sort', ['chats', '--sort', 'newest']],
		['a bad --types', ['chats', '--types', 'group,channel']],
		['p2p only as bot', ['chats', '--types', 'p2p', '--as', 'bot']],
		['--message-id with --start', ['download-all', '--message-id', 'om_1', '--start', '2024-05-06']],
		['--message-id with --chat-id', ['download-all', '--message-id', 'om_1', '--chat-id', 'oc_1']],
		['an --into outside the folder', ['download-all', '--chat-id', 'oc_1', '--into', '../elsewhere']],
		['an absolute --into', ['download-all', '--chat-id', 'oc_1', '--into', '/tmp']],
		['--concurrency 0', ['download-all', '--chat-id', 'oc_1', '--concurrency', '0']],
		['a bad --on-conflict', ['download-all', '--chat-id', 'oc_1', '--on-conflict', 'skip']],
		['an unknown flag', ['download-all', '--chat-id', 'oc_1', '--skip-existing']],
		['a bad --kinds', ['download-all', '--chat-id', 'oc_1', '--kinds', 'image,sticker']],
		['a bad --sender', ['download-all', '--chat-id', 'oc_1', '--sender', 'alice']],
		['sync without --chat-id', ['sync', '--into', 'x']],
		['sync with a bad --kinds', ['sync', '--chat-id', 'oc_1', '--kinds', '']],
	];
	for (const [title, args] of invalid) {
		it(`refuses ${title} with a validation error before any request`, async () => {
			const result = await runCli(args, { cwd: work.dir, env });
			assert.equal(result.status, 2, result.stderr);
			assert.equal(result.stdout, '');
			assert.equal((JSON.parse(result.stderr) as { error: ErrorJson }).error.type, 'validation');
			assert.equal(server.requests.length, 0);
		});
	}

	describe('download-all', () => {
		/** The local date and time of a design-chat message, as the name template writes them. */
		function sentAt(messageId: string): { date: string; time: string } {
			const sent = new Date(Number(fixtures.containers.get(IDS.designChat)?.find((m) => m.message_id === messageId)?.create_time));
			const pad = (n: number) => String(n).padStart(2, '0');
			return { date: `${sent.getFullYear()}-${pad(sent.getMonth() + 1)}-${pad(sent.getDate())}`, time: `${pad(sent.getHours())}${pad(sent.getMinutes())}${pad(sent.getSeconds())}` };
		}
		/** The name a nameless resource of the forwarded container gets: when, who (the name from the contact API), what, and the key's end. */
		function nameless(kind: string, keyTail: string, ext: string): string {
			const { date, time } = sentAt(IDS.forward);
			return `${date} ${time} Alice 王 ${kind} ${keyTail}${ext}`;
		}

		async function summaryOf(args: string[], expectedStatus: number): Promise<Envelope<SummaryData>> {
			const result = await runCli(args, { cwd: work.dir, env });
			assert.equal(result.status, expectedStatus, result.stderr);
			return JSON.parse(result.stdout) as Envelope<SummaryData>;
		}

		async function assertBytes(saved: SummaryData['saved']): Promise<void> {
			for (const item of saved) {
				const resource = fixtures.resources.get(item.key);
				assert.ok(resource, item.key);
				assert.equal(await sha256File(item.saved_path), sha256(resource.data), item.key);
				assert.equal(item.size_bytes, resource.data.length);
			}
		}

		it('downloads every attachment of a chat into --into, skipping what Lark cannot serve', async () => {
			const out = await summaryOf(['download-all', '--chat-id', IDS.designChat, '--into', 'export/'], 0);
			assert.equal(out.ok, true);
			assert.deepEqual(out.data.failed, []);
			assert.equal(out.data.saved.length, 14);
			await assertBytes(out.data.saved);
			// the default template {chat}/{name}: the chat's name as asked of GET /im/v1/chats/{id}, once
			assert.ok(out.data.saved.every((s) => path.dirname(s.saved_path) === path.join(work.dir, 'export', 'Design team')));
			assert.equal(imRequests(`chats/${IDS.designChat}`).length, 1);
			assert.deepEqual(out.data.skipped.map((s) => [s.message_id, s.key, s.kind]), [['om_m07', 'file_v3_sticker', 'sticker'], ['om_m09', 'file_v3_folder', 'folder']]);
			assert.ok(out.data.skipped.every((s) => s.reason.length > 10));
			const spec = out.data.saved.find((s) => s.key === 'file_v3_spec');
			assert.equal(spec?.saved_path, path.join(work.dir, 'export', 'Design team', 'spec.pdf'));
			const card = out.data.saved.find((s) => s.key === 'img_v3_card');
			assert.equal(card?.message_id, IDS.card, 'the card image, through the card\'s own message id');
		});

		it('saves a Chinese name that Lark sends as raw UTF-8 bytes (the listed name, known before the request)', async () => {
			const out = await summaryOf(['download-all', '--chat-id', IDS.financeChat], 0);
			assert.deepEqual(out.data.saved.map((s) => path.relative(work.dir, s.saved_path)), [path.join('Finance', '季度报告 (Q2).pdf')]);
			await assertBytes(out.data.saved);
			assert.deepEqual(await listFiles(work.dir), ['.lark-manifest.json', path.join('Finance', '季度报告 (Q2).pdf')]);
		});

		it('--name-template: date, time and sender name nameless images; a bad template is refused before any request', async () => {
			const out = await summaryOf(['download-all', '--chat-id', IDS.designChat, '--name-template', '{date}/{sender} {time} {name}'], 0);
			const photo = out.data.saved.find((s) => s.key === 'img_v3_photo');
			const { date, time } = sentAt('om_m02');
			assert.equal(path.relative(work.dir, photo?.saved_path ?? ''), path.join(date, `Alice 王 ${time} ${date} ${time} Alice 王 image _photo.png`), 'the sender\'s name from the contact API');
			assert.equal(imRequests(`chats/${IDS.designChat}`).length, 0, 'no {chat} in the template: the chat name is not asked for');
			assert.equal(server.requests.filter((r) => r.path === '/open-apis/contact/v3/users/batch').length, 1, 'one batch for every sender');

			const before = server.requests.length;
			const bad = await runCli(['download-all', '--chat-id', IDS.designChat, '--name-template', '../{name}'], { cwd: work.dir, env });
			assert.equal(bad.status, 2);
			assert.match((JSON.parse(bad.stderr) as { error: ErrorJson }).error.message, /Invalid name template/);
			assert.equal(server.requests.length, before);
		});

		it('without the contact scope, {sender} falls back to the open id after one refused request', async () => {
			fixtures.contactDenied = true;
			const out = await summaryOf(['download-all', '--chat-id', IDS.designChat, '--name-template', '{sender}/{name}'], 0);
			const photo = out.data.saved.find((s) => s.key === 'img_v3_photo');
			assert.equal(path.relative(work.dir, photo?.saved_path ?? '').split(path.sep)[0], 'ou_alice');
			assert.equal(server.requests.filter((r) => r.path === '/open-apis/contact/v3/users/batch').length, 1, 'asked once, then not again');
		});

		it('one permission failure: exit 1, typed error in failed, every other file saved', async () => {
			const served = addImageChat(server, fixtures, 'oc_many', 12);
			const denied = served[5];
			assert.ok(denied);
			denied.fault = () => ({ kind: 'status', status: 400, code: 234002, msg: 'no permission' });
			const out = await summaryOf(['download-all', '--chat-id', 'oc_many', '--concurrency', '4'], 1);
			assert.equal(out.ok, false);
			assert.deepEqual(out.data.failed.map((f) => [f.message_id, f.key, f.error.type, f.error.code]), [[denied.messageId, denied.fileKey, 'permission', 234002]]);
			assert.match(out.data.failed[0]?.error.hint ?? '', /not a missing API scope/);
			assert.equal(out.data.saved.length, 11);
			await assertBytes(out.data.saved);
		});

		it('--message-id of a merge_forward downloads its children through the container id', async () => {
			const out = await summaryOf(['download-all', '--message-id', IDS.forward], 0);
			assert.deepEqual(out.data.saved.map((s) => [s.message_id, s.source_message_id, path.basename(s.saved_path)]), [
				[IDS.forward, IDS.forwardImageChild, nameless('image', 'eceipt', '.jpg')],
				[IDS.forward, 'om_fwd_c2', 'budget.xlsx'],
				[IDS.forward, 'om_fwd_c3', nameless('image', '_chart', '.png')],
				[IDS.forward, IDS.nestedVoiceChild, nameless('voice', '_voice', '.opus')],
			]);
			assert.ok(out.data.saved.every((s) => path.dirname(s.saved_path) === path.join(work.dir, 'Design team')), 'the chat the container was sent in');
			await assertBytes(out.data.saved);
		});

		it('--message-id of a nested child still downloads through the top-level container', async () => {
			const out = await summaryOf(['download-all', '--message-id', IDS.nestedVoiceChild], 0);
			assert.deepEqual(out.data.saved.map((s) => [s.message_id, s.key]), [[IDS.forward, 'file_v3_fwd_voice']]);
		});

		it('a merge_forward whose children cannot be listed counts as failed (key null)', async () => {
			fixtures.singles.delete(IDS.forward);
			const out = await summaryOf(['download-all', '--chat-id', IDS.designChat], 1);
			assert.deepEqual(out.data.failed.map((f) => [f.message_id, f.key, f.error.code]), [[IDS.forward, null, 230001]]);
			assert.equal(out.data.saved.length, 10);
		});

		it('the summary never carries the tenant token, also when a failed item\'s error echoes it', async () => {
			const served = addImageChat(server, fixtures, 'oc_echo', 2);
			const echoing = served[1];
			assert.ok(echoing);
			echoing.fault = () => ({ kind: 'status', status: 400, code: 234002, msg: `denied for ${[...server.validTokens].join(', ')}` });
			const result = await runCli(['download-all', '--chat-id', 'oc_echo'], { cwd: work.dir, env });
			assert.equal(result.status, 1, result.stderr);
			const tokens = [...server.validTokens].filter((t) => t.startsWith('t-'));
			assert.ok(tokens.length > 0);
			for (const secret of [...tokens, server.appSecret]) {
				assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), 'secret leaked');
			}
			assert.match(result.stdout, /denied for \*\*\*/);
		});

		it('a listing the bot may not read fails as a whole with the typed envelope and exit 3', async () => {
			fixtures.deniedChats.add(IDS.financeChat);
			const result = await runCli(['download-all', '--chat-id', IDS.financeChat], { cwd: work.dir, env });
			assert.equal(result.status, 3);
			assert.equal(result.stdout, '');
			assert.deepEqual((JSON.parse(result.stderr) as { error: ErrorJson }).error.code, 230002);
			assert.deepEqual(await listFiles(work.dir), []);
		});

		it('SIGINT: exit 130 with the summary of what was saved and what was cancelled', async () => {
			const served = addImageChat(server, fixtures, 'oc_slow', 10);
			for (const resource of served.slice(2)) {
				resource.fault = () => ({ kind: 'stall', afterBytes: 10 });
			}
			const run = startCli(['download-all', '--chat-id', 'oc_slow', '--concurrency', '1'], { cwd: work.dir, env });
			const deadline = Date.now() + 10_000;
			while (server.resourceRequests().length < 3 && Date.now() < deadline) {
				await new Promise((resolve) => setTimeout(resolve, 10));
			}
			run.child.kill('SIGINT');
			const result = await run.done;
			assert.equal(result.status, 130, result.stderr);
			const out = JSON.parse(result.stdout) as Envelope<SummaryData>;
			assert.equal(out.ok, false);
			assert.equal(out.data.saved.length, 2);
			assert.equal(out.data.failed.length, 8);
			assert.ok(out.data.failed.every((f) => f.error.type === 'cancelled'));
			assert.equal(server.resourceRequests().length, 3, 'nothing requested after the interrupt');
		});
	});
});
