import type { CliContext } from '../context';
import { DOWNLOAD_USAGE, runDownload } from './download';

export type Command = (args: string[], context: CliContext) => Promise<number>;

/** Subcommand name → handler; one line per command. */
export const COMMANDS: Readonly<Record<string, Command>> = {
	download: runDownload,
};

export const USAGE_LINES: readonly string[] = [
	DOWNLOAD_USAGE,
];
