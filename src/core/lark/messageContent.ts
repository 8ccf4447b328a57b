/** A parsed `body.content`: a JSON object, or undefined when the text is not one. */
export type ContentObject = Record<string, unknown>;

/**
 * Parses a message's content JSON without ever throwing: recalled messages carry plain text,
 * old or foreign clients send odd shapes, and one bad message must not break a whole listing.
 */
export function parseContent(raw: string | undefined): ContentObject | undefined {
	if (raw === undefined || raw.trim() === '') {
		return undefined;
	}
	try {
		const value: unknown = JSON.parse(raw);
		return isObject(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

export function isObject(value: unknown): value is ContentObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty trimmed string field, else undefined. */
export function stringField(object: ContentObject, name: string): string | undefined {
	const value = object[name];
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** A non-negative integer field; Lark sends some numbers as strings. */
export function numberField(object: ContentObject, name: string): number | undefined {
	const value = object[name];
	const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
	return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
