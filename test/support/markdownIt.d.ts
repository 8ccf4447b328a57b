// The part of markdown-it (the renderer of VS Code's Markdown preview; here a dependency of @vscode/vsce) the
// export tests use; the package ships no typings.
declare module 'markdown-it' {
	namespace markdownIt {
		interface Token {
			type: string;
			tag: string;
			attrs: [string, string][] | null;
			children: Token[] | null;
			content: string;
			attrGet(name: string): string | null;
		}
		interface MarkdownIt {
			render(source: string): string;
			parse(source: string, env: object): Token[];
		}
	}
	function markdownIt(options?: { html?: boolean; linkify?: boolean }): markdownIt.MarkdownIt;
	export = markdownIt;
}
