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

function problem(check: () => unknown): string | undefined {
	try {
		check();
		return undefined;
	} catch (error) {
		return adviseOn(toLarkError(error)).text;
	}
}

/**
 * The seed command's fields, one validated input box each — or one pasted `om_… file_… image|file`
 * line. Values passed as arguments are not asked again.
 */
export async function promptForResource(args: DownloadResourceArgs, title: string): Promise<ResourceInput> {
	let messageId = args.messageId;
	let fileKey = args.fileKey;
	let type = args.type;
	if (messageId === undefined) {
		const first = await input(title, vscode.l10n.t('Message ID (om_…), or paste one line: om_… file_… image|file'), (value) => {
			if (/\s/.test(value.trim())) {
				return problem(() => parseResourceLine(value) ?? validateResourceRef({ messageId: value }));
			}
			return value.trim().startsWith('om_') && value.trim().length > 3 ? undefined : vscode.l10n.t('A message id starts with om_.');
		});
		const line = /\s/.test(first.trim()) ? parseResourceLine(first) : undefined;
		if (line !== undefined) {
			({ messageId, fileKey, type } = line);
		} else {
			messageId = first.trim();
		}
	}
	fileKey ??= await input(title, vscode.l10n.t('File key (img_… or file_…) from the message content'), (value) =>
		problem(() => validateResourceRef({ messageId: 'om_x', fileKey: value, type: 'file' })));
	if (type === undefined) {
		const items: (vscode.QuickPickItem & { type: 'image' | 'file' })[] = [
			{ label: 'image', description: vscode.l10n.t('images and images in posts'), type: 'image' },
			{ label: 'file', description: vscode.l10n.t('files, audio and video'), type: 'file' },
		];
		const picked = await vscode.window.showQuickPick(fileKey.startsWith('img_') ? items : items.reverse(), { title, placeHolder: vscode.l10n.t('Resource type') });
		if (picked === undefined) {
			throw new vscode.CancellationError();
		}
		type = picked.type;
	}
	const ref = validateResourceRef({ messageId, fileKey, type });
	let output = args.output;
	if (output === undefined && args.messageId === undefined) {
		const typed = await input(title, vscode.l10n.t('Output path relative to the workspace folder (optional; empty: the download folder with the sender\'s file name)'), (value) =>
			value.trim() === '' ? undefined : problem(() => validateRelativeOutput(value)), true);
		output = typed.trim() === '' ? undefined : typed.trim();
	}
	return { ref, ...(output === undefined ? {} : { output: validateRelativeOutput(output) }) };
}

async function input(title: string, prompt: string, validateInput: (value: string) => string | undefined, allowEmpty = false): Promise<string> {
	const value = await vscode.window.showInputBox({ title, prompt, ignoreFocusOut: true, validateInput: (v) => (allowEmpty || v.trim() !== '' ? validateInput(v) : vscode.l10n.t('Required.')) });
	if (value === undefined) {
		throw new vscode.CancellationError();
	}
	return value;
}
