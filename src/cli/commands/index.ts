import type { CliContext } from '../context';
import { AUTH_USAGE_LINES, runAuth } from './auth';
import { CHATS_USAGE, runChats } from './chats';
import { DOWNLOAD_USAGE, runDownload } from './download';
import { DOWNLOAD_ALL_USAGE, runDownloadAll } from './downloadAll';
import { EXPORT_USAGE, runExport } from './export';
import { MESSAGES_USAGE, runMessages } from './messages';
import { runSync, SYNC_USAGE } from './sync';
import { runVerify, VERIFY_USAGE } from './verify';

export type Command = (args: string[], context: CliContext) => Promise<number>;

/** Subcommand name → handler; one line per command. */
export const COMMANDS: Readonly<Record<string, Command>> = {
	download: runDownload,
	chats: runChats,
	messages: runMessages,
	'download-all': runDownloadAll,
	sync: runSync,
	export: runExport,
	verify: runVerify,
	auth: runAuth,
};

export const USAGE_LINES: readonly string[] = [
	DOWNLOAD_USAGE,
	CHATS_USAGE,
	MESSAGES_USAGE,
	DOWNLOAD_ALL_USAGE,
	SYNC_USAGE,
	EXPORT_USAGE,
	VERIFY_USAGE,
	...AUTH_USAGE_LINES,
];
