import { credentialsFromEnvironment } from './environment';
import { COMMANDS, USAGE_LINES } from './commands';
import { LarkError, toLarkError } from '../core/errors';
import { printFailure, type Io } from './output';
import type { Credentials } from '../core/auth/credentials';
import { registerSecret } from '../core/secrets/secretRegistry';

const USAGE = `Usage:
${USAGE_LINES.map((line) => `  ${line}`).join('\n')}

Environment: LARK_APP_ID + LARK_APP_SECRET (bot), LARK_USER_ACCESS_TOKEN (user, or sign in with
             lark-dl auth login), LARK_BRAND=feishu|lark, LARK_BASE_URL (override the Open API base URL),
             LARK_ACCOUNTS_URL (override the OAuth host), LARK_DL_CONFIG_DIR (where auth login keeps its session)`;


/** The whole CLI as a function: argv in, exit status out; everything printed goes through `io`. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, cwd: string, io: Io, signal: AbortSignal): Promise<number> {
	let credentials: Credentials = { brand: 'feishu' };
	try {
		const [name, ...args] = argv;
		if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
			io.stdout.write(`${USAGE}\n`);
			return name === undefined ? 2 : 0;
		}
		const command = COMMANDS[name];
		if (command === undefined) {
			throw new LarkError('validation', `Unknown command ${JSON.stringify(name)}.`, { hint: USAGE });
		}
		credentials = credentialsFromEnvironment(env);
		registerSecret(credentials.appSecret);
		registerSecret(credentials.userAccessToken);
		return await command(args, { cwd, env, io, signal, credentials });
	} catch (error) {
		const failure = isArgumentError(error)
			? new LarkError('validation', (error as Error).message, { hint: USAGE })
			: toLarkError(error, signal);
		return printFailure(io, failure);
	}
}

/** node:util parseArgs reports unknown or malformed flags with these codes. */
function isArgumentError(error: unknown): boolean {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
