import * as vscode from 'vscode';
import { LarkError, type ErrorReason, type ErrorType, type LarkErrorDetails } from '../../core/errors';
import type { Attachment } from '../../core/lark/model';

/** An error the extension raises itself, its message and hint already in the user's language: shown as it is. */
export class LocalizedError extends LarkError {
	constructor(type: ErrorType, message: string, details?: LarkErrorDetails) {
		super(type, message, details);
	}
}

/** A button on an error message: a command with its arguments. */
export interface ErrorAction {
	title: string;
	command: string;
	args?: unknown[];
}

/** What the user reads about a failure, in their language, and what helps next. */
export interface ErrorAdvice {
	text: string;
	/** The one thing that fixes it, offered as the message's first button. */
	action?: ErrorAction;
	/** Running the same command again may succeed (a network hiccup, a busy server, space freed). */
	worthRetrying: boolean;
}

const SIGN_IN = 'larkDownloader.signIn';
const SIGN_IN_WITH_LARK = 'larkDownloader.signInWithLark';

/**
 * The extension's words for a core error: by its reason (with the reason's parameters), else by its type.
 * Core messages are neutral English for the log; only a server's own text (which may already be in the user's
 * language) is shown as it came.
 */
export function adviseOn(failure: LarkError): ErrorAdvice {
	const advice = failure.reason === undefined ? typeAdvice(failure.type, failure) : reasonAdvice(failure.reason, failure);
	if (failure instanceof LocalizedError) {
		// Our own words already: keep them, with the action the reason calls for.
		return { ...advice, text: failure.hint === undefined ? failure.message : `${failure.message} ${failure.hint}` };
	}
	const code = failure.code === undefined ? '' : ` ${vscode.l10n.t('(Lark code {0})', failure.code)}`;
	return { ...advice, text: `${advice.text}${code}` };
}

function param(failure: LarkError, name: string): string {
	const value = failure.params[name];
	return value === undefined ? '' : String(value);
}

function signIn(): ErrorAction {
	return { title: vscode.l10n.t('Sign In'), command: SIGN_IN };
}

function signInWithLark(): ErrorAction {
	return { title: vscode.l10n.t('Sign In with Lark'), command: SIGN_IN_WITH_LARK };
}

function settings(query: string): ErrorAction {
	return { title: vscode.l10n.t('Open Settings'), command: 'workbench.action.openSettings', args: [query] };
}

function reasonAdvice(reason: ErrorReason, failure: LarkError): ErrorAdvice {
	const once = (text: string, action?: ErrorAction): ErrorAdvice => ({ text, worthRetrying: false, ...(action === undefined ? {} : { action }) });
	const again = (text: string, action?: ErrorAction): ErrorAdvice => ({ text, worthRetrying: true, ...(action === undefined ? {} : { action }) });
	switch (reason) {
		case 'missing-credentials':
		case 'not-signed-in':
			return once(vscode.l10n.t('Sign in to Lark first.'), signIn());
		case 'sign-in-again':
			return once(vscode.l10n.t('Your Lark sign-in has ended: sign in again.'), signInWithLark());
		case 'wrong-app-credentials':
			return once(vscode.l10n.t('The App ID or App Secret is wrong: sign in again with the right ones.'), signIn());
		case 'token-rejected':
			return once(vscode.l10n.t('Lark did not accept the sign-in. Sign in again.'), signIn());
		case 'app-unavailable':
			return once(vscode.l10n.t('The Lark app is disabled or not installed in your organisation. Ask its administrator, or sign in with another app.'), signIn());
		case 'not-in-chat':
			return once(vscode.l10n.t('Add the app\'s bot to this chat in Lark, or sign in with your own Lark account.'), signInWithLark());
		case 'p2p-needs-user':
			return once(vscode.l10n.t('Sign in with your Lark account to see one-to-one chats.'), signInWithLark());
		case 'no-access':
			return once(vscode.l10n.t('You have no access to this chat or file in Lark, or it was deleted. Ask for access in Lark.'));
		case 'scope-missing':
			return once(vscode.l10n.t('The Lark app lacks a permission it needs ({0}). Enable it in the Lark developer console, publish the app, then sign in again.', param(failure, 'scopes')), signIn());
		case 'scope-not-granted':
			return once(vscode.l10n.t('You have not granted a permission the download needs. Sign in with Lark again and approve it.'), signInWithLark());
		case 'not-found':
			return once(vscode.l10n.t('Lark did not find this message or file. It may have been deleted.'));
		case 'message-deleted':
			return once(vscode.l10n.t('The message was deleted or recalled in Lark.'));
		case 'key-not-in-message':
			return once(vscode.l10n.t('This file does not belong to the message. For a file inside a forwarded message, use the forwarded message\'s ID.'));
		case 'card-resource':
			return once(vscode.l10n.t('Lark does not serve this image of a card or forwarded message on its own.'));
		case 'too-large-for-one-request':
			return again(vscode.l10n.t('Lark refused to send this large file in one piece and did not allow a download in parts. Try again later.'));
		case 'bad-parameter':
			return once(vscode.l10n.t('Lark refused the request: check the resource type (image or file).'));
		case 'rate-limited':
			return again(vscode.l10n.t('Lark is limiting requests right now. Wait a minute, then try again.'));
		case 'server-unavailable':
			return again(vscode.l10n.t('Lark had a temporary problem. Try again in a moment.'));
		case 'bad-message-id':
			return once(vscode.l10n.t('A message ID starts with om_. Copy it from the message in the Lark view.'));
		case 'bad-file-key':
			return once(vscode.l10n.t('The file key is missing or not valid. Copy it from the attachment in the Lark view.'));
		case 'bad-resource-type':
			return once(vscode.l10n.t('Choose the resource type: image for images, file for files, audio and video.'));
		case 'bad-time':
			return once(timeProblem(param(failure, 'problem'), param(failure, 'value')));
		case 'bad-time-range':
			return once(vscode.l10n.t('The start is after the end.'));
		case 'bad-output-path':
			return once(vscode.l10n.t('"{0}" is not a valid file path. Give a path relative to the workspace folder.', param(failure, 'path')));
		case 'path-outside-folder':
			return once(vscode.l10n.t('"{0}" leads outside the download folder, so nothing was saved there.', param(failure, 'path')));
		case 'bad-name-template':
			return once(vscode.l10n.t('The file name template "{0}" in the settings is not valid.', param(failure, 'template')), settings('larkDownloader.nameTemplate'));
		case 'file-exists':
			return once(vscode.l10n.t('A file with this name already exists. Choose Keep Both or Replace, or change the Conflict Policy setting.'), settings('larkDownloader.conflictPolicy'));
		case 'name-too-long':
			return once(vscode.l10n.t('The file name is too long for the file system. Choose a shorter name.'));
		case 'folder-missing':
			return once(vscode.l10n.t('The download folder does not exist.'));
		case 'no-free-name':
			return once(vscode.l10n.t('No free file name is left for "{0}". Tidy up the download folder.', param(failure, 'name')));
		case 'busy':
			return again(vscode.l10n.t('Another window or run is downloading this file right now. Try again when it has finished.'));
		case 'disk-full':
			return again(vscode.l10n.t('The disk is full. Free some space, then try again: the download continues where it stopped.'));
		case 'read-only-folder':
			return once(vscode.l10n.t('The download folder is on a read-only disk. Choose another folder.'), settings('larkDownloader.downloadFolder'));
		case 'no-write-permission':
			return once(vscode.l10n.t('You have no permission to write in the download folder. Choose another folder or fix its permissions.'), settings('larkDownloader.downloadFolder'));
		case 'path-blocked':
			return once(vscode.l10n.t('Something stands in the way in the download folder: a folder where a file should go, or a file where a folder should be. Rename or remove it.'));
		case 'too-many-open-files':
			return again(vscode.l10n.t('Too many files are open. Close some programs and try again.'));
		case 'disk-error':
			return again(vscode.l10n.t('The disk reported an error. Check the disk, then try again.'));
		case 'manifest-busy':
			return again(vscode.l10n.t('Another window or run is updating the download record right now. Try again in a moment.'));
		case 'manifest-unreadable':
			return once(vscode.l10n.t('The download record (.lark-manifest.json) in the download folder cannot be read. Move it aside to start a new record.'));
		case 'export-not-ours':
			return once(vscode.l10n.t('"{0}" in the download folder is not a Markdown export of this chat, so it was left as it is. Rename or move it to export again.', param(failure, 'path')));
	}
}

function timeProblem(problem: string, value: string): string {
	switch (problem) {
		case 'milliseconds':
			return vscode.l10n.t('"{0}" looks like milliseconds: give Unix seconds or a date (YYYY-MM-DD).', value);
		case 'zone-without-time':
			return vscode.l10n.t('"{0}": a time zone needs a time of day.', value);
		case 'time-out-of-range':
			return vscode.l10n.t('"{0}": the time of day is out of range.', value);
		case 'no-such-date':
			return vscode.l10n.t('"{0}" is not a calendar date.', value);
		case 'zone-out-of-range':
			return vscode.l10n.t('"{0}": the time zone offset is out of range.', value);
		default:
			return vscode.l10n.t('"{0}" is not a date. Use YYYY-MM-DD, optionally with a time (HH:MM).', value);
	}
}

function typeAdvice(type: ErrorType, failure: LarkError): ErrorAdvice {
	const serverText = param(failure, 'serverMessage');
	switch (type) {
		case 'auth':
			return { text: vscode.l10n.t('Lark did not accept the sign-in.'), action: signIn(), worthRetrying: false };
		case 'permission':
			return { text: vscode.l10n.t('You have no access to this chat or file in Lark.'), worthRetrying: false };
		case 'scope':
			return { text: vscode.l10n.t('The Lark app lacks a permission it needs.'), action: signIn(), worthRetrying: false };
		case 'not_found':
			return { text: vscode.l10n.t('Lark did not find this message or file. It may have been deleted.'), worthRetrying: false };
		case 'rate_limit':
			return { text: vscode.l10n.t('Lark is limiting requests right now. Wait a minute, then try again.'), worthRetrying: true };
		case 'network':
			return { text: vscode.l10n.t('Could not reach Lark. Check your network connection, then try again.'), worthRetrying: true };
		case 'protocol':
			return { text: vscode.l10n.t('Lark answered in an unexpected way. Try again; if it keeps happening, the log has the details.'), worthRetrying: true };
		case 'io':
			return { text: vscode.l10n.t('Could not write in the download folder. The log has the details.'), worthRetrying: true };
		case 'cancelled':
			return { text: vscode.l10n.t('Cancelled.'), worthRetrying: true };
		case 'validation':
			// Our own checks that have no reason yet: their neutral text is all we have.
			return { text: failure.message, worthRetrying: false };
		case 'api':
			// Lark's own words (they may be in the user's language) rather than a vaguer sentence of ours.
			return { text: serverText === '' ? vscode.l10n.t('Lark reported an error.') : vscode.l10n.t('Lark reported: {0}', serverText), worthRetrying: true };
	}
}

/**
 * A message about one thing names it first: "季度报告.pdf: You have no access…". `subject` is the label of
 * what the command acted on (an attachment's name, a chat, the palette's file key); without one the text stays.
 */
export function withSubject(subject: string | undefined, text: string): string {
	const name = subject?.trim();
	return name === undefined || name === '' ? text : vscode.l10n.t('{0}: {1}', name, text);
}

/** Why an attachment cannot be downloaded, in the user's language. */
export function notDownloadableText(attachment: Pick<Attachment, 'notDownloadable'>): string {
	switch (attachment.notDownloadable) {
		case 'sticker':
			return vscode.l10n.t('Stickers cannot be downloaded: Lark does not serve them.');
		case 'folder':
			return vscode.l10n.t('Folders cannot be downloaded from a chat.');
		case 'deleted':
			return vscode.l10n.t('The message was recalled or deleted, so its files are gone.');
		case 'card-not-served':
			return vscode.l10n.t('Lark does not serve this card\'s image.');
		case undefined:
			return vscode.l10n.t('This attachment cannot be downloaded.');
	}
}
