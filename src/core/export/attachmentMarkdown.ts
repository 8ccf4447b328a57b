import { attachmentId, type Attachment, type Message } from '../lark/model';
import { formatBytes } from '../util/formatBytes';
import { escapeInline, fileLinkDestination } from './markdownEscape';

/** Where the export finds a saved attachment: its path relative to the document, and its size. */
export interface SavedFile {
	path: string;
	size: number;
}

/** What rendering a message needs to know beyond the message. */
export interface RenderContext {
	/** The saved file of an attachment, undefined when it is not in the download folder. */
	saved(attachment: Attachment): SavedFile | undefined;
	/** The name shown for a message's sender. */
	senderOf(message: Message): string;
	/** `09:05` (in the document's time zone). */
	time(date: Date): string;
	/** `2024-05-05 09:05` (in the document's time zone). */
	dateTime(date: Date): string;
	/** A message of this export by id (the one replied to, a thread's first message). */
	find(id: string): Message | undefined;
	/** Attachments linked so far (their `attachmentId`), for the counts. */
	linked: Set<string>;
}

/** The attachments a message carries itself (a merge_forward container's list holds its children's too). */
export function ownAttachments(message: Message): Attachment[] {
	return message.attachments.filter((attachment) => attachment.sourceMessageId === message.id);
}

/** The attachment of `message` with this key, if the listing found it. */
export function attachmentByKey(message: Message, key: string | undefined): Attachment | undefined {
	return key === undefined ? undefined : ownAttachments(message).find((attachment) => attachment.key === key);
}

/** The relative link to a saved attachment, recorded as linked; undefined when it was not saved. */
export function linkTo(attachment: Attachment | undefined, context: RenderContext): { destination: string; size: number } | undefined {
	const saved = attachment === undefined ? undefined : context.saved(attachment);
	if (attachment === undefined || saved === undefined) {
		return undefined;
	}
	context.linked.add(attachmentId(attachment));
	return { destination: fileLinkDestination(saved.path), size: saved.size };
}

/** Why a listed attachment has no file, in a few words. */
function missingNote(attachment: Attachment | undefined): string {
	if (attachment?.notDownloadable === 'sticker' || attachment?.notDownloadable === 'folder' || attachment?.notDownloadable === 'card-not-served') {
		return 'cannot be downloaded';
	}
	return attachment?.notDownloadable === 'deleted' ? 'recalled' : 'not downloaded';
}

/** An image shown in the preview, or a note when the file is not there. */
export function imageMarkdown(attachment: Attachment | undefined, alt: string, context: RenderContext): string {
	const target = linkTo(attachment, context);
	return target === undefined ? `*\\[${escapeInline(alt)}: ${missingNote(attachment)}\\]*` : `![${escapeInline(alt)}](${target.destination})`;
}

/** `📎 [name](link) · 12.0 KiB`: a file, a voice message or a video as a link with its size. */
export function fileMarkdown(icon: string, attachment: Attachment | undefined, label: string, context: RenderContext): string {
	const target = linkTo(attachment, context);
	return target === undefined
		? `${icon} ${escapeInline(label)} · *${missingNote(attachment)}*`
		: `${icon} [${escapeInline(label)}](${target.destination}) · ${formatBytes(target.size)}`;
}

/** `15 s`, `2 min 5 s`: a duration in milliseconds, for voice messages and videos. */
export function formatDuration(ms: number | undefined): string | undefined {
	if (ms === undefined) {
		return undefined;
	}
	const seconds = Math.round(ms / 1000);
	return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** A video: its cover (when saved) linking to the clip, then the clip's link with its size. */
export function videoMarkdown(video: Attachment | undefined, cover: Attachment | undefined, name: string, context: RenderContext): string[] {
	const duration = formatDuration(video?.durationMs);
	const label = duration === undefined ? name : `${name} · ${duration}`;
	const clip = fileMarkdown('🎬', video, label, context);
	const coverTarget = linkTo(cover, context);
	const clipTarget = video === undefined ? undefined : context.saved(video);
	if (coverTarget === undefined) {
		return [clip];
	}
	const image = `![${escapeInline(`Cover of ${name}`)}](${coverTarget.destination})`;
	return [clipTarget === undefined ? image : `[${image}](${fileLinkDestination(clipTarget.path)})`, clip];
}
