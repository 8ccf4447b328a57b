/**
 * How a downloaded file opens: in VS Code's own editor (text, code, images, markdown, JSON, SVG…), with the
 * system's default app (PDF, Office documents, archives, audio, video…), or by asking when we cannot tell.
 * Decided by the file's extension, else by its MIME type. Plain data, no `vscode`: unit-tested in plain Node.
 */
export type Opener = 'editor' | 'system' | 'ask';

/** VS Code shows these itself: text and code in the text editor, images in the image preview, notebooks. */
const EDITOR_EXTENSIONS = new Set([
	// plain text, documentation, data
	'txt', 'text', 'md', 'markdown', 'mdx', 'rst', 'adoc', 'tex', 'log', 'csv', 'tsv', 'json', 'jsonc', 'json5', 'jsonl', 'ndjson',
	'yaml', 'yml', 'toml', 'ini', 'cfg', 'conf', 'properties', 'env', 'xml', 'xsd', 'xsl', 'plist', 'srt', 'vtt', 'diff', 'patch',
	// code
	'html', 'htm', 'css', 'scss', 'sass', 'less', 'js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'vue', 'svelte', 'py', 'ipynb',
	'java', 'kt', 'kts', 'scala', 'groovy', 'gradle', 'c', 'h', 'cc', 'cpp', 'cxx', 'hpp', 'hh', 'cs', 'fs', 'go', 'rs', 'rb', 'php',
	'pl', 'lua', 'r', 'dart', 'swift', 'm', 'mm', 'sql', 'graphql', 'proto', 'sh', 'bash', 'zsh', 'fish', 'ps1', 'bat', 'cmd',
	'dockerfile', 'makefile', 'cmake', 'tf', 'hcl', 'nix', 'ex', 'exs', 'erl', 'hs', 'clj', 'elm', 'zig', 'v', 'sv', 'vhd',
	// images VS Code previews
	'png', 'jpg', 'jpeg', 'jpe', 'gif', 'webp', 'bmp', 'ico', 'svg', 'avif',
]);

/** VS Code cannot show these usefully (a PDF would open as raw bytes): the system's app does. */
const SYSTEM_EXTENSIONS = new Set([
	// documents
	'pdf', 'doc', 'docx', 'dot', 'dotx', 'rtf', 'odt', 'xls', 'xlsx', 'xlsm', 'ods', 'ppt', 'pptx', 'pps', 'ppsx', 'odp',
	'pages', 'numbers', 'key', 'epub', 'mobi', 'xps', 'vsdx', 'mpp', 'one', 'wps', 'et', 'dps',
	// archives and disk images
	'zip', 'rar', '7z', 'tar', 'gz', 'tgz', 'bz2', 'xz', 'zst', 'lz', 'cab', 'iso', 'dmg', 'jar', 'apk', 'ipa',
	// audio
	'mp3', 'wav', 'm4a', 'aac', 'flac', 'ogg', 'oga', 'opus', 'amr', 'wma', 'aiff', 'mid', 'midi',
	// video
	'mp4', 'm4v', 'mov', 'avi', 'mkv', 'webm', 'wmv', 'flv', '3gp', 'mpg', 'mpeg',
	// images VS Code does not preview, design files
	'heic', 'heif', 'tif', 'tiff', 'psd', 'ai', 'eps', 'sketch', 'fig', 'xd', 'raw', 'cr2', 'nef', 'dng',
	// programs and installers (the system asks before running them)
	'exe', 'msi', 'pkg', 'deb', 'rpm', 'app',
]);

/** File names without an extension that are text. */
const EDITOR_NAMES = new Set(['dockerfile', 'makefile', 'readme', 'license', 'changelog', '.gitignore', '.editorconfig', '.env']);

/** The MIME types (when the server said one) that decide a file with an unknown extension. */
function byMime(mime: string): Opener {
	const type = mime.split(';')[0]?.trim().toLowerCase() ?? '';
	if (type.startsWith('text/') || /^application\/(json|[\w.+-]*\+json|xml|[\w.+-]*\+xml|javascript|typescript|x-sh|x-yaml|yaml|toml|sql)$/.test(type)) {
		return 'editor';
	}
	if (/^image\/(png|jpeg|gif|webp|bmp|x-icon|vnd\.microsoft\.icon|svg\+xml|avif)$/.test(type)) {
		return 'editor';
	}
	if (/^(audio|video|image)\//.test(type) || /^application\/(pdf|zip|x-7z-compressed|x-rar-compressed|vnd\.rar|gzip|x-tar|x-bzip2|msword|vnd\.ms-|vnd\.openxmlformats-|vnd\.oasis\.opendocument\.|epub\+zip|rtf)/.test(type)) {
		return 'system';
	}
	return 'ask';
}

/** The lower-case extension of a file name ('' for none; a leading dot alone is a name, not an extension). */
export function extensionOf(fileName: string): string {
	const base = fileName.split(/[\\/]/).pop() ?? fileName;
	const dot = base.lastIndexOf('.');
	return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** How `fileName` opens; `mime` (the server's Content-Type, when known) decides an unknown extension. */
export function openerFor(fileName: string, mime?: string): Opener {
	const extension = extensionOf(fileName);
	if (EDITOR_EXTENSIONS.has(extension)) {
		return 'editor';
	}
	if (SYSTEM_EXTENSIONS.has(extension)) {
		return 'system';
	}
	const base = (fileName.split(/[\\/]/).pop() ?? fileName).toLowerCase();
	if (extension === '' && EDITOR_NAMES.has(base)) {
		return 'editor';
	}
	return mime === undefined || mime.trim() === '' ? 'ask' : byMime(mime);
}
