// A small stand-in for the `vscode` module, so the extension's models and services run in plain Node (fast
// tests beside the real extension-host suite). Only what those modules touch is here; each test sets the state
// it needs (`fake.workspace.workspaceFolders = …`). Installed per test file with installVscodeFake(), never
// globally: the layering test must still see that core and the CLI load without any `vscode`.
import Module from 'node:module';

type Listener<T> = (value: T) => void;

export class EventEmitter<T> {
	private listeners: Listener<T>[] = [];
	readonly event = (listener: Listener<T>): { dispose(): void } => {
		this.listeners.push(listener);
		return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
	};

	fire(value: T): void {
		for (const listener of [...this.listeners]) {
			listener(value);
		}
	}

	dispose(): void {
		this.listeners = [];
	}
}

export class CancellationError extends Error {}

export const l10n = {
	t: (message: string, ...args: unknown[]): string => message.replace(/\{(\d+)\}/g, (match: string, index: string) => (args[Number(index)] === undefined ? match : String(args[Number(index)]))),
};

export interface FakeFolder {
	uri: { scheme: string; fsPath: string };
	name: string;
	index: number;
}

export const workspace = {
	isTrusted: true,
	workspaceFolders: [] as FakeFolder[] | undefined,
	settings: {} as Record<string, unknown>,
	getConfiguration: (section: string) => ({
		get: <T>(key: string, fallback: T): T => (workspace.settings[`${section}.${key}`] as T | undefined) ?? fallback,
		inspect: <T>(key: string) => ({ globalValue: workspace.settings[`${section}.${key}`] as T | undefined, defaultValue: undefined }),
		update: (key: string, value: unknown): Promise<void> => {
			workspace.settings[`${section}.${key}`] = value;
			return Promise.resolve();
		},
	}),
	onDidChangeConfiguration: () => ({ dispose: () => undefined }),
	/** Watchers created (the tests drive reloads themselves). */
	watchers: 0,
	getWorkspaceFolder: (uri: { fsPath: string }): FakeFolder | undefined => workspace.workspaceFolders?.find((f) => uri.fsPath === f.uri.fsPath || uri.fsPath.startsWith(`${f.uri.fsPath}/`)),
	createFileSystemWatcher: () => {
		workspace.watchers++;
		const none = () => ({ dispose: () => undefined });
		return { onDidCreate: none, onDidChange: none, onDidDelete: none, dispose: () => undefined };
	},
	asRelativePath: (file: string | { fsPath: string }): string => {
		const fsPath = typeof file === 'string' ? file : file.fsPath;
		const root = workspace.workspaceFolders?.find((f) => fsPath.startsWith(`${f.uri.fsPath}/`));
		return root === undefined ? fsPath : fsPath.slice(root.uri.fsPath.length + 1);
	},
};

export class RelativePattern {
	constructor(readonly base: unknown, readonly pattern: string) {}
}

export const TreeItemCollapsibleState = { None: 0, Collapsed: 1, Expanded: 2 } as const;

export class TreeItem {
	id?: string;
	description?: string;
	tooltip?: unknown;
	iconPath?: unknown;
	resourceUri?: unknown;
	contextValue?: string;
	command?: { command: string; title: string; arguments?: unknown[] };
	accessibilityInformation?: { label: string };
	constructor(readonly label: string, readonly collapsibleState: number = 0) {}
}

export class ThemeIcon {
	static readonly File = new ThemeIcon('file');
	constructor(readonly id: string, readonly color?: unknown) {}
}

export class ThemeColor {
	constructor(readonly id: string) {}
}

export class MarkdownString {
	constructor(public value = '') {}
	appendMarkdown(text: string): this {
		this.value += text;
		return this;
	}
}

export const QuickPickItemKind = { Separator: -1, Default: 0 } as const;

export const ProgressLocation = { Notification: 15, Window: 10 } as const;

export const Uri = {
	file: (fsPath: string) => ({ scheme: 'file', fsPath, toString: () => `file://${fsPath}` }),
	parse: (text: string) => ({ scheme: 'file', fsPath: text.replace(/^file:\/\//, ''), toString: () => text }),
};

const noCancellation = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) };

export const window = {
	pickedFolder: undefined as FakeFolder | undefined,
	showWorkspaceFolderPick: (): Promise<FakeFolder | undefined> => Promise.resolve(window.pickedFolder),
	/** What each modal question was, and the button the test answers with (undefined: dismissed). */
	warnings: [] as string[],
	answer: undefined as string | undefined,
	showWarningMessage: (message: string): Promise<string | undefined> => {
		window.warnings.push(message);
		return Promise.resolve(window.answer);
	},
	/** Every information message with its buttons, and the button the test clicks (undefined: dismissed). */
	infos: [] as { message: string; items: string[] }[],
	infoChoice: undefined as string | undefined,
	showInformationMessage: (message: string, ...items: string[]): Promise<string | undefined> => {
		window.infos.push({ message, items });
		return Promise.resolve(window.infoChoice);
	},
	/** Every quick pick shown (its items), and how the test answers it (default: dismissed). */
	quickPicks: [] as { label: string; description?: string; picked?: boolean; kind?: number }[][],
	pickAnswer: (items: readonly { label: string; picked?: boolean; kind?: number }[]): unknown => { void items; return undefined; },
	showQuickPick: (items: readonly { label: string; picked?: boolean; kind?: number }[]): Promise<unknown> => {
		window.quickPicks.push(items.map((item) => ({ ...item })));
		return Promise.resolve(window.pickAnswer(items));
	},
	/** Every error message with its buttons, and the button the test clicks (undefined: dismissed). */
	errors: [] as { message: string; items: string[] }[],
	errorChoice: undefined as string | undefined,
	showErrorMessage: (message: string, ...items: string[]): Promise<string | undefined> => {
		window.errors.push({ message, items });
		return Promise.resolve(window.errorChoice);
	},
	/** Every progress report, in order, with the notification's title. */
	progress: [] as { title: string; message?: string; increment?: number }[],
	withProgress: <T>(options: { title: string }, task: (progress: { report(value: { message?: string; increment?: number }): void }, token: typeof noCancellation) => Promise<T>): Promise<T> =>
		task({ report: (value) => window.progress.push({ title: options.title, ...value }) }, noCancellation),
	/** Every input box shown (its prompt and pre-filled value), answered in turn from `inputAnswers` (then dismissed). */
	inputs: [] as { prompt?: string; value?: string; password?: boolean }[],
	inputAnswers: [] as (string | undefined)[],
	showInputBox: (options: { prompt?: string; value?: string; password?: boolean } = {}): Promise<string | undefined> => {
		window.inputs.push({ prompt: options.prompt, value: options.value, password: options.password });
		return Promise.resolve(window.inputAnswers.shift());
	},
	quickInputs: [] as FakeQuickInput[],
	driveInput: (input: FakeQuickInput): void => input.hide(),
	createInputBox: (): FakeQuickInput => new FakeQuickInput('input'),
	createQuickPick: (): FakeQuickInput => new FakeQuickInput('pick'),
	statusBarItems: [] as FakeStatusBarItem[],
	createStatusBarItem: (id: string): FakeStatusBarItem => {
		const item = new FakeStatusBarItem(id);
		window.statusBarItems.push(item);
		return item;
	},
};

export const commands = {
	/** Every command run through executeCommand, with its arguments. */
	executed: [] as { command: string; args: unknown[] }[],
	executeCommand: (command: string, ...args: unknown[]): Promise<undefined> => {
		commands.executed.push({ command, args });
		return Promise.resolve(undefined);
	},
};

export const QuickInputButtons = { Back: { iconPath: 'back', tooltip: 'Back' } } as const;

/**
 * createInputBox / createQuickPick: a test drives each one in `window.driveInput` once it is shown (type,
 * accept, pick, back, or hide = Esc); every one shown is kept in `window.quickInputs`.
 */
export class FakeQuickInput<T extends { label: string } = { label: string }> {
	title?: string;
	step?: number;
	totalSteps?: number;
	prompt?: string;
	placeholder?: string;
	value = '';
	password = false;
	ignoreFocusOut = false;
	validationMessage?: string;
	buttons: readonly unknown[] = [];
	items: readonly T[] = [];
	activeItems: readonly T[] = [];
	selectedItems: readonly T[] = [];
	visible = false;
	private readonly changed = new EventEmitter<string>();
	private readonly accepted = new EventEmitter<void>();
	private readonly hidden = new EventEmitter<void>();
	private readonly triggered = new EventEmitter<unknown>();
	readonly onDidChangeValue = this.changed.event;
	readonly onDidAccept = this.accepted.event;
	readonly onDidHide = this.hidden.event;
	readonly onDidTriggerButton = this.triggered.event;

	constructor(readonly kind: 'input' | 'pick') {}

	show(): void {
		this.visible = true;
		window.quickInputs.push(this);
		setImmediate(() => window.driveInput(this as unknown as FakeQuickInput));
	}

	hide(): void {
		if (this.visible) {
			this.visible = false;
			this.hidden.fire();
		}
	}

	dispose(): void {
		this.hide();
	}

	/** The user types `value` (validation runs as for each keystroke). */
	type(value: string): void {
		this.value = value;
		this.changed.fire(value);
	}

	accept(): void {
		this.accepted.fire();
	}

	pick(label: string): void {
		this.selectedItems = this.items.filter((item) => item.label === label);
		this.accepted.fire();
	}

	back(): void {
		this.triggered.fire(QuickInputButtons.Back);
	}
}

export const StatusBarAlignment = { Left: 1, Right: 2 } as const;

/** A status bar item: what it shows and whether it is visible. */
export class FakeStatusBarItem {
	text = '';
	tooltip: unknown;
	name?: string;
	command?: unknown;
	accessibilityInformation?: { label: string };
	visible = false;
	disposed = false;

	constructor(readonly id: string) {}

	show(): void {
		this.visible = true;
	}

	hide(): void {
		this.visible = false;
	}

	dispose(): void {
		this.disposed = true;
		this.visible = false;
	}
}

export const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 } as const;

export const UIKind = { Desktop: 1, Web: 2 } as const;

export const env = {
	/** The display language (tests set 'zh-cn' to check what a Chinese UI shows). */
	language: 'en',
	uiKind: UIKind.Desktop as number,
	remoteName: undefined as string | undefined,
	/** Every file or link handed to the system's default app. */
	opened: [] as string[],
	openExternal: (uri: { toString(): string }): Promise<boolean> => {
		env.opened.push(uri.toString());
		return Promise.resolve(true);
	},
};

export function folder(fsPath: string, scheme = 'file'): FakeFolder {
	return { uri: { scheme, fsPath }, name: fsPath.split('/').pop() ?? fsPath, index: 0 };
}

/**
 * Makes `require('vscode')` answer this module until uninstall(): call it in a describe's before() and
 * uninstall() in its after(), so no other test file (the layering test above all) ever sees the fake.
 */
export function installVscodeFake(): { reset(): void; uninstall(): void } {
	const loader = Module as unknown as { _resolveFilename: (this: unknown, request: string, ...rest: unknown[]) => string };
	const original = loader._resolveFilename;
	loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
		return request === 'vscode' ? __filename : original.call(this, request, ...rest);
	};
	return {
		uninstall: () => {
			loader._resolveFilename = original;
		},
		reset: () => {
			workspace.isTrusted = true;
			workspace.workspaceFolders = [];
			workspace.settings = {};
			window.pickedFolder = undefined;
			window.warnings = [];
			window.answer = undefined;
			window.progress = [];
			window.errors = [];
			window.infos = [];
			window.quickPicks = [];
			window.pickAnswer = () => undefined;
			window.infoChoice = undefined;
			workspace.watchers = 0;
			window.errorChoice = undefined;
			commands.executed = [];
			env.language = 'en';
			env.uiKind = UIKind.Desktop;
			env.remoteName = undefined;
			env.opened = [];
			window.inputs = [];
			window.inputAnswers = [];
			window.quickInputs = [];
			window.driveInput = (input) => input.hide();
			window.statusBarItems = [];
		},
	};
}
