import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMAND_IDS, NODE_COMMAND_IDS } from '../../../src/extension/commands/commandIds';
import type { Attachment, Message } from '../../../src/core/lark/model';
import { ContextValues } from '../../../src/extension/views/contextValues';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as T;

interface Command { command: string; title: string; category?: string; icon?: string }
interface MenuItem { command: string; when?: string; group?: string }
interface Setting { scope?: string; description?: string; markdownDescription?: string; type: string; minimum?: number; maximum?: number; enum?: string[]; enumDescriptions?: string[] }
interface Manifest {
	name: string; displayName: string; publisher: string; main: string; bin: Record<string, string>; engines: { vscode: string }; l10n?: string;
	capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations?: string[] } };
	contributes: { commands: Command[]; menus: Record<string, MenuItem[]>; configuration: { properties: Record<string, Setting> }; views: Record<string, { id: string }[]>; viewsWelcome: { view: string }[] };
}

describe('manifest (package.json)', () => {
	const manifest = readJson<Manifest>('package.json');
	const nls = readJson<Record<string, string>>('package.nls.json');
	const nlsZh = readJson<Record<string, string>>('package.nls.zh-cn.json');
	const declared = manifest.contributes.commands.map((c) => c.command);

	it('names the product and its two entry points', () => {
		assert.equal(manifest.name, 'lark-downloader');
		assert.equal(manifest.displayName, 'Lark Downloader');
		assert.equal(manifest.main, './dist/extension.js');
		assert.deepEqual(manifest.bin, { 'lark-dl': './dist/cli.js' });
		assert.match(manifest.engines.vscode, /^\^1\.\d+\.\d+$/);
	});

	it('declares exactly the commands the extension registers', () => {
		assert.deepEqual([...declared].sort(), [...COMMAND_IDS].sort());
	});

	it('gives every command a localized title, the Lark category and a codicon', () => {
		for (const command of manifest.contributes.commands) {
			assert.match(command.title, /^%command\.[A-Za-z]+%$/, command.command);
			assert.equal(command.category, '%category%', command.command);
			assert.match(command.icon ?? '', /^\$\([a-z-]+\)$/, command.command);
		}
	});

	it('hides exactly the node commands from the palette', () => {
		const hidden = (manifest.contributes.menus.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command);
		assert.deepEqual([...hidden].sort(), [...NODE_COMMAND_IDS].sort());
		for (const visible of ['larkDownloader.downloadResource', 'larkDownloader.previewRequest', 'larkDownloader.signIn', 'larkDownloader.signOut', 'larkDownloader.refresh']) {
			assert.ok(!hidden.includes(visible), `${visible} must stay in the palette`);
		}
	});

	it('has every %key% in English and Chinese, and the same keys in both', () => {
		const keys = [...JSON.stringify(manifest).matchAll(/"%([^"%]+)%"/g)].map((m) => m[1] ?? '');
		assert.ok(keys.length > 20);
		for (const key of keys) {
			assert.ok(nls[key] !== undefined, `package.nls.json lacks ${key}`);
			assert.ok(nlsZh[key] !== undefined, `package.nls.zh-cn.json lacks ${key}`);
		}
		assert.deepEqual(Object.keys(nlsZh).sort(), Object.keys(nls).sort());
	});

	it('gives every setting a scope, a description and bounds; endpoint settings are application-scoped', () => {
		const settings = manifest.contributes.configuration.properties;
		for (const [key, setting] of Object.entries(settings)) {
			assert.ok(key.startsWith('larkDownloader.'), key);
			assert.ok(['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'].includes(setting.scope ?? ''), `${key} has no scope`);
			assert.ok((setting.markdownDescription ?? setting.description ?? '') !== '', `${key} has no description`);
			if (setting.type === 'integer' || setting.type === 'number') {
				assert.ok(setting.minimum !== undefined && setting.maximum !== undefined, `${key} is unbounded`);
			}
			if (setting.enum !== undefined) {
				assert.equal(setting.enumDescriptions?.length, setting.enum.length, `${key} enum descriptions`);
			}
		}
		assert.equal(settings['larkDownloader.brand']?.scope, 'application');
		assert.equal(settings['larkDownloader.baseUrl']?.scope, 'application');
		assert.equal(settings['larkDownloader.downloadFolder']?.scope, 'resource');
		assert.ok(!Object.keys(settings).some((k) => /secret|token|password/i.test(k)), 'secrets never live in settings');
	});

	it('limits untrusted workspaces', () => {
		assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
		assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations?.includes('larkDownloader.downloadFolder'));
	});

	it('matches every viewItem regex in the menus against a context value the tree produces', () => {
		const message = (downloadable: boolean) => ({ attachments: downloadable ? [{ downloadable: true }] : [] }) as unknown as Message;
		const attachment = (resourceType: 'image' | 'file', downloadable = true) => ({ resourceType, downloadable }) as Attachment;
		const producible = [
			ContextValues.chat(), ContextValues.message(message(true)), ContextValues.message(message(false)),
			ContextValues.attachment(attachment('image'), false), ContextValues.attachment(attachment('file'), true), ContextValues.attachment(attachment('file', false), false),
			ContextValues.loadMore(), ContextValues.error(), ContextValues.unfinished(),
		];
		const items = manifest.contributes.menus['view/item/context'] ?? [];
		assert.ok(items.length > 5);
		for (const item of items) {
			const regex = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(item.when ?? '')?.[1];
			const equals = /viewItem == ([\w.:-]+)/.exec(item.when ?? '')?.[1];
			const matches = producible.filter((value) => (regex !== undefined ? new RegExp(regex).test(value) : value === equals));
			assert.ok(matches.length > 0, `${item.command} (${item.when}) matches no context value`);
			assert.ok(!matches.includes('lark.attachment:none:unavailable') || item.command.startsWith('larkDownloader.copy'), `${item.command} offered on a not-downloadable attachment`);
		}
	});
});
