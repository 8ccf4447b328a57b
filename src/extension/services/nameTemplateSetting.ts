import * as vscode from 'vscode';
import { DEFAULT_NAME_TEMPLATE, parseNameTemplate, type NameTemplate } from '../../core/naming/nameTemplate';
import { LocalizedError } from '../platform/errorAdvice';
import type { Settings } from '../storage/settings';
import type { DownloadTarget } from './workspaceTarget';

/** The name template setting of the target's folder; a bad one is a settings error, said in the user's language. */
export function nameTemplateOf(settings: Settings, target: DownloadTarget): NameTemplate {
	const source = settings.nameTemplate(target.folder.uri);
	try {
		return parseNameTemplate(source);
	} catch (error) {
		throw new LocalizedError('validation', vscode.l10n.t('The file name template "{0}" in the settings is not valid.', source), {
			reason: 'bad-name-template',
			hint: vscode.l10n.t('Open Settings, search for "Lark Downloader Name Template", and use a relative path with {0} or {1}, such as {2}.', '{name}', '{key}', DEFAULT_NAME_TEMPLATE),
			cause: error,
		});
	}
}
