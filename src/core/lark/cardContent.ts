import { isObject, type ContentObject } from './messageContent';

const KEY_FIELDS = new Set(['img_key', 'image_key', 'file_key']);
const MAX_DEPTH = 32;

export interface CardResource {
	key: string;
	/** `img_key`/`image_key` are images; `file_key` is e.g. card audio. */
	resourceType: 'image' | 'file';
}

/**
 * Resource keys inside an interactive card. Card JSON comes in several schemas (1.0 `elements`,
 * 2.0 `body.elements`, rendered `user_card_content`), so walk it generically rather than by schema.
 */
export function cardResources(card: unknown): CardResource[] {
	const found: CardResource[] = [];
	walkCard(card, (node) => {
		for (const [name, field] of Object.entries(node)) {
			if (KEY_FIELDS.has(name) && typeof field === 'string' && field.trim() !== '') {
				found.push({ key: field.trim(), resourceType: name === 'file_key' ? 'file' : 'image' });
			}
		}
		return 'descend';
	});
	return found;
}

/**
 * Visits every object in a card's JSON, whatever its schema, in document order and at most MAX_DEPTH deep (card
 * JSON comes from the sender); `visit` answers whether to look inside the object too.
 */
export function walkCard(card: unknown, visit: (node: ContentObject) => 'descend' | 'skip'): void {
	const walk = (value: unknown, depth: number): void => {
		if (depth > MAX_DEPTH) {
			return;
		}
		if (Array.isArray(value)) {
			value.forEach((item) => walk(item, depth + 1));
			return;
		}
		if (isObject(value) && visit(value) === 'descend') {
			for (const field of Object.values(value)) {
				walk(field, depth + 1);
			}
		}
	};
	walk(card, 0);
}
