import { cancelledError, toLarkError, type LarkError } from '../errors';
import type { ApiSession } from '../http/apiSession';
import { readEnvelopeData } from './envelope';
import { isObject } from './messageContent';
import type { Message } from './model';

const USERS_BATCH_PATH = '/open-apis/contact/v3/users/batch';
/** The contact API takes at most 50 user_ids per call. */
const BATCH_SIZE = 50;

/**
 * Senders' names by open id, for rows and file names: the message listing carries ids only. Asked of the contact
 * API (`contact:user.base:readonly`) in batches of 50, each id once per session; ids Lark does not return (outside
 * the app's visibility, bots) stay unnamed. Without the scope the first call fails and no further call is made:
 * `unavailable` says why once, and everything falls back to short ids.
 */
export class SenderNames {
	private readonly names = new Map<string, string | null>();
	private failure: LarkError | undefined;

	constructor(private readonly session: Pick<ApiSession, 'send' | 'url' | 'withRetries'>) {}

	/** Why names cannot be resolved (the scope is missing, the API refused), once known. */
	get unavailable(): LarkError | undefined {
		return this.failure;
	}

	nameOf(openId: string | undefined): string | undefined {
		return openId === undefined ? undefined : this.names.get(openId) ?? undefined;
	}

	/** Resolves the names of these messages' user senders, then sets `senderName` on those it knows. */
	async nameMessages(messages: readonly Message[], signal?: AbortSignal): Promise<void> {
		await this.resolve(messages.filter((message) => message.senderType === undefined || message.senderType === 'user').flatMap((message) => (message.senderId === undefined ? [] : [message.senderId])), signal);
		for (const message of messages) {
			message.senderName ??= this.nameOf(message.senderId);
		}
	}

	/** Asks for the ids not asked before; a failure is remembered and ends the asking (never thrown, except cancel). */
	async resolve(openIds: readonly string[], signal?: AbortSignal): Promise<void> {
		const unknown = [...new Set(openIds)].filter((id) => id.startsWith('ou_') && !this.names.has(id));
		for (let start = 0; start < unknown.length && this.failure === undefined; start += BATCH_SIZE) {
			const batch = unknown.slice(start, start + BATCH_SIZE);
			try {
				for (const [id, name] of await this.fetchBatch(batch, signal)) {
					this.names.set(id, name);
				}
				for (const id of batch) {
					if (!this.names.has(id)) {
						this.names.set(id, null); // not visible to this app: not asked again
					}
				}
			} catch (error) {
				const failure = toLarkError(error, signal);
				if (failure.type === 'cancelled') {
					throw failure;
				}
				this.failure = failure;
			}
		}
	}

	private fetchBatch(openIds: readonly string[], signal: AbortSignal | undefined): Promise<Map<string, string>> {
		if (signal?.aborted === true) {
			return Promise.reject(cancelledError(signal.reason));
		}
		const url = new URL(this.session.url(USERS_BATCH_PATH, { user_id_type: 'open_id' }));
		for (const id of openIds) {
			url.searchParams.append('user_ids', id);
		}
		return this.session.withRetries(async () => {
			const data = await readEnvelopeData(await this.session.send({ url: url.toString(), headers: { accept: 'application/json' }, signal }), signal);
			const found = new Map<string, string>();
			const items = isObject(data) && Array.isArray(data.items) ? data.items : [];
			for (const item of items) {
				if (isObject(item) && typeof item.open_id === 'string' && typeof item.name === 'string' && item.name.trim() !== '') {
					found.set(item.open_id, item.name.trim());
				}
			}
			return found;
		}, signal);
	}
}
