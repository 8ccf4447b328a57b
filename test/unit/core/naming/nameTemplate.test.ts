import * as assert from 'node:assert/strict';
import type { Attachment, Message } from '../../../../src/core/lark/model';
import { AttachmentNaming, DEFAULT_NAME_TEMPLATE, parseNameTemplate } from '../../../../src/core/naming/nameTemplate';
import { LarkError } from '../../../../src/core/errors';

const attachment = (extra: Partial<Attachment>): Attachment => ({
	messageId: 'om_1', sourceMessageId: 'om_1', key: 'img_v3_0288_6f1c2a3b-c80g', resourceType: 'image', kind: 'image', downloadable: true, ...extra,
});
const message = (attachments: Attachment[], extra: Partial<Message> = {}): Message => ({
	id: 'om_1', chatId: 'oc_1', msgType: 'image', senderId: 'ou_7d8a1b2c3d4e6706', createTime: new Date(2026, 11, 1, 8, 30, 12), deleted: false, textPreview: '', attachments, ...extra,
});

describe('name template', () => {
	it('default {chat}/{name}: a named file keeps the name from the message, under its chat', () => {
		const file = attachment({ kind: 'file', resourceType: 'file', key: 'file_v3_x', name: '季度报告.pdf' });
		const naming = new AttachmentNaming(parseNameTemplate(DEFAULT_NAME_TEMPLATE));
		naming.addMessage(message([file]), '财务 Finance');
		assert.equal(naming.outputFor(file), '财务 Finance/季度报告.pdf');
	});

	it('a nameless image gets date, time, sender and kind, with the end of the key to keep two apart', () => {
		const image = attachment({});
		const naming = new AttachmentNaming(parseNameTemplate(DEFAULT_NAME_TEMPLATE), 'lark-downloads');
		naming.addMessage(message([image], { senderName: '张伟' }), 'Design');
		assert.equal(naming.outputFor(image), 'lark-downloads/Design/2026-12-01 083012 张伟 image b-c80g');
	});

	it('without a sender name, the end of the sender id; without a chat name, the chat id', () => {
		const voice = attachment({ kind: 'audio', resourceType: 'file', key: 'file_v3_voice01' });
		const naming = new AttachmentNaming(parseNameTemplate('{chat}/{sender}/{name}'));
		naming.addMessage(message([voice]));
		assert.equal(naming.outputFor(voice), `oc_1/3d4e6706/2026-12-01 083012 3d4e6706 voice oice01`);
	});

	it('a token value never makes a folder or leaves the download folder', () => {
		const file = attachment({ kind: 'file', resourceType: 'file', name: '../../etc/passwd' });
		const naming = new AttachmentNaming(parseNameTemplate('{chat}/{name}'));
		naming.addMessage(message([file]), 'a/../b');
		const output = naming.outputFor(file);
		assert.equal(output.split('/').length, 2, output);
		assert.ok(!output.split('/').includes('..'), output);
	});

	it('{date}/{time}/{key}{ext} and {kind}, {message}', () => {
		const file = attachment({ kind: 'file', resourceType: 'file', key: 'file_v3_k', name: 'a.tar.gz' });
		const naming = new AttachmentNaming(parseNameTemplate('{date}/{kind} {message} {time}-{key}{ext}'));
		naming.addMessage(message([file]));
		assert.equal(naming.outputFor(file), '2026-12-01/file om_1 083012-file_v3_k.gz');
	});

	const bad: [string, RegExp][] = [
		['', /empty/],
		['{chat}', /needs \{name\} or \{key\}/],
		['{chat}/{nam}', /\{nam\} is not a token/],
		['{chat}/{name', /brace/],
		['{ext}{name}', /\{ext\} may only stand at the very end/],
		['../{name}', /escapes/],
		['/abs/{name}', /absolute/],
	];
	for (const [template, why] of bad) {
		it(`refuses ${JSON.stringify(template)}`, () => {
			assert.throws(() => parseNameTemplate(template), (error: unknown) => error instanceof LarkError && error.type === 'validation' && why.test(error.message));
		});
	}
});
