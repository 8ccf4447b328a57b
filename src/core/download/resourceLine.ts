import { LarkError } from '../errors';
import { validateResourceRef, type ResourceRef } from './resource';

/**
 * Reads one pasted line "om_… file_… image|file" (any whitespace, optional leading lark-cli style
 * flags) into a resource reference; the type may be omitted when the key says it (img_ → image).
 */
export function parseResourceLine(line: string): ResourceRef | undefined {
	const flags = /--message-id[= ](\S+)/.exec(line) !== null;
	if (flags) {
		return validateResourceRef({
			messageId: /--message-id[= ](\S+)/.exec(line)?.[1],
			fileKey: /--file-key[= ](\S+)/.exec(line)?.[1],
			type: /--type[= ](\S+)/.exec(line)?.[1] ?? inferType(/--file-key[= ](\S+)/.exec(line)?.[1]),
		});
	}
	const words = line.trim().split(/\s+/).filter((w) => w !== '');
	if (words.length < 2 || words.length > 3 || !words[0]?.startsWith('om_')) {
		return undefined;
	}
	const type = words[2] ?? inferType(words[1]);
	if (type === undefined) {
		throw new LarkError('validation', 'Add the type (image or file) after the file key.', { reason: 'bad-resource-type' });
	}
	return validateResourceRef({ messageId: words[0], fileKey: words[1], type });
}

function inferType(key: string | undefined): string | undefined {
	if (key?.startsWith('img_') === true) {
		return 'image';
	}
	if (key?.startsWith('file_') === true) {
		return 'file';
	}
	return undefined;
}
