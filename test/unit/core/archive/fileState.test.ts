// One entry against the disk: present, missing or changed, and never through a planted symlink.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkResourceOnDisk, manifestRelativePath, resolveEntryPath, sha256File } from '../../../../src/core/archive/fileState';
import type { LarkError } from '../../../../src/core/errors';
import { bytes, tempDir } from '../../../support/fixtures';
import { saveFile, sha256 } from './archiveFixtures';

describe('a manifest entry against the disk', () => {
	let work: { dir: string; cleanup: () => Promise<void> };
	let outside: { dir: string; cleanup: () => Promise<void> };

	beforeEach(async () => {
		work = await tempDir();
		outside = await tempDir();
	});

	afterEach(async () => {
		await work.cleanup();
		await outside.cleanup();
	});

	const at = (relPath: string): string => path.join(work.dir, ...relPath.split('/'));

	it('present when the file has its recorded size (and, with hash, its recorded bytes)', async () => {
		const saved = await saveFile(work.dir, 'General/report.pdf', 'hello');
		assert.deepEqual(await checkResourceOnDisk(work.dir, saved), { state: 'present' });
		assert.deepEqual(await checkResourceOnDisk(work.dir, saved, { hash: true }), { state: 'present' });
	});

	it('missing when the file or its folder is gone', async () => {
		const saved = await saveFile(work.dir, 'General/report.pdf', 'hello');
		await fs.rm(at(saved.path));
		assert.deepEqual(await checkResourceOnDisk(work.dir, saved, { hash: true }), { state: 'missing' });
		await fs.rm(at('General'), { recursive: true });
		assert.deepEqual(await checkResourceOnDisk(work.dir, saved), { state: 'missing' });
	});

	it('changed when the size differs, with the size found', async () => {
		const saved = await saveFile(work.dir, 'General/report.pdf', 'hello');
		await fs.appendFile(at(saved.path), '!');
		assert.deepEqual(await checkResourceOnDisk(work.dir, saved), { state: 'changed', actualSize: 6 });
	});

	it('a byte flipped at the same size is only seen with hash: true, which reports the actual hash', async () => {
		const saved = await saveFile(work.dir, 'General/report.pdf', 'hello');
		await fs.writeFile(at(saved.path), 'jello');
		assert.deepEqual(await checkResourceOnDisk(work.dir, saved), { state: 'present' });
		assert.deepEqual(await checkResourceOnDisk(work.dir, saved, { hash: true }), { state: 'changed', actualSize: 5, actualSha256: sha256('jello') });
	});

	it('a symlink planted at the file is changed, even to identical bytes, and is never followed', async () => {
		const saved = await saveFile(work.dir, 'General/report.pdf', 'hello');
		const victim = path.join(outside.dir, 'victim.pdf');
		await fs.writeFile(victim, 'hello');
		await fs.rm(at(saved.path));
		await fs.symlink(victim, at(saved.path));
		const state = await checkResourceOnDisk(work.dir, saved, { hash: true });
		assert.equal(state.state, 'changed');
		assert.ok(!('actualSha256' in state), 'the target was not read');
		assert.equal(await fs.readFile(victim, 'utf8'), 'hello');
	});

	it('a symlinked folder on the way is changed; a folder where the file was is changed', async () => {
		const saved = await saveFile(work.dir, 'General/report.pdf', 'hello');
		await fs.mkdir(path.join(outside.dir, 'General'));
		await fs.writeFile(path.join(outside.dir, 'General', 'report.pdf'), 'hello');
		await fs.rm(at('General'), { recursive: true });
		await fs.symlink(path.join(outside.dir, 'General'), at('General'));
		assert.equal((await checkResourceOnDisk(work.dir, saved, { hash: true })).state, 'changed');

		await fs.rm(at('General'));
		await fs.mkdir(at(saved.path), { recursive: true });
		assert.equal((await checkResourceOnDisk(work.dir, saved, { hash: true })).state, 'changed');
	});

	it('refuses a path that leaves the folder instead of looking at it', async () => {
		await assert.rejects(checkResourceOnDisk(work.dir, { path: '../victim.pdf', size: 1, sha256: sha256('x') }), (error: LarkError) => error.type === 'validation');
		assert.throws(() => resolveEntryPath(work.dir, 'a/../../x'));
		assert.equal(resolveEntryPath(work.dir, 'a/b.txt'), path.join(work.dir, 'a', 'b.txt'));
		assert.equal(manifestRelativePath(work.dir, path.join(work.dir, 'a', 'b.txt')), 'a/b.txt');
		assert.equal(manifestRelativePath(work.dir, path.join(outside.dir, 'b.txt')), undefined);
	});

	describe('sha256File', () => {
		it('hashes a file larger than one read', async () => {
			const data = bytes(2.5 * 1024 * 1024);
			const file = path.join(work.dir, 'big.bin');
			await fs.writeFile(file, data);
			assert.equal(await sha256File(file), sha256(data));
		});

		it('refuses a symlink and stops when cancelled', async () => {
			const file = path.join(work.dir, 'big.bin');
			await fs.writeFile(file, bytes(1024));
			await fs.symlink(file, path.join(work.dir, 'link.bin'));
			await assert.rejects(sha256File(path.join(work.dir, 'link.bin')));
			await assert.rejects(sha256File(file, AbortSignal.abort()), (error: LarkError) => error.type === 'cancelled');
		});
	});
});
