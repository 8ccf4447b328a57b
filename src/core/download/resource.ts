import { LarkError, type ErrorReason } from '../errors';

export type ResourceType = 'image' | 'file';

/** What identifies one downloadable resource: the message that carries it and its key. */
export interface ResourceRef {
	messageId: string;
	fileKey: string;
	type: ResourceType;
}

function invalid(message: string, reason: ErrorReason, hint: string): LarkError {
	return new LarkError('validation', message, { reason, hint });
}

/** Checks ids before any request is made; returns them trimmed. */
export function validateResourceRef(input: { messageId?: string; fileKey?: string; type?: string }): ResourceRef {
	const messageId = (input.messageId ?? '').trim();
	const fileKey = (input.fileKey ?? '').trim();
	const type = (input.type ?? '').trim();
	if (!messageId.startsWith('om_') || messageId.length <= 3) {
		throw invalid(`Invalid message id ${JSON.stringify(messageId)}: it must start with om_.`, 'bad-message-id', 'Copy the message_id (om_…) from the message listing.');
	}
	if (fileKey === '') {
		throw invalid('The file key is empty.', 'bad-file-key', 'Use the image_key or file_key from the message content.');
	}
	if (/[/\\]/.test(fileKey)) {
		throw invalid('The file key must not contain path separators.', 'bad-file-key', 'Use the image_key or file_key from the message content.');
	}
	if (type !== 'image' && type !== 'file') {
		throw invalid(`Invalid type ${JSON.stringify(type)}: use image or file.`, 'bad-resource-type', 'image for images and post images; file for files, audio and video.');
	}
	return { messageId, fileKey, type };
}

export function resourcePath(ref: ResourceRef): string {
	return `/open-apis/im/v1/messages/${encodeURIComponent(ref.messageId)}/resources/${encodeURIComponent(ref.fileKey)}`;
}
