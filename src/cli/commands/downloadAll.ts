import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { downloadIntoArchive } from '../../core/app/archiveDownload';
import { LarkError } from '../../core/errors';
import { collectMessages, type MessageSource } from '../../core/app/collectMessages';
import { SenderNames } from '../../core/lark/senderNames';
import { LarkClient } from '../../core/lark/larkClient';
import { ChatNames } from '../../core/lark/chatNames';
import { cliDownloadEngine, openSession, parseIdentityChoice, type CliContext } from '../context';
import { printSuccess } from '../output';
import { checkId, parseContainer, parseTimeRange } from './messages';
import { ARCHIVE_OPTIONS, ARCHIVE_USAGE, createBulkProgressRenderer, parseArchiveFlags, planJson, planLine, summaryJson } from './archiveOutput';

export const DOWNLOAD_ALL_USAGE = `lark-dl download-all (--chat-id oc_…|--thread-id omt_…|--message-id om_…) [--start TIME] [--end TIME] [--into DIR] [--name-template TEMPLATE] ${ARCHIVE_USAGE} [--concurrency N] [--on-conflict rename|overwrite|fail] [--as auto|user|bot]`;

/** Exit status when the summary lists failures (the typed statuses 2–7 are for the command failing as a whole). */
export const EXIT_SOME_FAILED = 1;
export const EXIT_CANCELLED = 130;

/**
 * Lists the attachments (every page, merge_forward children through their container id), then downloads what
 * the download folder does not have yet. Prints one JSON summary on stdout whatever happened to individual
 * files; see docs/cli-listing.md for the exit statuses.
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
			...ARCHIVE_OPTIONS,
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
	const { folder, template, concurrency, onConflict, filter, force, keepDuplicates, dryRun } = parseArchiveFlags(values);
	const session = openSession(context, parseIdentityChoice(values.as));
	const client = new LarkClient(session);
	try {
		const { messages, unlisted } = await collectMessages(client, source, { signal: context.signal, senderNames: new SenderNames(session) });
		const chatNames = new ChatNames(client, context.signal);
		const { plan, summary } = await downloadIntoArchive(cliDownloadEngine(session), messages, {
			root: context.cwd,
			folder,
			template,
			chatNameOf: (chatId) => chatNames.of(chatId),
			filter,
			force,
			keepDuplicates,
			onConflict,
			concurrency,
			signal: context.signal,
			confirm: (planned) => {
				context.io.stderr.write(planLine(planned));
				return !dryRun;
			},
			onEvent: createBulkProgressRenderer(context.io.stderr),
		});
		if (summary === undefined) {
			printSuccess(context.io, { ok: true, identity: session.identity, data: { dry_run: true, ...planJson(plan) } });
			return 0;
		}
		const ok = summary.failed.length === 0 && unlisted.length === 0 && !summary.cancelled;
		printSuccess(context.io, { ok, identity: session.identity, data: summaryJson(summary, unlisted, path.resolve(context.cwd, folder)) });
		return summary.cancelled ? EXIT_CANCELLED : ok ? 0 : EXIT_SOME_FAILED;
	} finally {
		await session.http.close();
	}
}
