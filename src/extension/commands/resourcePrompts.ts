import * as vscode from 'vscode';
import { validateRelativeOutput } from '../../core/download/pathSafety';
import { parseResourceLine } from '../../core/download/resourceLine';
import { validateResourceRef, type ResourceRef } from '../../core/download/resource';
import { toLarkError } from '../../core/errors';
import { adviseOn } from '../platform/errorAdvice';
import type { DownloadResourceArgs } from './commandIds';

export interface ResourceInput {
	ref: ResourceRef;
	output?: string;
}

type ResourceType = 'image' | 'file';
type Step = 'message' | 'key' | 'type' | 'output';

/** The Back button was pressed: the previous step is shown again. */
const BACK = Symbol('back');

function problem(check: () => unknown): string | undefined {
	try {
		check();
		return undefined;
	} catch (error) {
		return adviseOn(toLarkError(error)).text;
	}
}

/** img_ → image, file_ → file; undefined when the key does not say. */
export function typeFromKey(fileKey: string | undefined): ResourceType | undefined {
	const key = fileKey?.trim() ?? '';
	return key.startsWith('img_') ? 'image' : key.startsWith('file_') ? 'file' : undefined;
}

/** A value typed in the first step: a whole pasted `om_… file_… [image|file]` line (with spaces), else a message id. */
function isLine(value: string): boolean {
	return /\s/.test(value.trim());
}

/** The first step's check as the user types: a message id, or a pasted line that reads completely. */
export function messageStepProblem(value: string): string | undefined {
	const text = value.trim();
	if (text === '') {
		return undefined;
	}
	if (isLine(text)) {
		let line: ResourceRef | undefined;
		const refused = problem(() => (line = parseResourceLine(text)));
		return refused ?? (line === undefined ? vscode.l10n.t('Paste one line with the message ID, the file key and optionally the type: om_… file_… [image|file].') : undefined);
	}
	return text.startsWith('om_') && text.length > 3 ? undefined : vscode.l10n.t('A message id starts with om_.');
}

/** The file key step's check as the user types. */
export function keyStepProblem(value: string): string | undefined {
	return value.trim() === '' ? undefined : problem(() => validateResourceRef({ messageId: 'om_x', fileKey: value.trim(), type: 'file' }));
}

/**
 * The seed command's fields as one multi-step input ("1/3", Back, placeholders, validation as you type): the
 * message id — or a whole pasted `om_… file_… [image|file]` line, which fills the next steps — the file key, the
 * type only when the key's prefix does not say it, and an optional output path. Values passed as arguments are
 * not asked again.
 */
export async function promptForResource(args: DownloadResourceArgs, title: string): Promise<ResourceInput> {
	const state: { messageId?: string; fileKey?: string; type?: ResourceType; output?: string; fromLine: boolean } = {
		messageId: args.messageId, fileKey: args.fileKey, type: args.type, output: args.output, fromLine: false,
	};
	const steps = (): Step[] => {
		const list: Step[] = [];
		if (args.messageId === undefined) {
			list.push('message');
		}
		if (args.fileKey === undefined && !state.fromLine) {
			list.push('key');
		}
		if (args.type === undefined && !state.fromLine && (state.fileKey === undefined ? false : typeFromKey(state.fileKey) === undefined)) {
			list.push('type');
		}
		if (args.output === undefined && args.messageId === undefined) {
			list.push('output');
		}
		return list;
	};
	let index = 0;
	for (;;) {
		const list = steps();
		const step = list[index];
		if (step === undefined) {
			break;
		}
		// Until the key is known the type step is not counted; it is added when the key does not say the type.
		const position = { step: index + 1, totalSteps: list.length, back: index > 0 };
		const answered = await runStep(step, title, position, state);
		if (answered === BACK) {
			index = Math.max(0, index - 1);
			continue;
		}
		index = steps().indexOf(step) + 1;
	}
	const ref = validateResourceRef({ messageId: state.messageId, fileKey: state.fileKey, type: state.type ?? typeFromKey(state.fileKey) });
	const output = state.output?.trim() === '' ? undefined : state.output?.trim();
	return { ref, ...(output === undefined ? {} : { output: validateRelativeOutput(output) }) };
}

interface Position {
	step: number;
	totalSteps: number;
	back: boolean;
}

async function runStep(step: Step, title: string, position: Position, state: { messageId?: string; fileKey?: string; type?: ResourceType; output?: string; fromLine: boolean }): Promise<typeof BACK | undefined> {
	switch (step) {
		case 'message': {
			const value = await inputStep({
				title, ...position,
				prompt: vscode.l10n.t('Message ID (om_…), or paste one line: om_… file_… image|file'),
				placeholder: vscode.l10n.t('om_…   or   om_… file_… [image|file]'),
				value: state.fromLine ? [state.messageId, state.fileKey, state.type].join(' ') : state.messageId,
				validate: messageStepProblem,
			});
			if (value === BACK) {
				return BACK;
			}
			const line = isLine(value) ? parseResourceLine(value.trim()) : undefined;
			if (line !== undefined) {
				state.messageId = line.messageId;
				state.fileKey = line.fileKey;
				state.type = line.type;
				state.fromLine = true;
			} else {
				state.messageId = value.trim();
				state.fromLine = false;
			}
			return undefined;
		}
		case 'key': {
			const value = await inputStep({
				title, ...position,
				prompt: vscode.l10n.t('File key (img_… or file_…) from the message content'),
				placeholder: vscode.l10n.t('img_… or file_…'),
				value: state.fileKey,
				validate: keyStepProblem,
			});
			if (value === BACK) {
				return BACK;
			}
			state.fileKey = value.trim();
			state.type = typeFromKey(state.fileKey) ?? state.type;
			return undefined;
		}
		case 'type': {
			const picked = await pickType(title, position, state.type);
			if (picked === BACK) {
				return BACK;
			}
			state.type = picked;
			return undefined;
		}
		case 'output': {
			const value = await inputStep({
				title, ...position,
				prompt: vscode.l10n.t('Output path relative to the workspace folder (optional; empty: the download folder with the sender\'s file name)'),
				placeholder: vscode.l10n.t('Optional, e.g. reports/contract.pdf'),
				value: state.output,
				allowEmpty: true,
				validate: (v) => (v.trim() === '' ? undefined : problem(() => validateRelativeOutput(v))),
			});
			if (value === BACK) {
				return BACK;
			}
			state.output = value;
			return undefined;
		}
	}
}

interface InputStep extends Position {
	title: string;
	prompt: string;
	placeholder: string;
	value?: string;
	allowEmpty?: boolean;
	validate: (value: string) => string | undefined;
}

/** One input box of the sequence: validated as the user types; Enter on an invalid value stays; Esc cancels. */
function inputStep(options: InputStep): Promise<string | typeof BACK> {
	const box = vscode.window.createInputBox();
	box.title = options.title;
	box.step = options.step;
	box.totalSteps = options.totalSteps;
	box.prompt = options.prompt;
	box.placeholder = options.placeholder;
	box.value = options.value ?? '';
	box.ignoreFocusOut = true;
	box.buttons = options.back ? [vscode.QuickInputButtons.Back] : [];
	box.validationMessage = box.value === '' ? undefined : options.validate(box.value);
	return showStep<string>(box, (finish) => [
		box.onDidChangeValue((value) => {
			box.validationMessage = options.validate(value);
		}),
		box.onDidAccept(() => {
			const value = box.value;
			const message = value.trim() === '' && options.allowEmpty !== true ? vscode.l10n.t('Required.') : options.validate(value);
			if (message !== undefined) {
				box.validationMessage = message;
				return;
			}
			finish(value);
		}),
	]);
}

/** The type step, only shown when the key's prefix does not say it. */
function pickType(title: string, position: Position, current: ResourceType | undefined): Promise<ResourceType | typeof BACK> {
	const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { type: ResourceType }>();
	pick.title = title;
	pick.step = position.step;
	pick.totalSteps = position.totalSteps;
	pick.placeholder = vscode.l10n.t('Resource type: the key does not say whether it is an image or a file');
	pick.ignoreFocusOut = true;
	pick.buttons = position.back ? [vscode.QuickInputButtons.Back] : [];
	pick.items = [
		{ label: 'file', description: vscode.l10n.t('files, audio and video'), type: 'file' },
		{ label: 'image', description: vscode.l10n.t('images and images in posts'), type: 'image' },
	];
	const active = pick.items.find((item) => item.type === current);
	if (active !== undefined) {
		pick.activeItems = [active];
	}
	return showStep<ResourceType>(pick, (finish) => [
		pick.onDidAccept(() => {
			const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
			if (chosen !== undefined) {
				finish(chosen.type);
			}
		}),
	]);
}

/**
 * Shows one step until it is accepted (`finish`, wired by `listen`), Back is pressed, or it is closed: then the
 * sequence is cancelled. The step and its listeners are disposed either way.
 */
function showStep<T>(step: vscode.InputBox | vscode.QuickPick<vscode.QuickPickItem>, listen: (finish: (value: T) => void) => vscode.Disposable[]): Promise<T | typeof BACK> {
	return new Promise<T | typeof BACK>((resolve, reject) => {
		let settled = false;
		const finish = (value: T | typeof BACK): void => {
			settled = true;
			resolve(value);
			step.hide();
		};
		const subscriptions = [
			...listen(finish),
			step.onDidTriggerButton((button) => {
				if (button === vscode.QuickInputButtons.Back) {
					finish(BACK);
				}
			}),
			step.onDidHide(() => {
				for (const subscription of subscriptions) {
					subscription.dispose();
				}
				step.dispose();
				if (!settled) {
					reject(new vscode.CancellationError());
				}
			}),
		];
		step.show();
	});
}
