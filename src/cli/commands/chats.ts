import { parseArgs } from 'node:util';
import { LarkError } from '../../core/errors';
import { LarkClient, MAX_CHAT_PAGE_SIZE, type ChatListOptions, type ChatListType, type ChatSort } from '../../core/lark/larkClient';
import type { Chat } from '../../core/lark/model';
import { openSession, parseIdentityChoice, type CliContext } from '../context';
import { parsePositiveInteger } from './download';
import { printListing } from './listingOutput';
import { checkPaging } from './messages';

export const CHATS_USAGE = 'lark-dl chats [--sort active|created] [--types group,p2p] [--page-size N] [--page-token TOKEN] [--page-all] [--as auto|user|bot]';

function parseChatSort(value: string | undefined): ChatSort {
	const sort = (value ?? 'active').trim();
	if (sort !== 'active' && sort !== 'created') {
		throw new LarkError('validation', `Invalid --sort ${JSON.stringify(value)}: use active or created.`);
	}
	return sort;
}

function parseChatTypes(value: string | undefined): ChatListType[] | undefined {
	if (value === undefined) {
		return undefined;
	}
	const types = value.split(',').map((type) => type.trim());
	for (const type of types) {
		if (type !== 'group' && type !== 'p2p') {
			throw new LarkError('validation', `Invalid --types ${JSON.stringify(value)}: a comma-separated list of group and p2p.`);
		}
	}
	return types as ChatListType[];
}

function chatJson(chat: Chat): Record<string, unknown> {
	return {
		chat_id: chat.id,
		name: chat.name,
		type: chat.type,
		...(chat.description === undefined ? {} : { description: chat.description }),
		...(chat.external === undefined ? {} : { external: chat.external }),
		...(chat.avatarUrl === undefined ? {} : { avatar_url: chat.avatarUrl }),
	};
}

export async function runChats(args: string[], context: CliContext): Promise<number> {
	const { values } = parseArgs({
		args,
		strict: true,
		allowPositionals: false,
		options: {
			sort: { type: 'string' },
			types: { type: 'string' },
			'page-size': { type: 'string' },
			'page-token': { type: 'string' },
			'page-all': { type: 'boolean' },
			as: { type: 'string' },
		},
	});
	const pageAll = values['page-all'] === true;
	checkPaging(pageAll, values['page-token']);
	const types = parseChatTypes(values.types);
	const options: ChatListOptions = {
		sort: parseChatSort(values.sort),
		...(types === undefined ? {} : { types }),
		pageSize: parsePositiveInteger('--page-size', values['page-size'], 1, MAX_CHAT_PAGE_SIZE),
	};
	const session = openSession(context, parseIdentityChoice(values.as));
	const client = new LarkClient(session);
	return printListing(context, session, 'chats', pageAll, {
		all: (onNotice) => client.listChats({ ...options, onNotice }, context.signal),
		page: () => client.listChatsPage(options, values['page-token'], context.signal),
	}, chatJson);
}
