import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { exportChat } from '../../core/app/exportChat';
import { LarkError } from '../../core/errors';
import { ChatNames } from '../../core/lark/chatNames';
import { SenderNames } from '../../core/lark/senderNames';
import { LarkClient } from '../../core/lark/larkClient';
import { cliDownloadEngine, openSession, parseIdentityChoice, type CliContext } from '../context';
import { printSuccess } from '../output';
import { createBulkProgressRenderer, parsePlacementFlags, planLine, summaryJson } from './archiveOutput';
import { EXIT_CANCELLED, EXIT_SOME_FAILED } from './downloadAll';
import { checkId, parseTimeRange } from './messages';

export const EXPORT_USAGE = 'lark-dl export --chat-id oc_… [--start TIME] [--end TIME] [--into DIR] [--per-month] [--time-zone ZONE] [--name-template TEMPLATE] [--concurrency N] [--on-conflict rename|overwrite|fail] [--as auto|user|bot]';

/**
 * A chat as Markdown in the download folder (`<chat>.md`, or `<chat> YYYY-MM.md` with --per-month), beside its
 * attachments, which are downloaded first (or reused from the folder's record). Exporting again appends only
 * what is new. Prints the download's progress on stderr and one JSON summary on stdout.
 */
export async function runExport(args: string[], context: CliContext): Promise<number> {
	const { values } = parseArgs({
		args,
		strict: true,
		allowPositionals: false,
		options: {
			'chat-id': { type: 'string' },
			start: { type: 'string' },
			end: { type: 'string' },
			into: { type: 'string' },
			'per-month': { type: 'boolean' },
			'time-zone': { type: 'string' },
			'name-template': { type: 'string' },
			concurrency: { type: 'string' },
			'on-conflict': { type: 'string' },
			as: { type: 'string' },
		},
	});
	if (values['chat-id'] === undefined) {
		throw new LarkError('validation', 'Missing --chat-id.', { hint: 'List chats and their ids with `lark-dl chats`.' });
	}
	const chatId = checkId(values['chat-id'], 'oc_', '--chat-id', 'the chat_id (oc_…) from `lark-dl chats`');
	const range = parseTimeRange(values.start, values.end);
	const { folder, template, concurrency, onConflict } = parsePlacementFlags(values);
	const session = openSession(context, parseIdentityChoice(values.as));
	const client = new LarkClient(session);
	try {
		const chatNames = new ChatNames(client, context.signal);
		let listedCount = 0;
		const result = await exportChat(client, cliDownloadEngine(session), chatId, {
			root: context.cwd,
			folder,
			template,
			chatNameOf: (id) => chatNames.of(id),
			senderNames: new SenderNames(session),
			...range,
			perMonth: values['per-month'] === true,
			...(values['time-zone'] === undefined ? {} : { timeZone: values['time-zone'] }),
			onConflict,
			concurrency,
			signal: context.signal,
			onListed: ({ messages }) => {
				listedCount = messages;
			},
			confirm: (plan) => {
				context.io.stderr.write(`${listedCount} message(s) listed. ${planLine(plan)}`);
				return true;
			},
			onEvent: createBulkProgressRenderer(context.io.stderr),
		});
		const summary = result.download?.summary;
		const ok = (summary === undefined || (summary.failed.length === 0 && !summary.cancelled)) && result.unlisted.length === 0;
		const main = result.files.at(-1);
		printSuccess(context.io, {
			ok,
			identity: session.identity,
			data: {
				path: main?.path ?? null,
				files: result.files.map((file) => ({ path: file.path, messages_written: file.messages, created: file.created })),
				messages_written: result.messagesWritten,
				attachments_linked: result.attachmentsLinked,
				...(summary === undefined ? { saved: [], failed: [], already_saved: [] } : summaryJson(summary, result.unlisted, path.resolve(context.cwd, folder))),
			},
		});
		return summary?.cancelled === true ? EXIT_CANCELLED : ok ? 0 : EXIT_SOME_FAILED;
	} finally {
		await session.http.close();
	}
}
