// Content-Disposition headers the way servers send them, for the fixtures (docs/fixtures.md says which is evidenced).

/**
 * What the real Feishu/Lark server sends (docs/lark-api.md §4.11): the name's raw UTF-8 bytes inside a plain
 * `filename="…"`, no `filename*`. Node writes a header string one byte per char (latin1), so the UTF-8 bytes
 * are passed as a latin1 string to reach the wire unchanged.
 */
export function larkContentDisposition(name: string): string {
	return `attachment; filename="${Buffer.from(name.replace(/["\\]/g, '_'), 'utf8').toString('latin1')}"`;
}

/** RFC 6266/5987: an ASCII fallback plus `filename*=UTF-8''…` (what a standards-minded server or proxy sends; an extra case). */
export function rfc5987ContentDisposition(name: string): string {
	const fallback = name.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '').replace(/\s+/g, ' ').trim() || 'download';
	return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
