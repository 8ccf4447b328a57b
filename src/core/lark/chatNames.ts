import type { LarkClient } from './larkClient';

/** Chat names by id for naming files, each asked of Lark once per run (a thread's messages share one chat). */
export class ChatNames {
	private readonly names = new Map<string, Promise<string | undefined>>();

	constructor(private readonly client: Pick<LarkClient, 'getChatName'>, private readonly signal?: AbortSignal) {}

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
