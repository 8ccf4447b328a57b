import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { syncChat } from '../../core/app/syncChat';
import { LarkError } from '../../core/errors';
import { ChatNames } from '../../core/lark/chatNames';
import { SenderNames } from '../../core/lark/senderNames';
import { LarkClient } from '../../core/lark/larkClient';
import { cliDownloadEngine, openSession, parseIdentityChoice, type CliContext } from '../context';
import { printSuccess } from '../output';
import { ARCHIVE_OPTIONS, ARCHIVE_USAGE, createBulkProgressRenderer, parseArchiveFlags, planJson, planLine, summaryJson } from './archiveOutput';
import { EXIT_CANCELLED, EXIT_SOME_FAILED } from './downloadAll';
import { checkId, parseTimeRange } from './messages';

export const SYNC_USAGE = `lark-dl sync --chat-id oc_… [--into DIR] [--start TIME] [--end TIME] [--name-template TEMPLATE] ${ARCHIVE_USAGE} [--concurrency N] [--on-conflict rename|overwrite|fail] [--as auto|user|bot]`;

/**
 * Only what is new in a chat since the last sync into this folder (its manifest keeps a cursor per chat and
 * filter), plus what an earlier sync could not finish. Prints the plan on stderr, one JSON summary on stdout.
 */
export async function runSync(args: string[], context: CliContext): Promise<number> {
	const { values } = parseArgs({
		args,
		strict: true,
		allowPositionals: false,
		options: {
			'chat-id': { type: 'string' },
			...ARCHIVE_OPTIONS,
		},
	});
	if (values['chat-id'] === undefined) {
		throw new LarkError('validation', 'Missing --chat-id.', { hint: 'List chats and their ids with `lark-dl chats`.' });
	}
	const chatId = checkId(values['chat-id'], 'oc_', '--chat-id', 'the chat_id (oc_…) from `lark-dl chats`');
	const range = parseTimeRange(values.start, values.end);
	const { folder, template, concurrency, onConflict, filter, force, keepDuplicates, dryRun } = parseArchiveFlags(values);
	const session = openSession(context, parseIdentityChoice(values.as));
	const client = new LarkClient(session);
	try {
		const chatNames = new ChatNames(client, context.signal);
		let listedCount = 0;
		let since: string | undefined;
		const result = await syncChat(client, cliDownloadEngine(session), chatId, {
			root: context.cwd,
			folder,
			template,
			chatNameOf: (id) => chatNames.of(id),
			senderNames: new SenderNames(session),
			filter,
			...range,
			force,
			keepDuplicates,
			onConflict,
			concurrency,
			signal: context.signal,
			onCursor: (syncedThrough) => {
				since = syncedThrough.toISOString();
			},
			onListed: ({ messages }) => {
				listedCount = messages;
			},
			confirm: (plan) => {
				context.io.stderr.write(`${listedCount} message(s) listed${since === undefined ? '' : ` since the last sync (${since})`}. ${planLine(plan)}`);
				return !dryRun;
			},
			onEvent: createBulkProgressRenderer(context.io.stderr),
		});
		const listed = { listed_from: result.listedFrom?.toISOString() ?? null, retried_messages: result.retriedMessages };
		if (result.summary === undefined) {
			printSuccess(context.io, { ok: true, identity: session.identity, data: { dry_run: true, ...listed, ...planJson(result.plan) } });
			return 0;
		}
		const { summary } = result;
		const ok = summary.failed.length === 0 && result.unlisted.length === 0 && !summary.cancelled;
		printSuccess(context.io, { ok, identity: session.identity, data: { ...listed, ...summaryJson(summary, result.unlisted, path.resolve(context.cwd, folder)) } });
		return summary.cancelled ? EXIT_CANCELLED : ok ? 0 : EXIT_SOME_FAILED;
	} finally {
		await session.http.close();
	}
}
