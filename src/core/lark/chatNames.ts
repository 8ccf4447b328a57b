import type { LarkClient } from './larkClient';

/** Chat names by id for naming files, each asked of Lark once per run (a thread's messages share one chat). */
export class ChatNames {
	private readonly names = new Map<string, Promise<string | undefined>>();

	constructor(private readonly client: Pick<LarkClient, 'getChatName'>, private readonly signal?: AbortSignal) {}

	/** Seeds a name the caller already has (the tree knows its chats), so no request is made for it. */
	remember(chatId: string, name: string): void {
		this.names.set(chatId, Promise.resolve(name));
	}

	of(chatId: string): Promise<string | undefined> {
		if (chatId === '') {
			return Promise.resolve(undefined);
		}
		let name = this.names.get(chatId);
		if (name === undefined) {
			name = this.client.getChatName(chatId, this.signal);
			this.names.set(chatId, name);
		}
		return name;
	}
}
