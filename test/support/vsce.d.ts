// The part of @vscode/vsce's public API (out/api.js) the packaging test uses; the package ships no typings.
declare module '@vscode/vsce' {
	export enum PackageManager {
		Npm = 0,
		Yarn = 1,
		None = 2,
	}
	/** What `vsce ls` prints: the files `vsce package` would put under extension/ in the .vsix. */
	export function listFiles(options?: { cwd?: string; packageManager?: PackageManager; ignoreFile?: string }): Promise<string[]>;
}
