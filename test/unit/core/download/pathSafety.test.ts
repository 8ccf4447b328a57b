import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { resolveInsideRoot, validateRelativeOutput } from '../../../../src/core/download/pathSafety';
import type { LarkError } from '../../../../src/core/errors';
import { tempDir } from '../../../support/fixtures';

describe('path safety', () => {
	const accepted: [string, string][] = [
		['photo.png', 'photo.png'],
		['./a/b.bin', 'a/b.bin'],
		['nested/../out.bin', 'out.bin'],
		['a\\b.bin', 'a/b.bin'],
	];
	for (const [input, expected] of accepted) {
		it(`accepts ${JSON.stringify(input)}`, () => {
			assert.equal(validateRelativeOutput(input), expected);
		});
	}
	const refused = ['', '  ', '.', '..', '../x', 'a/../../x', '/etc/passwd', 'C:\\x', 'c:x', '\\\\server\\share\\x', 'a/', 'bad\u0000name'];
	for (const input of refused) {
		it(`refuses ${JSON.stringify(input)}`, () => {
			assert.throws(() => validateRelativeOutput(input), (error: LarkError) => error.type === 'validation');
		});
	}

	it('refuses a path through a symlink to outside, also when the final file is a symlink', async () => {
		const root = await tempDir();
		const outside = await tempDir();
		try {
			await fs.symlink(path.join(outside.dir, 'target.bin'), path.join(root.dir, 'file.bin'));
			await fs.writeFile(path.join(outside.dir, 'target.bin'), 'x');
			await assert.rejects(resolveInsideRoot(root.dir, 'file.bin'), (error: LarkError) => error.type === 'validation');
			assert.equal(await resolveInsideRoot(root.dir, 'new/deeper/file.bin'), path.join(root.dir, 'new', 'deeper', 'file.bin'));
		} finally {
			await root.cleanup();
			await outside.cleanup();
		}
	});
});
