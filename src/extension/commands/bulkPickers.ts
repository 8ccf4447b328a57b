import * as vscode from 'vscode';
import { filterKindOf, type ArchivePlan, type AttachmentFilter, type AttachmentFilterKind } from '../../core/app/archivePlan';
import { toLarkError } from '../../core/errors';
import type { Message } from '../../core/lark/model';
import { parseTimeArg } from '../../core/lark/timeParse';
import { adviseOn } from '../platform/errorAdvice';
import { planText, type BulkChoice, type SyncScope } from '../services/archiveService';

export interface TimeRange {
	start?: Date;
	end?: Date;
}

interface RangeItem extends vscode.QuickPickItem {
	range?: TimeRange;
	custom?: boolean;
}

export function inRange(messages: readonly Message[], range: TimeRange): Message[] {
	return messages.filter((message) => (range.start === undefined || message.createTime >= range.start) && (range.end === undefined || message.createTime <= range.end));
}

/**
 * Which messages: each choice shows what it would fetch and skip ("know before you start"), from the chat's
 * messages already listed and the folder's record.
 */
export async function pickRange(chatName: string, messages: readonly Message[], planOf: (subset: Message[]) => Promise<ArchivePlan>): Promise<TimeRange> {
	const now = Date.now();
	const choices: { label: string; range: TimeRange }[] = [
		{ label: vscode.l10n.t('Last 24 hours'), range: { start: new Date(now - 86_400_000) } },
		{ label: vscode.l10n.t('Last 7 days'), range: { start: new Date(now - 7 * 86_400_000) } },
		{ label: vscode.l10n.t('Last 30 days'), range: { start: new Date(now - 30 * 86_400_000) } },
		{ label: vscode.l10n.t('All messages'), range: {} },
	];
	const items: RangeItem[] = [];
	for (const choice of choices) {
		items.push({ label: choice.label, description: planText(await planOf(inRange(messages, choice.range))), range: choice.range });
	}
	items.push({ label: vscode.l10n.t('Custom range…'), custom: true });
	const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Download all attachments in {0}', chatName), placeHolder: vscode.l10n.t('Which messages?') });
	if (picked === undefined) {
		throw new vscode.CancellationError();
	}
	if (picked.range !== undefined) {
		return picked.range;
	}
	const start = await askDate(vscode.l10n.t('From (YYYY-MM-DD, optional)'), 'start');
	const end = await askDate(vscode.l10n.t('To (YYYY-MM-DD, optional)'), 'end');
	return { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) };
}

async function askDate(prompt: string, bound: 'start' | 'end'): Promise<Date | undefined> {
	const value = await vscode.window.showInputBox({
		prompt,
		ignoreFocusOut: true,
		validateInput: (v) => {
			if (v.trim() === '') {
				return undefined;
			}
			try {
				parseTimeArg(v.trim(), bound);
				return undefined;
			} catch (error) {
				return adviseOn(toLarkError(error)).text;
			}
		},
	});
	if (value === undefined) {
		throw new vscode.CancellationError();
	}
	return value.trim() === '' ? undefined : parseTimeArg(value.trim(), bound);
}

interface FilterItem extends vscode.QuickPickItem {
	attachmentKind?: AttachmentFilterKind;
	sender?: string;
	force?: boolean;
}

/**
 * What to fetch of a plan: its kinds and senders with their counts, all picked at first (Enter takes them all).
 * Not asked when there is nothing to choose between.
 */
export async function pickFilter(plan: ArchivePlan, senderLabel: (message: Message) => string): Promise<BulkChoice> {
	const kinds = new Map<AttachmentFilterKind, number>();
	const senders = new Map<string, { label: string; count: number }>();
	for (const item of plan.fetch) {
		const kind = filterKindOf(item.attachment.kind);
		if (kind !== undefined) {
			kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
		}
		const id = item.message.senderId ?? '';
		senders.set(id, { label: senderLabel(item.message), count: (senders.get(id)?.count ?? 0) + 1 });
	}
	if (kinds.size <= 1 && senders.size <= 1 && plan.skip.length === 0) {
		return {};
	}
	const kindWords: Record<AttachmentFilterKind, string> = { image: vscode.l10n.t('Images'), file: vscode.l10n.t('Files'), audio: vscode.l10n.t('Audio'), video: vscode.l10n.t('Videos') };
	const items: FilterItem[] = [{ label: vscode.l10n.t('Kinds'), kind: vscode.QuickPickItemKind.Separator }];
	for (const [kind, count] of kinds) {
		items.push({ label: kindWords[kind], description: String(count), attachmentKind: kind, picked: true });
	}
	items.push({ label: vscode.l10n.t('Senders'), kind: vscode.QuickPickItemKind.Separator });
	for (const [sender, { label, count }] of senders) {
		items.push({ label, description: String(count), sender, picked: true });
	}
	if (plan.skip.length > 0) {
		items.push({ label: vscode.l10n.t('Already downloaded'), kind: vscode.QuickPickItemKind.Separator });
		items.push({ label: vscode.l10n.t('Download again the {0} files already downloaded', plan.skip.length), force: true, picked: false });
	}
	const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: vscode.l10n.t('What to download'), placeHolder: vscode.l10n.t('Press Enter to download all of them, or untick what you do not want') });
	if (picked === undefined || picked.length === 0) {
		throw new vscode.CancellationError();
	}
	const pickedKinds = picked.flatMap((item) => (item.attachmentKind === undefined ? [] : [item.attachmentKind]));
	const pickedSenders = picked.flatMap((item) => (item.sender === undefined ? [] : [item.sender]));
	const filter: AttachmentFilter = {
		...(pickedKinds.length === 0 || pickedKinds.length === kinds.size ? {} : { kinds: new Set(pickedKinds) }),
		...(pickedSenders.length === 0 || pickedSenders.length === senders.size ? {} : { senders: new Set(pickedSenders) }),
	};
	return { filter, force: picked.some((item) => item.force === true) };
}

interface ScopeItem extends vscode.QuickPickItem {
	scope?: SyncScope;
	sender?: boolean;
	range?: boolean;
}

/**
 * What Sync Chat looks at: everything new (the first item: Enter), one kind, one sender of the messages shown in
 * the tree, or a time range. Each kind and sender keeps its own cursor, so a narrow sync never hides the rest.
 */
export async function pickSyncScope(chatName: string, shownMessages: readonly Message[], senderLabel: (message: Message) => string): Promise<SyncScope> {
	const only = (kind: AttachmentFilterKind, label: string): ScopeItem => ({ label, scope: { filter: { kinds: new Set([kind]) } } });
	const items: ScopeItem[] = [
		{ label: vscode.l10n.t('Everything new'), description: vscode.l10n.t('since the last sync of this chat'), scope: {} },
		only('image', vscode.l10n.t('Only images')),
		only('file', vscode.l10n.t('Only files')),
		only('audio', vscode.l10n.t('Only voice messages')),
		only('video', vscode.l10n.t('Only videos')),
		{ label: vscode.l10n.t('Only from one sender…'), sender: true },
		{ label: vscode.l10n.t('A time range…'), description: vscode.l10n.t('looks at that range, whatever was synced before'), range: true },
	];
	const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Sync {0}', chatName), placeHolder: vscode.l10n.t('Press Enter to sync everything new') });
	if (picked === undefined) {
		throw new vscode.CancellationError();
	}
	if (picked.range === true) {
		const start = await askDate(vscode.l10n.t('From (YYYY-MM-DD, optional)'), 'start');
		const end = await askDate(vscode.l10n.t('To (YYYY-MM-DD, optional)'), 'end');
		return { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) };
	}
	if (picked.sender === true) {
		const senders = new Map<string, string>();
		for (const message of shownMessages) {
			if (message.senderId !== undefined && message.senderType !== 'app') {
				senders.set(message.senderId, senderLabel(message));
			}
		}
		const who = await vscode.window.showQuickPick([...senders].map(([id, label]) => ({ label, id })), { title: vscode.l10n.t('Sync {0}', chatName), placeHolder: vscode.l10n.t('Whose attachments?') });
		if (who === undefined) {
			throw new vscode.CancellationError();
		}
		return { filter: { senders: new Set([who.id]) } };
	}
	return picked.scope ?? {};
}
