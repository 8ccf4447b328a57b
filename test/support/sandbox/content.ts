// Real file contents for the sandbox, generated in code: PNG pictures, PDF documents, ZIP and XLSX
// archives, WAV voice notes, UTF-8 text, and arbitrarily large files whose bytes are computed from
// their offset (so a 320 MB video is never held in memory). Everything is deterministic: the same
// name gives the same bytes on every start, so a download can be checked against a SHA-256.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { deflateRawSync, deflateSync } from 'node:zlib';

// ---- randomness and checksums ------------------------------------------------------------------

/** A small seeded PRNG (mulberry32): the same seed, the same sequence. */
export function prng(seed: number | string): () => number {
	let state = typeof seed === 'number' ? seed >>> 0 : createHash('sha256').update(seed).digest().readUInt32LE(0);
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) {
			c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		}
		table[n] = c >>> 0;
	}
	return table;
})();

/** CRC-32 as PNG and ZIP use it. */
export function crc32(data: Buffer, previous = 0): number {
	let crc = ~previous >>> 0;
	for (const byte of data) {
		crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
	}
	return ~crc >>> 0;
}

// ---- pictures ----------------------------------------------------------------------------------

type Rgb = readonly [number, number, number];

/** 5×7 bitmap glyphs (rows top to bottom, bit 4 = leftmost pixel); lower case is drawn as upper case. */
const FONT: Record<string, readonly number[]> = {
	A: [14, 17, 17, 31, 17, 17, 17], B: [30, 17, 17, 30, 17, 17, 30], C: [14, 17, 16, 16, 16, 17, 14],
	D: [30, 17, 17, 17, 17, 17, 30], E: [31, 16, 16, 30, 16, 16, 31], F: [31, 16, 16, 30, 16, 16, 16],
	G: [14, 17, 16, 23, 17, 17, 15], H: [17, 17, 17, 31, 17, 17, 17], I: [14, 4, 4, 4, 4, 4, 14],
	J: [7, 2, 2, 2, 2, 18, 12], K: [17, 18, 20, 24, 20, 18, 17], L: [16, 16, 16, 16, 16, 16, 31],
	M: [17, 27, 21, 21, 17, 17, 17], N: [17, 17, 25, 21, 19, 17, 17], O: [14, 17, 17, 17, 17, 17, 14],
	P: [30, 17, 17, 30, 16, 16, 16], Q: [14, 17, 17, 17, 21, 18, 13], R: [30, 17, 17, 30, 20, 18, 17],
	S: [15, 16, 16, 14, 1, 1, 30], T: [31, 4, 4, 4, 4, 4, 4], U: [17, 17, 17, 17, 17, 17, 14],
	V: [17, 17, 17, 17, 17, 10, 4], W: [17, 17, 17, 21, 21, 21, 10], X: [17, 17, 10, 4, 10, 17, 17],
	Y: [17, 17, 17, 10, 4, 4, 4], Z: [31, 1, 2, 4, 8, 16, 31],
	'0': [14, 17, 19, 21, 25, 17, 14], '1': [4, 12, 4, 4, 4, 4, 14], '2': [14, 17, 1, 2, 4, 8, 31],
	'3': [31, 2, 4, 2, 1, 17, 14], '4': [2, 6, 10, 18, 31, 2, 2], '5': [31, 16, 30, 1, 1, 17, 14],
	'6': [6, 8, 16, 30, 17, 17, 14], '7': [31, 1, 2, 4, 8, 8, 8], '8': [14, 17, 17, 14, 17, 17, 14],
	'9': [14, 17, 17, 15, 1, 2, 12],
	' ': [0, 0, 0, 0, 0, 0, 0], '.': [0, 0, 0, 0, 0, 12, 12], ',': [0, 0, 0, 0, 12, 4, 8],
	':': [0, 12, 12, 0, 12, 12, 0], '-': [0, 0, 0, 31, 0, 0, 0], '/': [0, 1, 2, 4, 8, 16, 0],
	'%': [24, 25, 2, 4, 8, 19, 3], '(': [2, 4, 8, 8, 8, 4, 2], ')': [8, 4, 2, 2, 2, 4, 8],
	'#': [10, 10, 31, 10, 31, 10, 10], '+': [0, 4, 4, 31, 4, 4, 0], '$': [4, 15, 20, 14, 5, 30, 4],
	_: [0, 0, 0, 0, 0, 0, 31], '!': [4, 4, 4, 4, 4, 0, 4], '?': [14, 17, 1, 2, 4, 0, 4],
	'&': [12, 18, 20, 8, 21, 18, 13], '=': [0, 0, 31, 0, 31, 0, 0], "'": [4, 4, 8, 0, 0, 0, 0],
};

/** An RGB raster with the few drawing operations the sandbox's pictures need. */
export class Canvas {
	readonly pixels: Buffer;

	constructor(readonly width: number, readonly height: number, background: Rgb = [255, 255, 255]) {
		this.pixels = Buffer.alloc(width * height * 3);
		this.rect(0, 0, width, height, background);
	}

	set(x: number, y: number, [r, g, b]: Rgb, alpha = 1): void {
		if (x < 0 || y < 0 || x >= this.width || y >= this.height) {
			return;
		}
		const i = (Math.floor(y) * this.width + Math.floor(x)) * 3;
		const p = this.pixels;
		const a = Math.min(1, alpha);
		p[i] = byte((p[i] as number) * (1 - a) + r * a);
		p[i + 1] = byte((p[i + 1] as number) * (1 - a) + g * a);
		p[i + 2] = byte((p[i + 2] as number) * (1 - a) + b * a);
	}

	rect(x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
		const x0 = Math.max(0, Math.floor(x));
		const y0 = Math.max(0, Math.floor(y));
		const x1 = Math.min(this.width, Math.floor(x + w));
		const y1 = Math.min(this.height, Math.floor(y + h));
		if (alpha >= 1 && x1 > x0) {
			const row = Buffer.alloc((x1 - x0) * 3);
			for (let xx = 0; xx < x1 - x0; xx++) {
				row[xx * 3] = byte(color[0]);
				row[xx * 3 + 1] = byte(color[1]);
				row[xx * 3 + 2] = byte(color[2]);
			}
			for (let yy = y0; yy < y1; yy++) {
				row.copy(this.pixels, (yy * this.width + x0) * 3);
			}
			return;
		}
		for (let yy = y0; yy < y1; yy++) {
			for (let xx = x0; xx < x1; xx++) {
				this.set(xx, yy, color, alpha);
			}
		}
	}

	/** Vertical gradient from `top` to `bottom`. */
	gradient(x: number, y: number, w: number, h: number, top: Rgb, bottom: Rgb): void {
		for (let yy = 0; yy < h; yy++) {
			const t = h <= 1 ? 0 : yy / (h - 1);
			this.rect(x, y + yy, w, 1, mix(top, bottom, t));
		}
	}

	circle(cx: number, cy: number, radius: number, color: Rgb, alpha = 1): void {
		for (let y = Math.floor(cy - radius); y <= cy + radius; y++) {
			for (let x = Math.floor(cx - radius); x <= cx + radius; x++) {
				const d = Math.hypot(x - cx, y - cy);
				if (d <= radius) {
					this.set(x, y, color, alpha * Math.min(1, radius - d + 0.5));
				}
			}
		}
	}

	/** Text in the 5×7 font, `scale` pixels per font pixel. Returns the width drawn. */
	text(x: number, y: number, text: string, color: Rgb, scale = 2): number {
		let cursor = x;
		for (const char of text.toUpperCase()) {
			const glyph = FONT[char] ?? FONT['?'] ?? [];
			glyph.forEach((row, gy) => {
				for (let gx = 0; gx < 5; gx++) {
					if (row & (16 >> gx)) {
						this.rect(cursor + gx * scale, y + gy * scale, scale, scale, color);
					}
				}
			});
			cursor += 6 * scale;
		}
		return cursor - x;
	}

	/** Film grain: what makes a photo weigh megabytes rather than kilobytes. */
	grain(amount: number, random: () => number): void {
		const p = this.pixels;
		for (let i = 0; i < p.length; i++) {
			p[i] = Math.max(0, Math.min(255, (p[i] as number) + Math.round((random() - 0.5) * 2 * amount)));
		}
	}

	png(): Buffer {
		return encodePng(this.width, this.height, this.pixels);
	}
}

const byte = (value: number): number => Math.max(0, Math.min(255, Math.round(value)));

function mix(a: Rgb, b: Rgb, t: number): Rgb {
	return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** A truecolour 8-bit PNG (colour type 2) with the Up filter on every row. */
export function encodePng(width: number, height: number, rgb: Buffer): Buffer {
	const stride = width * 3;
	const raw = Buffer.alloc((stride + 1) * height);
	for (let y = 0; y < height; y++) {
		const out = y * (stride + 1);
		raw[out] = 2; // Up
		for (let x = 0; x < stride; x++) {
			const above = y === 0 ? 0 : (rgb[(y - 1) * stride + x] as number);
			raw[out + 1 + x] = ((rgb[y * stride + x] as number) - above) & 0xff;
		}
	}
	const chunk = (type: string, data: Buffer): Buffer => {
		const head = Buffer.alloc(8);
		head.writeUInt32BE(data.length, 0);
		head.write(type, 4, 'latin1');
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
		return Buffer.concat([head, data, crc]);
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, adaptive filtering, no interlace
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(raw, { level: 6 })),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

const PALETTES: readonly { sky: [Rgb, Rgb]; hills: Rgb[]; sun: Rgb }[] = [
	{ sky: [[35, 87, 137], [250, 190, 120]], hills: [[92, 110, 140], [62, 84, 110], [34, 52, 70]], sun: [255, 236, 190] },
	{ sky: [[120, 180, 230], [220, 238, 250]], hills: [[120, 160, 120], [70, 120, 80], [40, 80, 50]], sun: [255, 250, 220] },
	{ sky: [[44, 34, 80], [230, 120, 110]], hills: [[110, 70, 110], [70, 45, 85], [36, 24, 52]], sun: [255, 210, 150] },
	{ sky: [[150, 200, 220], [250, 245, 225]], hills: [[170, 150, 120], [130, 105, 85], [90, 70, 60]], sun: [255, 255, 240] },
];

/** A landscape "photo": sky, sun, three ridges, a lake, grain and a caption. */
export function photo(seed: string, width: number, height: number, caption: string, grain = 6): Canvas {
	const random = prng(seed);
	const palette = PALETTES[Math.floor(random() * PALETTES.length) % PALETTES.length] ?? PALETTES[0];
	if (palette === undefined) {
		throw new Error('no palette');
	}
	const canvas = new Canvas(width, height);
	const horizon = Math.round(height * (0.62 + random() * 0.1));
	canvas.gradient(0, 0, width, horizon, palette.sky[0], palette.sky[1]);
	canvas.circle(width * (0.2 + random() * 0.6), horizon * (0.35 + random() * 0.3), Math.min(width, height) * 0.07, palette.sun, 0.95);
	palette.hills.forEach((color, layer) => {
		const base = horizon - (palette.hills.length - layer) * height * 0.07;
		const waves = [0, 1, 2].map(() => ({ f: (1 + random() * 4) / width, p: random() * 6.28, a: height * (0.03 + random() * 0.06) }));
		for (let x = 0; x < width; x++) {
			const top = base - waves.reduce((sum, w) => sum + Math.sin(x * w.f * 6.28 + w.p) * w.a, 0);
			canvas.rect(x, top, 1, horizon - top, color);
		}
	});
	// the lake mirrors the sky, darker
	for (let y = horizon; y < height; y++) {
		const mirror = Math.max(0, 2 * horizon - y - 1);
		for (let x = 0; x < width; x++) {
			const i = (mirror * width + x) * 3;
			const ripple = Math.sin(y * 0.35 + x * 0.01) * 6;
			canvas.set(x, y, [(canvas.pixels[i] as number) * 0.55 + ripple, (canvas.pixels[i + 1] as number) * 0.6 + ripple, (canvas.pixels[i + 2] as number) * 0.7 + ripple]);
		}
	}
	canvas.grain(grain, random);
	canvas.rect(0, height - 34, width, 34, [0, 0, 0], 0.45);
	canvas.text(14, height - 25, caption, [255, 255, 255], 2);
	return canvas;
}

/** A UI mockup: title bar, sidebar, cards and a primary button — what a design chat is full of. "DARK" in the title: dark theme. */
export function mockup(seed: string, width: number, height: number, title: string): Canvas {
	const random = prng(seed);
	const accents: Rgb[] = [[51, 112, 255], [0, 179, 138], [245, 74, 69], [255, 136, 0], [123, 97, 255]];
	const accent = accents[Math.floor(random() * accents.length)] ?? [51, 112, 255];
	const dark = /DARK/i.test(title);
	const theme = dark
		? { page: [24, 26, 31] as Rgb, panel: [36, 39, 46] as Rgb, idle: [58, 62, 71] as Rgb, strong: [222, 224, 228] as Rgb, weak: [120, 126, 138] as Rgb, tint: [36, 39, 46] as Rgb }
		: { page: [245, 246, 247] as Rgb, panel: [255, 255, 255] as Rgb, idle: [222, 224, 227] as Rgb, strong: [60, 64, 70] as Rgb, weak: [170, 174, 180] as Rgb, tint: [255, 255, 255] as Rgb };
	const canvas = new Canvas(width, height, theme.page);
	canvas.rect(0, 0, width, 56, dark ? theme.panel : accent);
	canvas.text(24, 20, title, [255, 255, 255], 2);
	canvas.rect(0, 56, 220, height - 56, theme.panel);
	for (let i = 0; i < 8; i++) {
		canvas.rect(20, 84 + i * 44, 24, 24, i === 1 ? accent : theme.idle);
		canvas.rect(56, 92 + i * 44, 90 + random() * 60, 8, i === 1 ? accent : theme.idle);
	}
	const cols = 3;
	const cardW = (width - 220 - 48 - (cols - 1) * 24) / cols;
	for (let i = 0; i < 6; i++) {
		const x = 244 + (i % cols) * (cardW + 24);
		const y = 84 + Math.floor(i / cols) * 220;
		canvas.rect(x + 3, y + 3, cardW, 196, [0, 0, 0], dark ? 0.3 : 0.06);
		canvas.rect(x, y, cardW, 196, theme.panel);
		canvas.rect(x, y, cardW, 96, mix(accent, theme.tint, 0.55 + random() * 0.35));
		canvas.rect(x + 16, y + 114, cardW * (0.5 + random() * 0.4), 10, theme.strong);
		canvas.rect(x + 16, y + 136, cardW * (0.3 + random() * 0.5), 8, theme.weak);
		canvas.rect(x + 16, y + 154, cardW * (0.2 + random() * 0.4), 8, theme.weak);
	}
	canvas.rect(width - 184, height - 72, 160, 44, accent);
	canvas.text(width - 164, height - 57, 'PUBLISH', [255, 255, 255], 2);
	return canvas;
}

/** A bar chart with a title and labelled bars. */
export function chart(seed: string, width: number, height: number, title: string, labels: readonly string[]): Canvas {
	const random = prng(seed);
	const canvas = new Canvas(width, height);
	canvas.text(32, 24, title, [31, 35, 41], 3);
	const left = 70;
	const bottom = height - 60;
	canvas.rect(left, 70, 2, bottom - 70, [120, 124, 130]);
	canvas.rect(left, bottom, width - left - 30, 2, [120, 124, 130]);
	for (let g = 1; g <= 4; g++) {
		canvas.rect(left + 2, bottom - g * ((bottom - 90) / 4), width - left - 32, 1, [228, 230, 233]);
	}
	const slot = (width - left - 40) / labels.length;
	labels.forEach((label, i) => {
		const h = (bottom - 100) * (0.35 + random() * 0.65);
		const x = left + 20 + i * slot;
		canvas.rect(x, bottom - h, slot * 0.6, h, i % 2 === 0 ? [51, 112, 255] : [0, 179, 138]);
		canvas.text(x, bottom + 14, label, [80, 84, 90], 2);
		canvas.text(x, bottom - h - 20, String(Math.round(h * 3.7)), [80, 84, 90], 2);
	});
	return canvas;
}

/** A photographed receipt: off-white paper on a desk, lines of text, a total. */
export function receipt(seed: string, merchant: string, total: string): Canvas {
	const random = prng(seed);
	const width = 720;
	const height = 1080;
	const canvas = new Canvas(width, height, [92, 74, 60]);
	canvas.rect(110, 60, 500, 960, [250, 248, 240]);
	canvas.text(150, 100, merchant, [40, 40, 40], 3);
	canvas.text(150, 150, `2024-05-${String(10 + Math.floor(random() * 18)).padStart(2, '0')} 12:${String(Math.floor(random() * 60)).padStart(2, '0')}`, [90, 90, 90], 2);
	const items = ['COFFEE', 'SANDWICH', 'TAXI', 'HOTEL', 'PARKING', 'WATER', 'NOTEBOOK'];
	for (let i = 0; i < 7; i++) {
		canvas.text(150, 220 + i * 40, items[Math.floor(random() * items.length)] ?? 'ITEM', [60, 60, 60], 2);
		canvas.text(470, 220 + i * 40, (random() * 90 + 5).toFixed(2), [60, 60, 60], 2);
	}
	canvas.rect(150, 520, 420, 2, [60, 60, 60]);
	canvas.text(150, 550, 'TOTAL', [20, 20, 20], 3);
	canvas.text(430, 550, total, [20, 20, 20], 3);
	canvas.text(150, 640, 'THANK YOU!', [90, 90, 90], 2);
	canvas.grain(10, random);
	return canvas;
}

// ---- documents ---------------------------------------------------------------------------------

export interface PdfPage {
	heading: string;
	lines: readonly string[];
	/** A picture placed under the heading (its raw RGB, embedded with FlateDecode). */
	picture?: Canvas;
}

/** A real PDF 1.4: Helvetica text (ASCII), optional pictures, correct xref offsets. */
export function pdf(title: string, pages: readonly PdfPage[]): Buffer {
	const ascii = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?').replace(/([\\()])/g, '\\$1');
	const objects: Buffer[] = [];
	const add = (body: string | Buffer): number => {
		objects.push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
		return objects.length;
	};
	const stream = (dict: string, data: Buffer): Buffer => Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);
	const catalog = add('');
	const pagesObject = add('');
	const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
	const bold = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
	const kids: number[] = [];
	pages.forEach((page, index) => {
		let y = 780;
		const ops = [`BT /F2 20 Tf 56 ${y} Td (${ascii(page.heading)}) Tj ET`];
		y -= 30;
		let xobject = '';
		if (page.picture !== undefined) {
			const { width, height, pixels: rgb } = page.picture;
			const image = add(stream(`/Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode`, deflateSync(rgb)));
			const w = 483;
			const h = Math.round((w * height) / width);
			y -= h;
			ops.push(`q ${w} 0 0 ${h} 56 ${y} cm /Im1 Do Q`);
			y -= 24;
			xobject = ` /XObject << /Im1 ${image} 0 R >>`;
		}
		for (const line of page.lines) {
			ops.push(`BT /F1 11 Tf 56 ${y} Td (${ascii(line)}) Tj ET`);
			y -= 16;
		}
		ops.push(`BT /F1 9 Tf 56 40 Td (${ascii(title)}  -  ${index + 1} / ${pages.length}) Tj ET`);
		const content = add(stream('', Buffer.from(ops.join('\n'), 'latin1')));
		kids.push(add(`<< /Type /Page /Parent ${pagesObject} 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${font} 0 R /F2 ${bold} 0 R >>${xobject} >> /Contents ${content} 0 R >>`));
	});
	objects[catalog - 1] = Buffer.from(`<< /Type /Catalog /Pages ${pagesObject} 0 R >>`, 'latin1');
	objects[pagesObject - 1] = Buffer.from(`<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`, 'latin1');
	const info = add(`<< /Title (${ascii(title)}) /Producer (Lark Downloader sandbox) >>`);
	const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
	const offsets: number[] = [];
	let length = parts[0]?.length ?? 0;
	objects.forEach((body, i) => {
		offsets.push(length);
		const object = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
		parts.push(object);
		length += object.length;
	});
	const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
	parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>\nstartxref\n${length}\n%%EOF\n`, 'latin1'));
	return Buffer.concat(parts);
}

export interface ZipEntry {
	name: string;
	data: Buffer;
	/** Store instead of deflating (already-compressed content such as PNG). */
	store?: boolean;
}

/** A ZIP archive (UTF-8 names, deflate or store, one fixed timestamp so the bytes are stable). */
export function zip(entries: readonly ZipEntry[], date = new Date(Date.UTC(2024, 4, 6, 9, 30))): Buffer {
	const dosTime = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
	const dosDate = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
	const locals: Buffer[] = [];
	const centrals: Buffer[] = [];
	let offset = 0;
	for (const entry of entries) {
		const name = Buffer.from(entry.name, 'utf8');
		const body = entry.store === true ? entry.data : deflateRawSync(entry.data);
		const method = entry.store === true ? 0 : 8;
		const crc = crc32(entry.data);
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt16LE(0x0800, 6); // names are UTF-8
		local.writeUInt16LE(method, 8);
		local.writeUInt16LE(dosTime, 10);
		local.writeUInt16LE(dosDate, 12);
		local.writeUInt32LE(crc, 14);
		local.writeUInt32LE(body.length, 18);
		local.writeUInt32LE(entry.data.length, 22);
		local.writeUInt16LE(name.length, 26);
		const central = Buffer.alloc(46);
		central.writeUInt32LE(0x02014b50, 0);
		central.writeUInt16LE(20, 4);
		central.writeUInt16LE(20, 6);
		central.writeUInt16LE(0x0800, 8);
		central.writeUInt16LE(method, 10);
		central.writeUInt16LE(dosTime, 12);
		central.writeUInt16LE(dosDate, 14);
		central.writeUInt32LE(crc, 16);
		central.writeUInt32LE(body.length, 20);
		central.writeUInt32LE(entry.data.length, 24);
		central.writeUInt16LE(name.length, 28);
		central.writeUInt32LE(offset, 42);
		locals.push(local, name, body);
		centrals.push(central, name);
		offset += local.length + name.length + body.length;
	}
	const directory = Buffer.concat(centrals);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(entries.length, 8);
	end.writeUInt16LE(entries.length, 10);
	end.writeUInt32LE(directory.length, 12);
	end.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, directory, end]);
}

/** A one-sheet XLSX workbook (Office Open XML in a ZIP); strings inline, numbers as numbers. */
export function xlsx(sheetName: string, rows: readonly (readonly (string | number)[])[]): Buffer {
	const xml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
	const column = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : column(Math.floor(i / 26) - 1) + String.fromCharCode(65 + (i % 26)));
	const sheetRows = rows.map((row, r) => `<row r="${r + 1}">${row.map((cell, c) => {
		const ref = `${column(c)}${r + 1}`;
		return typeof cell === 'number' ? `<c r="${ref}"><v>${cell}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${xml(cell)}</t></is></c>`;
	}).join('')}</row>`).join('');
	const head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
	return zip([
		{ name: '[Content_Types].xml', data: Buffer.from(`${head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`) },
		{ name: '_rels/.rels', data: Buffer.from(`${head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`) },
		{ name: 'xl/workbook.xml', data: Buffer.from(`${head}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${xml(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`) },
		{ name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(`${head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`) },
		{ name: 'xl/worksheets/sheet1.xml', data: Buffer.from(`${head}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`) },
	]);
}

/** A mono 16 kHz 16-bit WAV that sounds like speech-ish syllables (voiced harmonics, pauses). */
export function voiceNote(seed: string, seconds: number): Buffer {
	const random = prng(seed);
	const rate = 16000;
	const samples = Math.round(seconds * rate);
	const wav = Buffer.alloc(44 + samples * 2);
	wav.write('RIFF', 0, 'latin1');
	wav.writeUInt32LE(36 + samples * 2, 4);
	wav.write('WAVEfmt ', 8, 'latin1');
	wav.writeUInt32LE(16, 16);
	wav.writeUInt16LE(1, 20); // PCM
	wav.writeUInt16LE(1, 22); // mono
	wav.writeUInt32LE(rate, 24);
	wav.writeUInt32LE(rate * 2, 28);
	wav.writeUInt16LE(2, 32);
	wav.writeUInt16LE(16, 34);
	wav.write('data', 36, 'latin1');
	wav.writeUInt32LE(samples * 2, 40);
	let pitch = 140 + random() * 80;
	let phase = 0;
	let syllableEnd = 0;
	let voiced = true;
	for (let i = 0; i < samples; i++) {
		if (i >= syllableEnd) {
			voiced = random() > 0.25;
			syllableEnd = i + Math.round(rate * (voiced ? 0.12 + random() * 0.2 : 0.05 + random() * 0.25));
			pitch = Math.max(90, Math.min(260, pitch + (random() - 0.5) * 40));
		}
		phase += (2 * Math.PI * pitch) / rate;
		const envelope = voiced ? Math.sin((Math.PI * (syllableEnd - i)) / (rate * 0.3)) ** 2 : 0;
		const tone = Math.sin(phase) * 0.6 + Math.sin(phase * 2) * 0.25 + Math.sin(phase * 3) * 0.12;
		const value = (tone * envelope + (random() - 0.5) * 0.02) * 0.5;
		wav.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(value * 32767))), 44 + i * 2);
	}
	return wav;
}

// ---- large files, computed from their offset ---------------------------------------------------

const BLOCK = 64 * 1024;
const BASE_BLOCKS = 16;
let baseBytes: Buffer | undefined;

/** 1 MiB of seeded noise shared by every large file; each 64 KiB block is stamped to make it unique. */
function base(): Buffer {
	if (baseBytes === undefined) {
		const random = prng('lark-sandbox-base');
		baseBytes = Buffer.alloc(BLOCK * BASE_BLOCKS);
		for (let i = 0; i < baseBytes.length; i += 4) {
			baseBytes.writeUInt32LE(Math.floor(random() * 4294967296), i);
		}
	}
	return baseBytes;
}

/** Bytes of block `index` of the file seeded `seed`. */
function block(seed: number, index: number): Buffer {
	const start = (index % BASE_BLOCKS) * BLOCK;
	const bytes = Buffer.from(base().subarray(start, start + BLOCK));
	bytes.writeUInt32BE(seed >>> 0, 0);
	bytes.writeUInt32BE(index >>> 0, 4);
	bytes.writeUInt32BE(Math.floor(index / 4294967296), 8);
	return bytes;
}

export interface GeneratedFile {
	size: number;
	/** Bytes start..end (inclusive), produced as they are read. */
	stream: (start: number, end: number) => Readable;
}

/**
 * A file of `size` bytes that starts with `header` and continues with seeded noise, produced 64 KiB at
 * a time for any byte range: the memory used is the same for 4 KB and 400 MB.
 */
export function generatedFile(name: string, size: number, header: Buffer = Buffer.alloc(0)): GeneratedFile {
	const seed = createHash('sha256').update(name).digest().readUInt32BE(0);
	return {
		size,
		stream(start: number, end: number): Readable {
			let position = start;
			const last = Math.min(end, size - 1);
			return new Readable({
				highWaterMark: BLOCK,
				read() {
					if (position > last) {
						this.push(null);
						return;
					}
					const index = Math.floor(position / BLOCK);
					const chunk = block(seed, index);
					const from = position - index * BLOCK;
					const to = Math.min(BLOCK, last - index * BLOCK + 1);
					const slice = chunk.subarray(from, to);
					if (position < header.length) {
						header.copy(slice, 0, position, Math.min(header.length, position + slice.length));
					}
					position += slice.length;
					this.push(slice);
				},
			});
		},
	};
}

/** The start of an ISO BMFF (MP4) file: `ftyp`, then one `mdat` box holding the rest. */
export function mp4Header(size: number): Buffer {
	const header = Buffer.alloc(48);
	header.writeUInt32BE(32, 0);
	header.write('ftypisom', 4, 'latin1');
	header.writeUInt32BE(0x200, 12);
	header.write('isomiso2avc1mp41', 16, 'latin1');
	header.writeUInt32BE(1, 32); // 64-bit size follows
	header.write('mdat', 36, 'latin1');
	header.writeBigUInt64BE(BigInt(size - 32), 40);
	return header;
}

/** Built small files kept in memory, least recently used first; rebuilt (identically) after eviction. */
const built = new Map<object, Buffer>();
let builtBytes = 0;
const BUILT_LIMIT = 64 * 1024 * 1024;

/** A file built in memory on first use (pictures, documents, archives), with memory bounded across all of them. */
export function lazyFile(build: () => Buffer): GeneratedFile {
	const key = {};
	let size: number | undefined;
	const get = (): Buffer => {
		let bytes = built.get(key);
		if (bytes !== undefined) {
			built.delete(key); // most recently used goes last
		} else {
			bytes = build();
			size = bytes.length;
			builtBytes += bytes.length;
		}
		built.set(key, bytes);
		for (const [oldest, old] of built) {
			if (builtBytes <= BUILT_LIMIT || oldest === key) {
				break;
			}
			built.delete(oldest);
			builtBytes -= old.length;
		}
		return bytes;
	};
	return {
		get size(): number {
			return size ?? get().length;
		},
		stream(start: number, end: number): Readable {
			return Readable.from([get().subarray(start, end + 1)], { objectMode: false });
		},
	};
}

/** SHA-256 (hex) of a generated file, streamed. */
export async function sha256Of(file: GeneratedFile): Promise<string> {
	const hash = createHash('sha256');
	if (file.size > 0) {
		for await (const chunk of file.stream(0, file.size - 1)) {
			hash.update(chunk as Buffer);
		}
	}
	return hash.digest('hex');
}
