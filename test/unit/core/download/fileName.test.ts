import * as assert from 'node:assert/strict';
import { extensionForContentType, fileNameFromContentDisposition, numberedName, plannedRelativePath, sanitizeFileName } from '../../../../src/core/download/fileName';

/** A header value as Node's http exposes it: each byte of the UTF-8 encoding one latin1 char. */
const latin1 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

describe('file naming', () => {
	describe('fileNameFromContentDisposition', () => {
		const cases: [string | undefined, string | undefined][] = [
			['attachment; filename="a.pdf"', 'a.pdf'],
			['attachment; filename=a.pdf', 'a.pdf'],
			[`attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A.docx`, '报告.docx'],
			[`attachment; filename="x.bin"; filename*=UTF-8''real%20name.zip`, 'real name.zip'],
			['attachment; filename="../../etc/passwd"', 'passwd'],
			['attachment; filename="a\u0001b.txt"', 'a_b.txt'],
			['attachment; filename="   "', undefined],
			['attachment; filename=".."', undefined],
			['attachment', undefined],
			[undefined, undefined],
			['attachment; filename=my report.pdf', 'my report.pdf'],
			// Lark: raw UTF-8 bytes in a plain filename, which Node hands over as latin1 (docs/lark-api.md §4.11)
			[`attachment; filename="${latin1('季度报告.pdf')}"`, '季度报告.pdf'],
			[`attachment; filename=${latin1('产品 演示.mp4')}`, '产品 演示.mp4'],
			[`attachment; filename="${latin1('../../季度.pdf')}"`, '季度.pdf'],
			[`attachment; filename="${latin1('CON.txt')}"`, '_CON.txt'],
			// a plain filename is never percent-decoded: some senders' names really are "%E5…"
			['attachment; filename="%E5%AD%A3.pdf"', '%E5%AD%A3.pdf'],
			// latin1 bytes that are not valid UTF-8 keep their latin1 reading
			['attachment; filename="caf\u00e9.txt"', 'café.txt'],
			// filename* wins over a raw UTF-8 plain name, in either order
			[`attachment; filename="${latin1('旧.pdf')}"; filename*=UTF-8''%E6%96%B0.pdf`, '新.pdf'],
			[`attachment; filename*=UTF-8''%E6%96%B0.pdf; filename="${latin1('旧.pdf')}"`, '新.pdf'],
		];
		for (const [header, expected] of cases) {
			it(`${JSON.stringify(header)} → ${JSON.stringify(expected)}`, () => {
				assert.equal(fileNameFromContentDisposition(header), expected);
			});
		}
	});

	describe('sanitizeFileName', () => {
		const cases: [string, string | undefined][] = [
			['NUL', '_NUL'],
			['com1.txt', '_com1.txt'],
			['lpt9', '_lpt9'],
			['name. . ', 'name'],
			['a:b*c?.txt', 'a_b_c_.txt'],
			['.hidden', '_hidden'],
			['Cafe\u0301.txt', 'Café.txt'],
			['...', undefined],
		];
		for (const [raw, expected] of cases) {
			it(`${JSON.stringify(raw)} → ${JSON.stringify(expected)}`, () => {
				assert.equal(sanitizeFileName(raw), expected);
			});
		}

		it('bounds very long names to 240 bytes and keeps the extension', () => {
			const name = sanitizeFileName(`${'长'.repeat(200)}.pdf`) ?? '';
			assert.ok(Buffer.byteLength(name) <= 240);
			assert.ok(name.endsWith('.pdf'));
		});
	});

	describe('extensionForContentType (full MIME database)', () => {
		const cases: [string | undefined, string][] = [
			['image/png', '.png'],
			['image/jpeg', '.jpg'],
			['IMAGE/PNG; charset=binary', '.png'],
			['application/vnd.openxmlformats-officedocument.wordprocessingml.document', '.docx'],
			['application/vnd.ms-excel', '.xls'],
			['audio/opus', '.opus'],
			['video/quicktime', '.mov'],
			['image/heic', '.heic'],
			['application/x-unknown-thing', ''],
			[undefined, ''],
		];
		for (const [type, ext] of cases) {
			it(`${JSON.stringify(type)} → ${JSON.stringify(ext)}`, () => {
				assert.equal(extensionForContentType(type), ext);
			});
		}
	});

	describe('plannedRelativePath', () => {
		it('keeps an --output that has an extension', () => {
			assert.equal(plannedRelativePath({ fileKey: 'k', output: 'a/photo.png', contentType: 'image/jpeg' }), 'a/photo.png');
		});
		it('adds the server name\'s extension to an --output without one', () => {
			assert.equal(plannedRelativePath({ fileKey: 'k', output: 'mine', contentDisposition: 'attachment; filename="s.xlsx"', contentType: 'application/pdf' }), 'mine.xlsx');
		});
		it('falls back to the Content-Type extension', () => {
			assert.equal(plannedRelativePath({ fileKey: 'k', output: 'mine', contentType: 'application/pdf' }), 'mine.pdf');
		});
		it('uses the server name, else the file key', () => {
			assert.equal(plannedRelativePath({ fileKey: 'k', contentDisposition: 'attachment; filename="s.xlsx"' }), 's.xlsx');
			assert.equal(plannedRelativePath({ fileKey: 'img_v3_abc', contentType: 'image/webp' }), 'img_v3_abc.webp');
		});
	});

	it('numberedName keeps the extension', () => {
		assert.equal(numberedName('a.tar.gz', 2), 'a.tar (2).gz');
		assert.equal(numberedName('README', 1), 'README (1)');
	});
});
