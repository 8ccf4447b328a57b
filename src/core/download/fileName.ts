import contentDisposition from 'content-disposition';
import mime from 'mime-types';
import * as path from 'node:path';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;
const MAX_NAME_BYTES = 240; // leaves room for " (99)" and ".part" within the common 255-byte limit

/**
 * The server's file name from Content-Disposition. RFC 5987 `filename*` wins. A plain `filename` arrives from
 * Node as latin1 (one char per header byte) while Lark puts raw UTF-8 bytes there (docs/lark-api.md §4.11): its
 * bytes are read as UTF-8 when they form valid UTF-8, else the latin1 reading stays. A plain name is never
 * percent-decoded: some senders' names really contain "%E6…".
 */
export function fileNameFromContentDisposition(header: string | undefined): string | undefined {
	if (header === undefined || header.trim() === '') {
		return undefined;
	}
	let raw: string | undefined;
	let extended = false;
	try {
		const parsed = contentDisposition.parse(header);
		raw = parsed.parameters.filename;
		extended = /(^|;)\s*filename\*\s*=/i.test(header);
	} catch {
		// Lenient fallback for headers the strict parser refuses (e.g. unquoted names with spaces).
		raw = /(?:^|;)\s*filename\s*=\s*"?([^";]+)"?/i.exec(header)?.[1];
	}
	if (raw === undefined) {
		return undefined;
	}
	return sanitizeFileName(extended ? raw : utf8FromLatin1(raw));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Re-reads a latin1 string's bytes as UTF-8 when they are valid UTF-8 (and not plain ASCII); else returns it as is. */
export function utf8FromLatin1(text: string): string {
	// eslint-disable-next-line no-control-regex
	if (!/[\u0080-\u00ff]/.test(text) || /[^\u0000-\u00ff]/.test(text)) {
		return text; // ASCII, or not a latin1 byte string at all
	}
	try {
		return strictUtf8.decode(Buffer.from(text, 'latin1'));
	} catch {
		return text;
	}
}

/**
 * Makes a server-supplied name safe to create on any OS: no directories, no control or reserved
 * characters, no Windows device names, no trailing dots/spaces, NFC-normalised, length-bounded.
 * Returns undefined when nothing usable is left.
 */
export function sanitizeFileName(raw: string): string | undefined {
	const lastSegment = raw.split(/[/\\]/).pop() ?? '';
	let name = lastSegment.normalize('NFC').replace(UNSAFE_CHARS, '_').trim().replace(/[. ]+$/, '');
	if (name === '') {
		return undefined;
	}
	if (name.startsWith('.')) {
		name = `_${name.slice(1)}`; // a leading dot would hide the file
	}
	if (WINDOWS_RESERVED.test(name)) {
		name = `_${name}`;
	}
	return truncateName(name);
}

function truncateName(name: string): string {
	if (Buffer.byteLength(name) <= MAX_NAME_BYTES) {
		return name;
	}
	const ext = extensionOf(name);
	const keepExt = Buffer.byteLength(ext) < 32 ? ext : '';
	let stem = keepExt === '' ? name : name.slice(0, -keepExt.length);
	while (Buffer.byteLength(stem + keepExt) > MAX_NAME_BYTES) {
		stem = Array.from(stem).slice(0, -1).join('');
	}
	return stem + keepExt;
}

/**
 * ".pdf" for "report.pdf"; "" for "README", ".hidden" and for what only looks like one ("v1.2 notes",
 * "J. Smith"): an extension has no spaces and at most 16 characters.
 */
export function extensionOf(name: string): string {
	const ext = path.extname(name);
	return /^\.[^\s.]{1,16}$/.test(ext) ? ext : '';
}

/** Extension for a Content-Type from the full MIME database ("image/jpeg" → ".jpeg" is avoided for ".jpg"). */
export function extensionForContentType(contentType: string | undefined): string {
	if (contentType === undefined) {
		return '';
	}
	const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
	if (type === '') {
		return '';
	}
	const preferred: Record<string, string> = { 'image/jpeg': '.jpg', 'audio/mpeg': '.mp3', 'text/plain': '.txt', 'audio/opus': '.opus', 'video/quicktime': '.mov' };
	const known = preferred[type];
	if (known !== undefined) {
		return known;
	}
	const ext = mime.extension(type);
	return ext === false ? '' : `.${ext}`;
}

export interface NamingInput {
	fileKey: string;
	/** The user's --output (already validated), if any. */
	output?: string;
	contentDisposition?: string;
	contentType?: string;
}

/**
 * The path, relative to the download root, a resource is saved under before conflict handling:
 * --output (given an extension when it has none), else the server's name, else the file key + the
 * Content-Type's extension.
 */
export function plannedRelativePath(input: NamingInput): string {
	const serverName = fileNameFromContentDisposition(input.contentDisposition);
	const typeExt = extensionForContentType(input.contentType);
	if (input.output !== undefined) {
		if (extensionOf(path.basename(input.output)) !== '') {
			return input.output;
		}
		const serverExt = serverName === undefined ? '' : extensionOf(serverName);
		return input.output + (serverExt !== '' ? serverExt : typeExt);
	}
	if (serverName !== undefined) {
		return extensionOf(serverName) !== '' || typeExt === '' || typeExt === '.bin' ? serverName : serverName + typeExt;
	}
	const keyName = sanitizeFileName(input.fileKey) ?? 'download';
	return keyName + typeExt;
}

/** "name.ext" → "name (n).ext", used to keep both files instead of overwriting. */
export function numberedName(fileName: string, n: number): string {
	const ext = extensionOf(fileName);
	const stem = ext === '' ? fileName : fileName.slice(0, -ext.length);
	return `${stem} (${n})${ext}`;
}
