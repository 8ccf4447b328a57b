import * as vscode from 'vscode';
import { toLarkError, type LarkError } from '../../core/errors';
import type { Chat, Message } from '../../core/lark/model';
import type { Logger } from '../platform/logger';
import { adviseOn } from '../platform/errorAdvice';
import type { LarkConnection } from '../services/larkConnection';

export const MESSAGE_PAGE_SIZE = 20;
const MAX_CHATS = 1000;
/** Load All stops here: a tree row per message beyond this helps nobody (Download All lists the rest itself). */
const MAX_LOADED = 5000;

type Loadable<T> = { state: 'loaded'; value: T } | { state: 'error'; message: string };

export interface ChatMessages {
	messages: Message[];
	pageToken: string | undefined;
	hasMore: boolean;
}

/**
 * Fetches, caches and pages what the tree shows; fires a change event for the part that changed.
 * Errors are kept as state, so the tree can show them in place.
 */
export class ChatTreeModel implements vscode.Disposable {
	private readonly _onDidChange = new vscode.EventEmitter<Chat | undefined>();
	readonly onDidChange = this._onDidChange.event;
	private chats: Promise<Loadable<Chat[]>> | undefined;
	private readonly messages = new Map<string, Promise<Loadable<ChatMessages>>>();
	private toldNoNames = false;

	constructor(private readonly connection: LarkConnection, private readonly logger: Logger) {}

	async isSignedIn(): Promise<boolean> {
		return (await this.connection.get()) !== undefined;
	}

	getChats(): Promise<Loadable<Chat[]>> {
		this.chats ??= this.capture('chats', async () => {
			const { client } = await this.connection.require();
			const chats: Chat[] = [];
			const types = client.identity === 'user' ? (['group', 'p2p'] as const) : undefined;
			for await (const chat of client.listChats({ sort: 'active', types })) {
				chats.push(chat);
				if (chats.length >= MAX_CHATS) {
					break;
				}
			}
			return chats;
		});
		return this.chats;
	}

	getMessages(chat: Chat): Promise<Loadable<ChatMessages>> {
		let entry = this.messages.get(chat.id);
		if (entry === undefined) {
			entry = this.capture(`messages of ${chat.id}`, () => this.fetchPage(chat, undefined, []));
			this.messages.set(chat.id, entry);
		}
		return entry;
	}

	/** Appends the next page of a chat's messages. */
	async loadMore(chat: Chat): Promise<void> {
		const current = await this.getMessages(chat);
		if (current.state !== 'loaded' || !current.value.hasMore) {
			return;
		}
		const next = this.capture(`more messages of ${chat.id}`, () => this.fetchPage(chat, current.value.pageToken, current.value.messages));
		this.messages.set(chat.id, next);
		await next;
		this._onDidChange.fire(chat);
	}

	/** Loads every page of a chat's messages (up to MAX_LOADED), stopping when `signal` aborts. */
	async loadAll(chat: Chat, signal?: AbortSignal, onProgress?: (loaded: number) => void): Promise<void> {
		for (;;) {
			const current = await this.getMessages(chat);
			if (current.state !== 'loaded' || !current.value.hasMore || current.value.messages.length >= MAX_LOADED || signal?.aborted === true) {
				break;
			}
			const next = this.capture(`more messages of ${chat.id}`, () => this.fetchPage(chat, current.value.pageToken, current.value.messages));
			this.messages.set(chat.id, next);
			const loaded = await next;
			onProgress?.(loaded.state === 'loaded' ? loaded.value.messages.length : 0);
		}
		this._onDidChange.fire(chat);
	}

	/** Forget cached data: everything, or one chat's messages. */
	refresh(chat?: Chat): void {
		if (chat === undefined) {
			this.chats = undefined;
			this.messages.clear();
		} else {
			this.messages.delete(chat.id);
		}
		this._onDidChange.fire(chat);
	}

	dispose(): void {
		this._onDidChange.dispose();
	}

	private async fetchPage(chat: Chat, pageToken: string | undefined, before: Message[]): Promise<ChatMessages> {
		const { client, senderNames } = await this.connection.require();
		const page = await client.listMessagesPage({ containerId: chat.id, containerType: 'chat', sort: 'desc', pageSize: MESSAGE_PAGE_SIZE }, pageToken);
		for (const notice of page.notices) {
			this.logger.warn('tree', notice.message);
		}
		await senderNames.nameMessages(page.items);
		this.sayOnceWhyNoNames(senderNames.unavailable);
		return { messages: [...before, ...page.items], pageToken: page.pageToken, hasMore: page.hasMore && page.pageToken !== undefined };
	}

	/** Without the contact scope senders show as short ids: said once per window, not on every page. */
	private sayOnceWhyNoNames(failure: LarkError | undefined): void {
		if (failure === undefined || this.toldNoNames) {
			return;
		}
		this.toldNoNames = true;
		this.logger.warn('tree', `Sender names are not available: ${failure.message}`);
		void vscode.window.showInformationMessage(failure.reason === 'scope-missing'
			? vscode.l10n.t('Senders are shown by a short ID: the Lark app lacks the permission to read names (contact:user.base:readonly). Add it in the Lark developer console to see names.')
			: vscode.l10n.t('Senders are shown by a short ID: Lark did not give their names.'));
	}

	private async capture<T>(what: string, load: () => Promise<T>): Promise<Loadable<T>> {
		try {
			return { state: 'loaded', value: await load() };
		} catch (error) {
			const failure = toLarkError(error);
			this.logger.error('tree', `Loading ${what} failed: ${failure.type}${failure.code === undefined ? '' : ` ${failure.code}`}: ${failure.message}`);
			return { state: 'error', message: adviseOn(failure).text };
		}
	}
}
