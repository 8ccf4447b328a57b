import type { ErrorReason, LarkError } from '../core/errors';

/** The CLI's words for the reasons core reports neutrally: its flags, environment variables and commands. */
const CLI_HINTS: Readonly<Record<ErrorReason, string>> = {
	'file-exists': 'Use --on-conflict rename to keep both files or --on-conflict overwrite to replace it.',
	'missing-credentials': 'Set LARK_APP_ID and LARK_APP_SECRET (bot), then `lark-dl auth login` to act as yourself; or set LARK_USER_ACCESS_TOKEN (user).',
	'not-signed-in': 'Run `lark-dl auth login` (with LARK_APP_ID and LARK_APP_SECRET set), set LARK_USER_ACCESS_TOKEN, or use --as bot.',
	'sign-in-again': 'Sign in again: run `lark-dl auth login`.',
	'wrong-app-credentials': 'App ID or App Secret is wrong: check LARK_APP_ID and LARK_APP_SECRET.',
	'not-in-chat': 'The bot or user is not a member of this chat. Add the bot to the chat, or use --as user.',
	'p2p-needs-user': 'Use --as user (lark-dl auth login, or LARK_USER_ACCESS_TOKEN) to list p2p chats.',
};

/** An error as the CLI prints it in its JSON: the hint in the CLI's own words where core gave a reason. */
export function cliErrorJson(error: LarkError): ReturnType<LarkError['toJSON']> {
	return error.toJSON(error.reason === undefined ? error.hint : CLI_HINTS[error.reason]);
}
