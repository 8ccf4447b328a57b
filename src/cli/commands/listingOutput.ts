import type { ListNotice, Page } from '../../core/lark/larkClient';
import type { ApiSession } from '../../core/http/apiSession';
import type { CliContext } from '../context';
import { printSuccess } from '../output';
import { noticeJson } from './messages';

export interface ListingSource<T> {
	/** Every item, following page tokens to the end (--page-all). */
	all(onNotice: (notice: ListNotice) => void): AsyncIterable<T>;
	/** One page (the default), from --page-token if given. */
	page(): Promise<Page<T>>;
}

/**
 * Shared by `chats` and `messages`: one page or all of them, printed as
 * `{ok, identity, data: {<field>: [...], has_more, page_token, notices?}}`; closes the session.
 */
export async function printListing<T>(context: CliContext, session: ApiSession, field: string, pageAll: boolean, source: ListingSource<T>, toJson: (item: T) => unknown): Promise<number> {
	try {
		let page: Page<T>;
		if (pageAll) {
			const items: T[] = [];
			const notices: ListNotice[] = [];
			for await (const item of source.all((notice) => notices.push(notice))) {
				items.push(item);
			}
			page = { items, notices, hasMore: false, pageToken: undefined };
		} else {
			page = await source.page();
		}
		printSuccess(context.io, {
			ok: true,
			identity: session.identity,
			data: {
				[field]: page.items.map(toJson),
				has_more: page.hasMore,
				page_token: page.pageToken ?? '',
				...(page.notices.length === 0 ? {} : { notices: page.notices.map(noticeJson) }),
			},
		});
		return 0;
	} finally {
		await session.http.close();
	}
}
