import { NAME_TEMPLATE_TOKENS } from '../core/naming/nameTemplate';
import type { ErrorReason, LarkError } from '../core/errors';

/** The CLI's words for the reasons core reports neutrally: its flags, environment variables and commands. */
const CLI_HINTS: Readonly<Partial<Record<ErrorReason, string>>> = {
	'file-exists': 'Use --on-conflict rename to keep both files or --on-conflict overwrite to replace it.',
	'missing-credentials': 'Set LARK_APP_ID and LARK_APP_SECRET (bot), then `lark-dl auth login` to act as yourself; or set LARK_USER_ACCESS_TOKEN (user).',
	'not-signed-in': 'Run `lark-dl auth login` (with LARK_APP_ID and LARK_APP_SECRET set), set LARK_USER_ACCESS_TOKEN, or use --as bot.',
	'sign-in-again': 'Sign in again: run `lark-dl auth login`.',
	'wrong-app-credentials': 'App ID or App Secret is wrong: check LARK_APP_ID and LARK_APP_SECRET.',
	'not-in-chat': 'The bot or user is not a member of this chat. Add the bot to the chat, or use --as user.',
	'p2p-needs-user': 'Use --as user (lark-dl auth login, or LARK_USER_ACCESS_TOKEN) to list p2p chats.',
	'scope-not-granted': 'Run `lark-dl auth login` again and approve the scope.',
	'token-rejected': 'Check LARK_APP_ID / LARK_APP_SECRET, or run `lark-dl auth login` again (a LARK_USER_ACCESS_TOKEN cannot be refreshed).',
	'bad-message-id': 'Copy the message_id (om_…) from `lark-dl messages --chat-id oc_…`.',
	'bad-file-key': 'Use the image_key or file_key from `lark-dl messages` (the attachments of the message).',
	'bad-resource-type': 'Use --type image for images and post images, --type file for files, audio and video.',
	'bad-time': '--start and --end take RFC 3339 (2024-05-06T09:30:00+08:00), local "YYYY-MM-DD[ HH:MM[:SS]]", or Unix seconds.',
	'bad-time-range': 'Give a --start before the --end.',
	'bad-output-path': 'Give --output a relative file path inside the folder (--into, or the current folder).',
	'path-outside-folder': '--output must stay inside the folder (--into, or the current folder) after resolving .. and symlinks.',
	'bad-name-template': `Use the tokens ${NAME_TEMPLATE_TOKENS.map((token) => `{${token}}`).join(' ')} and "/" for folders in --name-template.`,
};

/** An error as the CLI prints it in its JSON: the hint in the CLI's own words where core gave a reason. */
export function cliErrorJson(error: LarkError): ReturnType<LarkError['toJSON']> {
	return error.toJSON((error.reason === undefined ? undefined : CLI_HINTS[error.reason]) ?? error.hint);
}
