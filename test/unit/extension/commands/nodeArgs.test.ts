import * as assert from 'node:assert/strict';
import type { Attachment, Chat, Message } from '../../../../src/core/lark/model';
import { installVscodeFake } from '../../../support/vscodeFake';

describe('the subject of a command (what its error message names first)', () => {
	let fake: ReturnType<typeof installVscodeFake>;
	let commandSubject: typeof import('../../../../src/extension/commands/nodeArgs').commandSubject;
	const chat = { id: 'oc_1', name: 'Finance' } as Chat;
	const file = (key: string, name?: string): Attachment => ({ messageId: 'om_1', sourceMessageId: 'om_1', key, resourceType: 'file', kind: 'file', downloadable: true, ...(name === undefined ? {} : { name }) });
	const message = (...attachments: Attachment[]): Message => ({ id: 'om_1', chatId: 'oc_1', msgType: 'file', createTime: new Date(0), deleted: false, textPreview: 'hi', attachments });

	before(async () => {
		fake = installVscodeFake();
		({ commandSubject } = await import('../../../../src/extension/commands/nodeArgs'));
	});
	after(() => fake.uninstall());

	it('an attachment row: its name, else its file key', () => {
		assert.equal(commandSubject([{ kind: 'attachment', chat, message: message(), attachment: file('file_1', '季度报告.pdf') }]), '季度报告.pdf');
		assert.equal(commandSubject([{ kind: 'attachment', chat, message: message(), attachment: file('img_v3_1') }]), 'img_v3_1');
	});

	it('a message row: its attachments; a chat row: the chat', () => {
		assert.equal(commandSubject([{ kind: 'message', chat, message: message(file('f1', 'a.pdf'), file('f2', 'b.pdf'), file('f3')) }]), 'a.pdf, b.pdf, …');
		assert.equal(commandSubject([{ kind: 'message', chat, message: message() }]), 'Finance');
		assert.equal(commandSubject([{ kind: 'chat', chat }]), 'Finance');
	});

	it('the palette\'s arguments: the file key; nothing for other commands', () => {
		assert.equal(commandSubject([{ messageId: 'om_1', fileKey: 'file_v3_x', type: 'file' }]), 'file_v3_x');
		assert.equal(commandSubject([{ brand: 'feishu', appId: 'cli_1', appSecret: 's' }]), undefined);
		assert.equal(commandSubject([]), undefined);
	});
});
