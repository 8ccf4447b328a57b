// The one `Range` header parser of the bench servers (range-server.mjs, lark-bench-server.mjs): a single
// range `bytes=a-b`, `bytes=a-` or `bytes=-n`, clamped to the body the way RFC 9110 asks.

/** @returns {{start:number,end:number}|null|'invalid'} inclusive range, null = whole body, 'invalid' = 416 */
export function parseRange(header, size) {
	if (header === undefined) {
		return null;
	}
	const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!m || (m[1] === '' && m[2] === '')) {
		return 'invalid';
	}
	let start;
	let end;
	if (m[1] === '') {
		const suffix = Number(m[2]);
		if (suffix === 0) {
			return 'invalid';
		}
		start = Math.max(0, size - suffix);
		end = size - 1;
	} else {
		start = Number(m[1]);
		end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
	}
	if (start >= size || end < start) {
		return 'invalid';
	}
	return { start, end };
}
