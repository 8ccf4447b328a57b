import { openLarkSession } from '../core/app/openSession';
import type { Credentials, IdentityChoice } from '../core/auth/credentials';
import { LarkError } from '../core/errors';
import { DownloadEngine } from '../core/download/downloadEngine';
import type { ApiSession } from '../core/http/apiSession';
import { HttpClient } from '../core/http/httpClient';
import { RequestBudget } from '../core/http/requestBudget';
import type { Io } from './output';
import { signedInUser } from './signedInUser';

/** What every subcommand gets: where it runs, how it talks to Lark, and where it prints. */
export interface CliContext {
	cwd: string;
	env: NodeJS.ProcessEnv;
	io: Io;
	signal: AbortSignal;
	credentials: Credentials;
}

export function parseIdentityChoice(value: string | undefined): IdentityChoice {
	const choice = (value ?? 'auto').trim();
	if (choice !== 'auto' && choice !== 'user' && choice !== 'bot') {
		throw new LarkError('validation', `Invalid --as ${JSON.stringify(value)}: use auto, user or bot.`);
	}
	return choice;
}

/**
 * The CLI's engine: nothing else runs on its event loop, so file writes and read-backs happen on it (measured
 * faster and lighter than through the thread pool; README "Design"). The extension host keeps them off its loop.
 */
export function cliDownloadEngine(session: ApiSession): DownloadEngine {
	return new DownloadEngine(session, { blockingFileIo: true });
}

/** One session per process: one connection pool, one request budget shared by all calls. */
export function openSession(context: CliContext, choice: IdentityChoice): ApiSession {
	const http = new HttpClient();
	const user = signedInUser(choice, context.credentials, context.env, http, context.io);
	return openLarkSession({ credentials: context.credentials, choice, http, budget: new RequestBudget(), ...(user === undefined ? {} : { signedInUser: user }) });
}
