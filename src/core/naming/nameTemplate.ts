import * as path from 'node:path';
import { extensionOf, sanitizeFileName } from '../download/fileName';
import { validateRelativeOutput } from '../download/pathSafety';
import { LarkError } from '../errors';
import { attachmentId, type Attachment, type AttachmentKind, type Message } from '../lark/model';

/**
 * Where an attachment downloaded from a listing (tree, bulk, `lark-dl download-all`) is saved, relative to the
 * download folder. One template language for the CLI (`--name-template`) and the extension setting
 * (`larkDownloader.nameTemplate`); docs/naming.md lists the tokens with examples.
 */
export const DEFAULT_NAME_TEMPLATE = '{chat}/{name}';

export const NAME_TEMPLATE_TOKENS = ['chat', 'date', 'time', 'sender', 'name', 'key', 'kind', 'message', 'ext'] as const;
type Token = (typeof NAME_TEMPLATE_TOKENS)[number];

/** What the listing knows about the message an attachment came from. */
export interface NamingContext {
	chatName?: string;
	chatId?: string;
	senderName?: string;
	senderId?: string;
	sentAt?: Date;
}

/** A template checked once; render() per attachment. */
export interface NameTemplate {
	readonly source: string;
	/** The tokens it uses: a caller asks Lark for a chat's name only when `chat` is among them. */
	readonly tokens: ReadonlySet<string>;
	render(attachment: Attachment, context: NamingContext): string;
}

const TOKEN_RE = /\{([a-z]+)\}/g;
const KNOWN = new Set<string>(NAME_TEMPLATE_TOKENS);

/** Checks a template: known tokens only, `{ext}` only at the very end, a relative path that names a file. */
export function parseNameTemplate(source: string): NameTemplate {
	const template = source.trim();
	const invalid = (why: string): LarkError => new LarkError('validation', `Invalid name template ${JSON.stringify(source)}: ${why}.`, {
		reason: 'bad-name-template',
		params: { template: source },
		hint: `Use the tokens ${NAME_TEMPLATE_TOKENS.map((t) => `{${t}}`).join(' ')} and "/" for folders, e.g. ${DEFAULT_NAME_TEMPLATE}.`,
	});
	if (template === '') {
		throw invalid('it is empty');
	}
	for (const [, name] of template.matchAll(TOKEN_RE)) {
		if (name === undefined || !KNOWN.has(name)) {
			throw invalid(`{${name ?? ''}} is not a token`);
		}
	}
	if (/[{}]/.test(template.replace(TOKEN_RE, ''))) {
		throw invalid('a brace is not part of a {token}');
	}
	const extAt = template.indexOf('{ext}');
	if (extAt !== -1 && extAt !== template.length - '{ext}'.length) {
		throw invalid('{ext} may only stand at the very end');
	}
	if (!template.includes('{name}') && !template.includes('{key}')) {
		throw invalid('it needs {name} or {key}, or every file would get the same name');
	}
	try {
		validateRelativeOutput(template.replace(TOKEN_RE, 'x'));
	} catch (error) {
		throw invalid(error instanceof LarkError ? error.message.replace(/\.$/, '') : 'it leaves the download folder');
	}
	const tokens = new Set([...template.matchAll(TOKEN_RE)].map(([, name]) => name ?? ''));
	return { source: template, tokens, render: (attachment, context) => renderTemplate(template, attachment, context) };
}

function renderTemplate(template: string, attachment: Attachment, context: NamingContext): string {
	const values = tokenValues(attachment, context);
	// Each token's value becomes part of one path segment: a "/" in a chat name never makes a folder.
	const segments = template.split('/').map((segment) => {
		const filled = segment.replace(TOKEN_RE, (_, name: Token) => values[name]);
		return sanitizeFileName(filled) ?? '_';
	});
	return segments.join('/');
}

function tokenValues(attachment: Attachment, context: NamingContext): Record<Token, string> {
	const sentAt = context.sentAt;
	const date = sentAt === undefined ? 'undated' : `${sentAt.getFullYear()}-${pad(sentAt.getMonth() + 1)}-${pad(sentAt.getDate())}`;
	const time = sentAt === undefined ? '000000' : `${pad(sentAt.getHours())}${pad(sentAt.getMinutes())}${pad(sentAt.getSeconds())}`;
	const sender = clean(context.senderName) ?? shortId(context.senderId) ?? 'unknown';
	const listedName = clean(attachment.name);
	const kind = KIND_WORDS[attachment.kind];
	return {
		chat: clean(context.chatName) ?? clean(context.chatId) ?? 'chat',
		date,
		time,
		sender,
		// Nameless resources (images, covers, voice notes) get a name a person can sort and recognise; the end
		// of the key only keeps two images of one message apart.
		name: listedName ?? `${date} ${time} ${sender} ${kind} ${attachment.key.slice(-6)}`,
		key: attachment.key,
		kind,
		message: attachment.sourceMessageId,
		ext: listedName === undefined ? '' : extensionOf(listedName),
	};
}

const KIND_WORDS: Record<AttachmentKind, string> = {
	image: 'image',
	file: 'file',
	audio: 'voice',
	video: 'video',
	cover: 'cover',
	'post-image': 'image',
	'post-media': 'video',
	sticker: 'sticker',
	folder: 'folder',
	card: 'card image',
};

const pad = (n: number): string => String(n).padStart(2, '0');

function clean(value: string | undefined): string | undefined {
	return value === undefined ? undefined : sanitizeFileName(value);
}

/** The tail of an open id (ou_7d8a…6706 → 6706…): the listing API carries no sender names. */
function shortId(id: string | undefined): string | undefined {
	return id === undefined || id.trim() === '' ? undefined : id.trim().slice(-8);
}

/** The template's path under `directory` (the download folder or --into), as the engine's `output`. */
export function attachmentOutput(template: NameTemplate, attachment: Attachment, context: NamingContext, directory?: string): string {
	const rendered = template.render(attachment, context);
	return directory === undefined || directory === '.' ? rendered : path.posix.join(directory, rendered);
}

/**
 * The naming of a listing's attachments, asking for a chat's name (`chatNameOf`) only when the template uses
 * `{chat}`: the CLI asks Lark, the extension already knows the chat it lists.
 */
export async function namingOf(template: NameTemplate, messages: readonly Message[], chatNameOf: (chatId: string) => Promise<string | undefined>, directory?: string): Promise<AttachmentNaming> {
	const naming = new AttachmentNaming(template, directory);
	for (const message of messages) {
		naming.addMessage(message, template.tokens.has('chat') ? await chatNameOf(message.chatId) : undefined);
	}
	return naming;
}

/**
 * Remembers, per attachment of a listing, the message it came from, and answers the engine's `output` for it:
 * the seam between "list messages" and "download their attachments" in both front ends.
 */
export class AttachmentNaming {
	private readonly contexts = new Map<string, NamingContext>();

	constructor(private readonly template: NameTemplate, private readonly directory?: string) {}

	/** Registers a listed message's attachments, with the name of its chat if known. */
	addMessage(message: Message, chatName?: string): void {
		const context: NamingContext = {
			chatId: message.chatId,
			...(chatName === undefined ? {} : { chatName }),
			...(message.senderName === undefined ? {} : { senderName: message.senderName }),
			...(message.senderId === undefined ? {} : { senderId: message.senderId }),
			sentAt: message.createTime,
		};
		for (const attachment of message.attachments) {
			this.contexts.set(attachmentId(attachment), context);
		}
	}

	/** Where `attachment` is saved, relative to the root (the engine's `output`). */
	readonly outputFor = (attachment: Attachment): string =>
		attachmentOutput(this.template, attachment, this.contexts.get(attachmentId(attachment)) ?? {}, this.directory);
}
