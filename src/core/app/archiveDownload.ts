import * as path from 'node:path';
import { readManifest } from '../archive/manifestStore';
import type { DownloadEngine } from '../download/downloadEngine';
import type { Message } from '../lark/model';
import { namingOf, type NameTemplate } from '../naming/nameTemplate';
import { planArchive, type ArchivePlan, type PlanOptions } from './archivePlan';
import { runArchive, type ArchiveRunOptions, type ArchiveSummary } from './archiveRun';

export interface ArchiveDownloadOptions extends PlanOptions, Omit<ArchiveRunOptions, 'outputFor' | 'chatNameOf'> {
	template: NameTemplate;
	/** A chat's name for `{chat}` and the record (the CLI asks Lark, the extension knows the chat it lists). */
	chatNameOf: (chatId: string) => Promise<string | undefined>;
	/**
	 * Told the plan before anything is fetched (how many files and bytes, how many skipped); answering false
	 * stops there: a dry run, or the user said no.
	 */
	confirm?: (plan: ArchivePlan) => boolean | Promise<boolean>;
}

export interface ArchiveDownloadResult {
	plan: ArchivePlan;
	/** Undefined when `confirm` said no. */
	summary?: ArchiveSummary;
}

/**
 * Downloads the attachments of listed messages into the download folder, skipping what its manifest says is
 * there and intact: the one flow behind `lark-dl download-all`, `lark-dl sync`, and the extension's Download
 * All in Message / in Chat and Sync Chat.
 */
export async function downloadIntoArchive(engine: Pick<DownloadEngine, 'download'>, messages: readonly Message[], options: ArchiveDownloadOptions): Promise<ArchiveDownloadResult> {
	const folderAbs = path.resolve(options.root, options.folder);
	const manifest = await readManifest(folderAbs);
	const plan = await planArchive(folderAbs, manifest, messages, options);
	if (options.confirm !== undefined && !(await options.confirm(plan))) {
		return { plan };
	}
	// Asked only when the template needs it (the CLI asks Lark): the record then keeps the chat's id alone.
	const names = new Map<string, string | undefined>();
	if (options.template.tokens.has('chat')) {
		for (const chatId of new Set(messages.map((message) => message.chatId))) {
			names.set(chatId, await options.chatNameOf(chatId));
		}
	}
	const known = (chatId: string): Promise<string | undefined> => Promise.resolve(names.get(chatId));
	const naming = await namingOf(options.template, messages, known, options.folder);
	const summary = await runArchive(engine, plan, { ...options, outputFor: naming.outputFor, chatNameOf: (chatId) => names.get(chatId) });
	return { plan, summary };
}
