import * as assert from 'node:assert/strict';
import { installVscodeFake, QuickInputButtons, window, type FakeQuickInput } from '../../../support/vscodeFake';

describe('the palette\'s multi-step input (Download Message Resource…, Preview Request…)', () => {
	let fake: ReturnType<typeof installVscodeFake>;
	let prompts: typeof import('../../../../src/extension/commands/resourcePrompts');

	before(async () => {
		fake = installVscodeFake();
		prompts = await import('../../../../src/extension/commands/resourcePrompts');
	});
	beforeEach(() => fake.reset());
	after(() => fake.uninstall());

	/** Drives the shown inputs in turn with `script`; past its end, Esc. */
	function drive(...script: ((input: FakeQuickInput) => void)[]): void {
		window.driveInput = (input) => (script.shift() ?? ((i: FakeQuickInput) => i.hide()))(input);
	}
	const enter = (value: string) => (input: FakeQuickInput) => {
		input.type(value);
		input.accept();
	};
	const seen = () => window.quickInputs.map((input) => `${input.kind} ${input.step ?? '?'}/${input.totalSteps ?? '?'} ${input.placeholder ?? ''}`);

	it('counts the steps, shows placeholders, and infers the type from the key (img_ → image): no type question', async () => {
		drive(enter('om_abc'), enter('img_v3_cat'), enter(''));
		const result = await prompts.promptForResource({}, 'Lark: Download Message Resource');
		assert.deepEqual(result, { ref: { messageId: 'om_abc', fileKey: 'img_v3_cat', type: 'image' } });
		assert.deepEqual(seen(), [
			'input 1/3 om_…   or   om_… file_… [image|file]',
			'input 2/3 img_… or file_…',
			'input 3/3 Optional, e.g. reports/contract.pdf',
		]);
		assert.equal(window.quickInputs[0]?.title, 'Lark: Download Message Resource');
		assert.deepEqual(window.quickInputs[1]?.buttons, [QuickInputButtons.Back]);
	});

	it('validates as the user types, and Enter on an invalid value stays on the step', async () => {
		drive((input) => {
			input.type('abc');
			assert.equal(input.validationMessage, 'A message id starts with om_.');
			input.accept();
			assert.equal(input.visible, true, 'still asking');
			input.type('om_1');
			assert.equal(input.validationMessage, undefined);
			input.hide();
		});
		await assert.rejects(prompts.promptForResource({}, 't'), (error: Error) => error.constructor.name === 'CancellationError');
	});

	it('a pasted line that does not read says what a line holds', () => {
		assert.equal(prompts.messageStepProblem('om_1 a b c d'), 'Paste one line with the message ID, the file key and optionally the type: om_… file_… [image|file].');
		assert.equal(prompts.messageStepProblem('om_1 v3_unknown'), 'Choose the resource type: image for images, file for files, audio and video.');
		assert.equal(prompts.messageStepProblem('om_1 img_v3_x'), undefined);
	});

	it('a key whose prefix does not say the type adds the type step (and counts it)', async () => {
		drive(enter('om_abc'), enter('v3_00ab_unknown'), (pick) => pick.pick('file'), enter('docs/a.bin'));
		const result = await prompts.promptForResource({}, 't');
		assert.deepEqual(result, { ref: { messageId: 'om_abc', fileKey: 'v3_00ab_unknown', type: 'file' }, output: 'docs/a.bin' });
		assert.deepEqual(seen().map((line) => line.split(' ').slice(0, 2).join(' ')), ['input 1/3', 'input 2/3', 'pick 3/4', 'input 4/4']);
	});

	it('a pasted "om_… file_… [type]" line fills the key and type steps', async () => {
		drive(enter('om_abc  file_v3_report'), enter(''));
		const result = await prompts.promptForResource({}, 't');
		assert.deepEqual(result, { ref: { messageId: 'om_abc', fileKey: 'file_v3_report', type: 'file' } });
		assert.deepEqual(seen().map((line) => line.split(' ').slice(0, 2).join(' ')), ['input 1/3', 'input 2/2'], 'the key and type steps drop out once the line is read');
	});

	it('Back returns to the previous step with what was typed', async () => {
		drive(enter('om_abc'), (input) => input.back(), (input) => {
			assert.equal(input.value, 'om_abc');
			enter('om_def')(input);
		}, enter('file_v3_x'), enter(''));
		const result = await prompts.promptForResource({}, 't');
		assert.equal(result.ref.messageId, 'om_def');
	});

	it('arguments are not asked again; with a message id the output is not asked', async () => {
		drive(enter('file_v3_x'));
		const result = await prompts.promptForResource({ messageId: 'om_given' }, 't');
		assert.deepEqual(result, { ref: { messageId: 'om_given', fileKey: 'file_v3_x', type: 'file' } });
		assert.deepEqual(seen().map((line) => line.split(' ').slice(0, 2).join(' ')), ['input 1/1']);
	});
});
