import * as path from 'node:path';
import type { ArchivePlan, AttachmentFilter, AttachmentFilterKind } from '../../core/app/archivePlan';
import { DEFAULT_BULK_CONCURRENCY } from '../../core/bulk/bulkDownload';
import type { ConflictPolicy } from '../../core/download/commitFile';
import { validateRelativeFolder } from '../../core/download/pathSafety';
import { DEFAULT_NAME_TEMPLATE, parseNameTemplate, type NameTemplate } from '../../core/naming/nameTemplate';
import { parseConflictPolicy, parsePositiveInteger } from './download';
import type { ArchiveSummary } from '../../core/app/archiveRun';
import type { BulkEvent } from '../../core/bulk/bulkDownload';
import { LarkError } from '../../core/errors';
import type { ListNotice } from '../../core/lark/larkClient';
import type { Attachment } from '../../core/lark/model';
import { formatBytes } from '../../core/util/formatBytes';
import { redactSecrets } from '../../core/secrets/secretRegistry';
import { cliErrorJson } from '../errorHints';
import type { Io } from '../output';

/** The flags `download-all` and `sync` share: where, how, and what to fetch. */
export const ARCHIVE_OPTIONS = {
	start: { type: 'string' },
	end: { type: 'string' },
	into: { type: 'string' },
	'name-template': { type: 'string' },
	concurrency: { type: 'string' },
	'on-conflict': { type: 'string' },
	as: { type: 'string' },
	kinds: { type: 'string' },
	sender: { type: 'string', multiple: true },
	force: { type: 'boolean' },
	'keep-duplicates': { type: 'boolean' },
	'dry-run': { type: 'boolean' },
} as const;

export interface ArchiveFlags {
	folder: string;
	template: NameTemplate;
	concurrency: number;
	onConflict: ConflictPolicy | undefined;
	filter: AttachmentFilter;
	force: boolean;
	keepDuplicates: boolean;
	dryRun: boolean;
}

type PlacementValues = { into?: string; 'name-template'?: string; concurrency?: string; 'on-conflict'?: string };

/** Where and how files land (`--into`, `--name-template`, `--concurrency`, `--on-conflict`): every bulk command. */
export function parsePlacementFlags(values: PlacementValues): Pick<ArchiveFlags, 'folder' | 'template' | 'concurrency' | 'onConflict'> {
	return {
		folder: parseInto(values.into),
		template: parseNameTemplate(values['name-template'] ?? DEFAULT_NAME_TEMPLATE),
		concurrency: parsePositiveInteger('--concurrency', values.concurrency, 1, 16) ?? DEFAULT_BULK_CONCURRENCY,
		onConflict: parseConflictPolicy(values['on-conflict']),
	};
}

/** The shared flags, validated before the first request. */
export function parseArchiveFlags(values: PlacementValues & { kinds?: string; sender?: string[]; force?: boolean; 'keep-duplicates'?: boolean; 'dry-run'?: boolean }): ArchiveFlags {
	return {
		...parsePlacementFlags(values),
		filter: parseFilter(values.kinds, values.sender),
		force: values.force === true,
		keepDuplicates: values['keep-duplicates'] === true,
		dryRun: values['dry-run'] === true,
	};
}

/** `--into` names a folder (the download folder, holding its manifest): trailing slashes are fine, `.` is the working directory. */
export function parseInto(value: string | undefined): string {
	return value === undefined ? '.' : validateRelativeFolder(value);
}

export const ARCHIVE_USAGE = '[--kinds image,file,audio,video] [--sender ou_…]… [--force] [--keep-duplicates] [--dry-run]';

const FILTER_KINDS: readonly AttachmentFilterKind[] = ['image', 'file', 'audio', 'video'];

/** `--kinds image,file` and `--sender ou_…` (repeatable, or comma-separated) as a filter. */
export function parseFilter(kinds: string | undefined, senders: readonly string[] | undefined): AttachmentFilter {
	const filter: AttachmentFilter = {};
	if (kinds !== undefined) {
		const wanted = kinds.split(',').map((kind) => kind.trim()).filter((kind) => kind !== '');
		const unknown = wanted.filter((kind) => !FILTER_KINDS.includes(kind as AttachmentFilterKind));
		if (wanted.length === 0 || unknown.length > 0) {
			throw new LarkError('validation', `Invalid --kinds ${JSON.stringify(kinds)}: a comma-separated list of ${FILTER_KINDS.join(', ')}.`);
		}
		Object.assign(filter, { kinds: new Set(wanted as AttachmentFilterKind[]) });
	}
	if (senders !== undefined && senders.length > 0) {
		const ids = senders.flatMap((value) => value.split(',')).map((id) => id.trim()).filter((id) => id !== '');
		const bad = ids.find((id) => !/^ou_[A-Za-z0-9_-]+$/.test(id));
		if (ids.length === 0 || bad !== undefined) {
			throw new LarkError('validation', `Invalid --sender ${JSON.stringify(bad ?? '')}: give the sender's open id (ou_…) from \`lark-dl messages\`.`);
		}
		Object.assign(filter, { senders: new Set(ids) });
	}
	return filter;
}

/** The plan's numbers, as JSON and as one line for a person. */
export function planJson(plan: ArchivePlan): Record<string, unknown> {
	return {
		to_fetch: plan.fetch.length,
		bytes_to_fetch: plan.bytesKnown,
		bytes_to_fetch_at_least: plan.unknownSizes > 0,
		already_saved: plan.skip.length,
		bytes_already_saved: plan.bytesSkipped,
		not_downloadable: plan.notDownloadable.length,
		files: plan.fetch.map((item) => ({ message_id: item.attachment.messageId, key: item.attachment.key, kind: item.attachment.kind, why: item.reason, ...(item.attachment.sizeBytes === undefined ? {} : { size_bytes: item.attachment.sizeBytes }) })),
	};
}

export function planLine(plan: ArchivePlan): string {
	// Lark's listing carries no sizes for images and most files: say what is known, never "at least 0 B".
	const bytes = plan.fetch.length > 0 && plan.unknownSizes === plan.fetch.length ? 'sizes known once downloaded' : plan.unknownSizes > 0 ? `at least ${formatBytes(plan.bytesKnown)}` : formatBytes(plan.bytesKnown);
	return `To fetch: ${plan.fetch.length} files (${bytes}); already saved: ${plan.skip.length} (${formatBytes(plan.bytesSkipped)}); not downloadable: ${plan.notDownloadable.length}.\n`;
}

function sourceOf(attachment: Attachment): Record<string, string> {
	return attachment.sourceMessageId === attachment.messageId ? {} : { source_message_id: attachment.sourceMessageId };
}

/**
 * The summary's lists. A merge_forward whose children could not be loaded is a failure too (key null): its
 * attachments could not even be listed.
 */
export function summaryJson(summary: ArchiveSummary, unlisted: readonly ListNotice[], folder: string): Record<string, unknown> {
	const id = (attachment: Attachment): Record<string, string> => ({ message_id: attachment.messageId, key: attachment.key, ...sourceOf(attachment) });
	return {
		saved: summary.saved.map(({ attachment, savedPath, sizeBytes }) => ({ ...id(attachment), type: attachment.resourceType, saved_path: savedPath, size_bytes: sizeBytes })),
		failed: [
			...summary.failed.map(({ attachment, error }) => ({ ...id(attachment), type: attachment.resourceType, error: cliErrorJson(error) })),
			...unlisted.map((notice) => ({ message_id: notice.messageId, key: null, error: notice.error === undefined ? undefined : cliErrorJson(notice.error) })),
		],
		skipped: summary.skipped.map(({ attachment, reason }) => ({ ...id(attachment), kind: attachment.kind, reason })),
		already_saved: summary.alreadySaved.map(({ attachment, recorded }) => ({ ...id(attachment), saved_path: recorded === undefined ? undefined : path.join(folder, ...recorded.path.split('/')) })),
		kept_edited: summary.keptEdited.map(({ attachment, keptPath, savedPath }) => ({ ...id(attachment), kept_path: keptPath, saved_path: savedPath })),
		same_bytes: summary.sameBytes.map(({ attachment, existingPath }) => ({ ...id(attachment), existing_path: existingPath })),
	};
}

/** One updating stderr line with overall counts, only on a TTY so pipes get clean JSON. */
export function createBulkProgressRenderer(stream: Io['stderr']): ((event: BulkEvent) => void) | undefined {
	if (stream.isTTY !== true) {
		return undefined;
	}
	let lastDraw = 0;
	return (event) => {
		if (event.kind === 'item-finished' && event.result.status === 'failed') {
			stream.write(`\r\u001b[Kfailed ${event.result.attachment.key}: ${redactSecrets(event.result.error.message)}\n`);
			return;
		}
		if (event.kind !== 'progress') {
			return;
		}
		const p = event.progress;
		const now = Date.now();
		const done = p.saved + p.failed + p.skipped;
		if (now - lastDraw < 100 && done !== p.total) {
			return;
		}
		lastDraw = now;
		stream.write(`\r\u001b[K${done}/${p.total} files · ${p.saved} saved · ${p.failed} failed · ${p.skipped} skipped · ${formatBytes(p.bytesDone)}`);
		if (done === p.total) {
			stream.write('\n');
		}
	};
}
