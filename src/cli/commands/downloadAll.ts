import { parseArgs } from 'node:util';
import { bulkDownload, DEFAULT_BULK_CONCURRENCY, type BulkEvent, type BulkSummary } from '../../core/bulk/bulkDownload';
import { DownloadEngine } from '../../core/download/downloadEngine';
import { validateRelativeFolder } from '../../core/download/pathSafety';
import { LarkError } from '../../core/errors';
import { collectMessages, type MessageSource } from '../../core/app/collectMessages';
import { LarkClient, type ListNotice } from '../../core/lark/larkClient';
import type { Attachment } from '../../core/lark/model';
import { ChatNames } from '../../core/lark/chatNames';
import { DEFAULT_NAME_TEMPLATE, namingOf, parseNameTemplate } from '../../core/naming/nameTemplate';
import { formatBytes } from '../../core/util/formatBytes';
import { openSession, parseIdentityChoice, type CliContext } from '../context';
import { printSuccess, type Io } from '../output';
import { parseConflictPolicy, parsePositiveInteger } from './download';
import { checkId, parseContainer, parseTimeRange } from './messages';
import { redactSecrets } from '../../core/secrets/secretRegistry';
import { cliErrorJson } from '../errorHints';

export const DOWNLOAD_ALL_USAGE = 'lark-dl download-all (--chat-id oc_…|--thread-id omt_…|--message-id om_…) [--start TIME] [--end TIME] [--into DIR] [--name-template TEMPLATE] [--concurrency N] [--on-conflict rename|overwrite|fail] [--as auto|user|bot]';

/** Exit status when the summary lists failures (the typed statuses 2–7 are for the command failing as a whole). */
export const EXIT_SOME_FAILED = 1;
const EXIT_CANCELLED = 130;

/** `--into` names a folder: trailing slashes are fine, `.` means the working directory itself. */
function parseInto(value: string | undefined): string | undefined {
	if (value === undefined) {
		return undefined;
	}
	const folder = validateRelativeFolder(value);
	return folder === '.' ? undefined : folder;
}

/**
 * Lists the attachments (every page, merge_forward children through their container id), then
 * downloads them with bounded concurrency. Prints one JSON summary on stdout whatever happened to
 * individual files; see docs/cli-listing.md for the exit statuses.
 */
export async function runDownloadAll(args: string[], context: CliContext): Promise<number> {
	const { values } = parseArgs({
		args,
		strict: true,
		allowPositionals: false,
		options: {
			'chat-id': { type: 'string' },
			'thread-id': { type: 'string' },
			'message-id': { type: 'string' },
			start: { type: 'string' },
			end: { type: 'string' },
			into: { type: 'string' },
			'name-template': { type: 'string' },
			concurrency: { type: 'string' },
			'on-conflict': { type: 'string' },
			as: { type: 'string' },
		},
	});
	// Everything is validated before the first request.
	const messageId = values['message-id'];
	if (messageId !== undefined && (values['chat-id'] !== undefined || values['thread-id'] !== undefined)) {
		throw new LarkError('validation', 'Give --message-id or --chat-id/--thread-id, not both.');
	}
	if (messageId !== undefined && (values.start !== undefined || values.end !== undefined)) {
		throw new LarkError('validation', '--start and --end apply to --chat-id/--thread-id, not to --message-id.');
	}
	const source: MessageSource = messageId !== undefined
		? { kind: 'message', messageId: checkId(messageId, 'om_', '--message-id', 'the message_id (om_…) from `lark-dl messages`') }
		: { kind: 'container', ...parseContainer(values['chat-id'], values['thread-id']), ...parseTimeRange(values.start, values.end) };
	const directory = parseInto(values.into);
	const template = parseNameTemplate(values['name-template'] ?? DEFAULT_NAME_TEMPLATE);
	const concurrency = parsePositiveInteger('--concurrency', values.concurrency, 1, 16) ?? DEFAULT_BULK_CONCURRENCY;
	const onConflict = parseConflictPolicy(values['on-conflict']);
	const session = openSession(context, parseIdentityChoice(values.as));
	const client = new LarkClient(session);
	try {
		const { messages, unlisted } = await collectMessages(client, source, { signal: context.signal });
		const chatNames = new ChatNames(client, context.signal);
		const naming = await namingOf(template, messages, (chatId) => chatNames.of(chatId), directory);
		const summary = await bulkDownload(new DownloadEngine(session), messages.flatMap((message) => message.attachments), {
			root: context.cwd,
			outputFor: naming.outputFor,
			onConflict,
			concurrency,
			signal: context.signal,
			onEvent: createBulkProgressRenderer(context.io.stderr),
		});
		const ok = summary.failed.length === 0 && unlisted.length === 0 && !summary.cancelled;
		const payload = { ok, identity: session.identity, data: summaryJson(summary, unlisted) };
		printSuccess(context.io, payload);
		return summary.cancelled ? EXIT_CANCELLED : ok ? 0 : EXIT_SOME_FAILED;
	} finally {
		await session.http.close();
	}
}

/**
 * The summary's three lists. A merge_forward whose children could not be loaded is a failure too
 * (key null): its attachments could not even be listed.
 */
function summaryJson(summary: BulkSummary, unlisted: ListNotice[]): Record<string, unknown> {
	const source = (attachment: Attachment): Record<string, string> =>
		attachment.sourceMessageId === attachment.messageId ? {} : { source_message_id: attachment.sourceMessageId };
	return {
		saved: summary.saved.map(({ attachment, savedPath, sizeBytes }) => ({
			message_id: attachment.messageId, key: attachment.key, type: attachment.resourceType, ...source(attachment), saved_path: savedPath, size_bytes: sizeBytes,
		})),
		failed: [
			...summary.failed.map(({ attachment, error }) => ({ message_id: attachment.messageId, key: attachment.key, type: attachment.resourceType, ...source(attachment), error: cliErrorJson(error) })),
			...unlisted.map((notice) => ({ message_id: notice.messageId, key: null, error: notice.error === undefined ? undefined : cliErrorJson(notice.error) })),
		],
		skipped: summary.skipped.map(({ attachment, reason }) => ({ message_id: attachment.messageId, key: attachment.key, kind: attachment.kind, ...source(attachment), reason })),
	};
}

/** One updating stderr line with overall counts, only on a TTY so pipes get clean JSON. */
function createBulkProgressRenderer(stream: Io['stderr']): ((event: BulkEvent) => void) | undefined {
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
