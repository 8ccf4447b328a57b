import * as assert from 'node:assert/strict';
import type { MessageItem } from '../../../../src/core/lark/apiTypes';
import { CARD_NOT_SERVED, extractAttachments, knownRefusal, NOT_DOWNLOADABLE_REASONS } from '../../../../src/core/lark/extractAttachments';
import { expandMessage } from '../../../../src/core/lark/mergeForward';
import { attachmentId } from '../../../../src/core/lark/model';
import { textPreview } from '../../../../src/core/lark/textPreview';
import { toChat, toMessage } from '../../../../src/core/lark/toDomain';

function item(msgType: string, content: unknown, extra: Partial<MessageItem> = {}): MessageItem {
	return {
		message_id: 'om_1',
		msg_type: msgType,
		create_time: '1714957200000',
		chat_id: 'oc_1',
		body: { content: typeof content === 'string' ? content : JSON.stringify(content) },
		...extra,
	};
}

/** The fields that matter, in a compact comparable form. */
function summary(msgType: string, content: unknown, extra: Partial<MessageItem> = {}): string[] {
	return extractAttachments(item(msgType, content, extra)).map((a) =>
		[a.kind, a.resourceType, a.key, a.name ?? '-', a.durationMs ?? '-', a.downloadable ? 'dl' : 'no'].join(' '));
}

describe('extractAttachments', () => {
	it('image → one image attachment downloaded with the message id', () => {
		const [attachment] = extractAttachments(item('image', { image_key: 'img_v3_a' }));
		assert.deepEqual(attachment, { messageId: 'om_1', sourceMessageId: 'om_1', key: 'img_v3_a', resourceType: 'image', kind: 'image', downloadable: true });
	});

	it('file → type file with its file name', () => {
		assert.deepEqual(summary('file', { file_key: 'file_v3_a', file_name: 'spec.pdf' }), ['file file file_v3_a spec.pdf - dl']);
	});

	it('audio → type file (never type=audio) with its duration: the key lark-cli dropped', () => {
		assert.deepEqual(summary('audio', { file_key: 'file_v3_voice', duration: 5200 }), ['audio file file_v3_voice - 5200 dl']);
	});

	for (const msgType of ['media', 'video']) {
		it(`${msgType} → the video as type file and its cover as its own image attachment`, () => {
			assert.deepEqual(summary(msgType, { file_key: 'file_v3_v', image_key: 'img_v3_cover', file_name: 'demo.mp4', duration: '15000' }), [
				'video file file_v3_v demo.mp4 15000 dl',
				'cover image img_v3_cover - - dl',
			]);
		});
	}

	it('post without a locale wrapper: img → image, media → file plus cover', () => {
		const content = { title: 'T', content: [[{ tag: 'text', text: 'x' }, { tag: 'img', image_key: 'img_p' }], [{ tag: 'media', file_key: 'file_m', image_key: 'img_mc' }]] };
		assert.deepEqual(summary('post', content), [
			'post-image image img_p - - dl',
			'post-media file file_m - - dl',
			'cover image img_mc - - dl',
		]);
	});

	it('post in zh_cn and en_us: every locale is read, shared keys once', () => {
		const content = {
			zh_cn: { title: '周报', content: [[{ tag: 'img', image_key: 'img_shared' }]] },
			en_us: { title: 'Weekly', content: [[{ tag: 'img', image_key: 'img_shared' }], [{ tag: 'img', image_key: 'img_en_only' }]] },
		};
		assert.deepEqual(summary('post', content).map((s) => s.split(' ')[2]), ['img_shared', 'img_en_only']);
	});

	it('post wrapped as {post: {ja_jp: …}} and with a flat paragraph still yields its image', () => {
		const content = { post: { ja_jp: { title: 'x', content: [{ tag: 'img', image_key: 'img_ja' }] } } };
		assert.deepEqual(summary('post', content), ['post-image image img_ja - - dl']);
	});

	it('sticker and folder are listed but not downloadable, each with its reason', () => {
		const sticker = extractAttachments(item('sticker', { file_key: 'file_st' }));
		const folder = extractAttachments(item('folder', { file_key: 'file_fo', file_name: 'Assets' }));
		assert.deepEqual(sticker.map((a) => [a.kind, a.downloadable, a.notDownloadableReason]), [['sticker', false, NOT_DOWNLOADABLE_REASONS.sticker]]);
		assert.deepEqual(folder.map((a) => [a.kind, a.name, a.downloadable, a.notDownloadableReason]), [['folder', 'Assets', false, NOT_DOWNLOADABLE_REASONS.folder]]);
	});

	it('card images are downloadable with type=image through the card\'s own message id (field evidence, §4.11)', () => {
		const card = extractAttachments(item('interactive', { schema: '2.0', body: { elements: [{ tag: 'img', img_key: 'img_card' }, { tag: 'column_set', columns: [{ elements: [{ tag: 'img', img_key: 'img_card2' }] }] }] } }));
		assert.deepEqual(card.map((a) => [a.kind, a.messageId, a.key, a.resourceType, a.downloadable, a.notDownloadableReason]),
			[['card', 'om_1', 'img_card', 'image', true, undefined], ['card', 'om_1', 'img_card2', 'image', true, undefined]]);
	});

	it('a 234043 for a card image is Lark\'s known refusal; the same code elsewhere is a failure to report', () => {
		assert.equal(knownRefusal({ kind: 'card' }, { code: 234043 }), CARD_NOT_SERVED);
		assert.equal(knownRefusal({ kind: 'card' }, { code: 234002 }), undefined);
		assert.equal(knownRefusal({ kind: 'image' }, { code: 234043 }), undefined);
	});

	it('a recalled message keeps its keys but marks them not downloadable', () => {
		const [attachment] = extractAttachments(item('image', { image_key: 'img_gone' }, { deleted: true }));
		assert.equal(attachment?.downloadable, false);
		assert.equal(attachment?.notDownloadableReason, NOT_DOWNLOADABLE_REASONS.deleted);
	});

	it('deduplicates per (message id, key)', () => {
		const content = { title: '', content: [[{ tag: 'img', image_key: 'img_x' }, { tag: 'img', image_key: 'img_x' }], [{ tag: 'media', file_key: 'file_y', image_key: 'img_x' }]] };
		const ids = extractAttachments(item('post', content)).map(attachmentId);
		assert.deepEqual(ids, ['om_1/img_x', 'om_1/file_y']);
	});

	const malformed: [string, string, string][] = [
		['truncated JSON', 'file', '{"file_key": "file_x", "file_na'],
		['plain text', 'image', 'This message was recalled'],
		['a JSON array', 'image', '[1,2]'],
		['a JSON string', 'file', '"file_x"'],
		['empty content', 'image', ''],
		['a non-string key', 'image', '{"image_key": 42}'],
		['a post whose content is not a list', 'post', '{"title": "x", "content": {"tag": "img"}}'],
		['an unknown msg_type', 'share_chat', '{"chat_id": "oc_x"}'],
	];
	for (const [title, msgType, content] of malformed) {
		it(`survives ${title} with no attachments`, () => {
			assert.deepEqual(extractAttachments(item(msgType, content)), []);
			assert.doesNotThrow(() => textPreview(item(msgType, content)));
		});
	}

	it('uses the download id it is given and keeps the carrying message as source', () => {
		const [attachment] = extractAttachments(item('file', { file_key: 'file_c' }, { message_id: 'om_child' }), 'om_container');
		assert.equal(attachment?.messageId, 'om_container');
		assert.equal(attachment?.sourceMessageId, 'om_child');
	});
});

describe('merge_forward expansion', () => {
	const container = item('merge_forward', 'Merged and Forwarded Message', { message_id: 'om_top' });
	const child = (id: string, upper: string, msgType: string, content: unknown): MessageItem =>
		item(msgType, content, { message_id: id, upper_message_id: upper, chat_id: 'oc_origin' });

	it('gives every child attachment, nested ones included, the top-level container id', () => {
		const items = [
			container,
			child('om_c1', 'om_top', 'image', { image_key: 'img_1' }),
			child('om_c2', 'om_top', 'merge_forward', 'Merged and Forwarded Message'),
			child('om_c2a', 'om_c2', 'file', { file_key: 'file_2', file_name: 'deep.txt' }),
			child('om_c3', 'om_top', 'image', { image_key: 'img_1' }),
		];
		const { container: message, children } = expandMessage(items, 'om_top');
		assert.deepEqual(message.attachments.map((a) => [a.messageId, a.sourceMessageId, a.key]), [
			['om_top', 'om_c1', 'img_1'],
			['om_top', 'om_c2a', 'file_2'],
		]);
		assert.deepEqual(children.map((c) => [c.id, c.upperMessageId, c.chatId]), [
			['om_c1', 'om_top', 'oc_origin'], ['om_c2', 'om_top', 'oc_origin'], ['om_c2a', 'om_c2', 'oc_origin'], ['om_c3', 'om_top', 'oc_origin'],
		]);
		assert.deepEqual(children.find((c) => c.id === 'om_c2')?.attachments.map((a) => a.key), ['file_2'], 'a nested container lists its subtree');
	});

	it('ignores cyclic upper_message_id links and unrelated items', () => {
		const items = [
			container,
			child('om_a', 'om_top', 'image', { image_key: 'img_a' }),
			child('om_x', 'om_y', 'image', { image_key: 'img_x' }),
			child('om_y', 'om_x', 'image', { image_key: 'img_y' }),
			child('om_top', 'om_a', 'image', { image_key: 'img_loop' }),
		];
		const { container: message, children } = expandMessage(items, 'om_top');
		assert.deepEqual(message.attachments.map((a) => a.key), ['img_a']);
		assert.deepEqual(children.map((c) => c.id), ['om_a']);
	});

	it('can expand a subtree while downloading through an outer container', () => {
		const items = [container, child('om_c2', 'om_top', 'merge_forward', ''), child('om_c2a', 'om_c2', 'image', { image_key: 'img_deep' })];
		const { container: message } = expandMessage(items, 'om_c2', 'om_top');
		assert.deepEqual(message.attachments.map(attachmentId), ['om_top/img_deep']);
	});
});

describe('domain mapping and previews', () => {
	it('maps a message with sender, time, thread and preview', () => {
		const message = toMessage(item('text', { text: 'hi @_user_1' }, {
			sender: { id: 'ou_a', id_type: 'open_id', sender_type: 'user' },
			mentions: [{ key: '@_user_1', id: 'ou_b', id_type: 'open_id', name: 'Bob' }],
			thread_id: 'omt_1', parent_id: '',
		}), []);
		assert.equal(message.createTime.toISOString(), '2024-05-06T01:00:00.000Z');
		assert.equal(message.senderId, 'ou_a');
		assert.equal(message.textPreview, 'hi @Bob');
		assert.equal(message.threadId, 'omt_1');
		assert.ok(!('parentId' in message), 'empty ids are left out');
	});

	const previews: [string, unknown, string][] = [
		['post', { zh_cn: { title: '周报', content: [[{ tag: 'text', text: '进展' }, { tag: 'img', image_key: 'k' }]] }, en_us: { title: 'Weekly', content: [] } }, '周报 进展[Image]'],
		['audio', { file_key: 'k', duration: 5200 }, '[Voice: 5s]'],
		['file', { file_key: 'k', file_name: 'a.pdf' }, '[File: a.pdf]'],
		['interactive', { header: { title: { content: 'Build passed' } } }, '[Card: Build passed]'],
		['sticker', { file_key: 'k' }, '[Sticker]'],
	];
	for (const [msgType, content, expected] of previews) {
		it(`previews ${msgType} as ${JSON.stringify(expected)}`, () => {
			assert.equal(textPreview(item(msgType, content)), expected);
		});
	}

	it('previews a merge_forward container (plain-text content) and non-JSON text', () => {
		assert.equal(textPreview(item('merge_forward', 'Merged and Forwarded Message')), '[Merged forward]');
		assert.equal(textPreview(item('text', 'plain words')), 'plain words');
		assert.equal(textPreview(item('image', 'not json')), '[Image]');
	});

	it('previews a recalled message as such and truncates long text', () => {
		assert.equal(textPreview(item('text', 'This message was recalled', { deleted: true })), '[Recalled]');
		assert.equal(textPreview(item('text', { text: 'x'.repeat(500) })).length, 200);
	});

	it('maps chats: p2p without a name falls back to the peer, topic stays topic', () => {
		assert.deepEqual(toChat({ chat_id: 'oc_p', name: '', chat_mode: 'p2p', p2p_target_id: 'ou_alice' }), { id: 'oc_p', name: 'ou_alice', type: 'p2p' });
		assert.equal(toChat({ chat_id: 'oc_t', name: 'News', chat_mode: 'topic', external: true }).type, 'topic');
		assert.equal(toChat({ chat_id: 'oc_g', name: 'G' }).type, 'group');
	});
});
