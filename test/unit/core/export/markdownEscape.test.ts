import * as assert from 'node:assert/strict';
import markdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import { codeBlock, codeSpan, escapeInline, escapeLine, escapeWithUrls, fileLinkDestination, webLinkDestination } from '../../../../src/core/export/markdownEscape';

// markdown-it as VS Code's Markdown preview configures it: HTML and linkify on.
const md = markdownIt({ html: true, linkify: true });
const flatten = (tokens: readonly Token[]): Token[] => tokens.flatMap((token) => [token, ...flatten(token.children ?? [])]);
const inlineTokens = (source: string): Token[] => flatten(md.parse(source, {})).filter((token) => token.type !== 'inline' && token.type !== 'paragraph_open' && token.type !== 'paragraph_close');

describe('Markdown escaping for the export', () => {
	it('any text escaped inline renders as exactly that text, one text token, no markup', () => {
		const samples = [
			'<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '[a](javascript:alert(1))', '![x](data:text/html;base64,PHNjcmlwdD4=)',
			'`code` ``two``', '*em* **strong** _u_ __uu__', '~~strike~~', '$E=mc^2$', '| a | b |', '&amp; &#60; &lt;', 'a\\*b\\', '<https://evil.example>',
			'<!-- comment -->', 'foo]: bar', '[ref]: https://x.example', 'x <b>bold</b> y', '\\`', 'mail@example.com www.example.com',
		];
		for (const sample of samples) {
			const tokens = inlineTokens(escapeInline(sample));
			const types = [...new Set(tokens.map((token) => token.type))];
			assert.ok(types.every((type) => type === 'text' || type === 'link_open' || type === 'link_close'), `${sample}: ${types.join(',')}`);
			const links = tokens.filter((token) => token.type === 'link_open').map((token) => token.attrGet('href') ?? '');
			assert.ok(links.every((href) => /^(https?|mailto):/.test(href)), `${sample}: only linkify's web links (${links.join(' ')})`);
			assert.equal(tokens.filter((token) => token.type === 'text').map((token) => token.content).join(''), sample, sample);
		}
	});

	it('a line that would start a block stays a line of text', () => {
		for (const line of ['# h', '### h', '> q', '- li', '+ li', '* li', '1. li', '1) li', '===', '---', '***', '```', '~~~', '    indented', '<div>', '| a |']) {
			const tokens = flatten(md.parse(`first\n${escapeLine(line)}`, {}));
			assert.deepEqual([...new Set(tokens.filter((token) => !token.type.startsWith('paragraph') && token.type !== 'inline' && token.type !== 'text' && token.type !== 'softbreak').map((token) => token.type))], [], line);
			assert.ok(tokens.some((token) => token.type === 'text' && token.content === line.trimStart()), line);
		}
	});

	it('code spans and blocks show their text exactly, whatever backticks and HTML they hold', () => {
		for (const text of ['a`b', '``x``', '`start', 'end`', '<script>x</script>']) {
			const token = flatten(md.parse(codeSpan(text), {})).find((candidate) => candidate.type === 'code_inline');
			assert.equal(token?.content, text, text);
		}
		const body = 'const a = "```";\n````\n</code><script>x</script>';
		const fence = flatten(md.parse(codeBlock(body, 'ts" onload="x').join('\n'), {})).find((token) => token.type === 'fence');
		assert.equal(fence?.content, `${body}\n`);
		assert.equal((fence as unknown as { info: string } | undefined)?.info, '', 'a language that is not a plain word is dropped');
	});

	it('web links: only http(s) and mailto, percent-encoded so nothing ends the destination early', () => {
		for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'java\nscript:alert(1)', 'data:text/html,<b>', 'vbscript:msgbox', 'file:///etc/passwd', '/relative', '//evil.example/x', 'not a url']) {
			assert.equal(webLinkDestination(bad), undefined, bad);
		}
		const destination = webLinkDestination('https://example.com/a b(c)[d]"e\'*?q=<1>&x=`y`#frag') ?? '';
		assert.doesNotMatch(destination, /[\s()[\]"'<>`\\*]/);
		const href = flatten(md.parse(`[t](${destination})`, {})).find((token) => token.type === 'link_open')?.attrGet('href');
		assert.equal(href, destination);
		assert.match(escapeWithUrls('see https://example.com/a_b, then'), /^see <https:\/\/example\.com\/a_b>, then$/);
	});

	it('file links resolve to exactly the saved file: spaces, brackets, parentheses, #, %, ?, :, CJK', () => {
		for (const file of ['Design team/a b.png', 'x/[1] (2).pdf', 'x/#hash.txt', 'x/100% done %41.txt', 'x/what?.txt', 'C:/x.txt', 'x/季度报告 (Q2).pdf', "x/it's *fine*!.md", 'a:b/c.png']) {
			const destination = fileLinkDestination(file);
			const tokens = flatten(md.parse(`[f](${destination}) ![i](${destination})`, {}));
			const href = tokens.find((token) => token.type === 'link_open')?.attrGet('href') ?? '';
			const src = tokens.find((token) => token.type === 'image')?.attrGet('src') ?? '';
			for (const value of [href, src]) {
				assert.doesNotMatch(value, /^[a-z][a-z0-9+.-]*:/i, `${file}: no scheme`);
				assert.ok(!value.includes('#') && !value.includes('?'), `${file}: no fragment or query`);
				assert.equal(decodeURIComponent(value), file, file);
			}
		}
	});
});
