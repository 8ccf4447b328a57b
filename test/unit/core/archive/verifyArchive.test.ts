// Verify: every recorded file re-hashed (a shared file once), what is missing or changed, and what else lies in
// the folder apart from our own bookkeeping. Symlinks are reported, never followed.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ManifestResource } from '../../../../src/core/archive/manifestFormat';
import { recordResource, updateManifest } from '../../../../src/core/archive/manifestStore';
import { verifyArchive } from '../../../../src/core/archive/verifyArchive';
import type { LarkError } from '../../../../src/core/errors';
import { tempDir } from '../../../support/fixtures';
import { saveFile, sha256 } from './archiveFixtures';

describe('verifyArchive', () => {
	let work: { dir: string; cleanup: () => Promise<void> };
	let report: ManifestResource;
	let photo: ManifestResource;
	let photoAgain: ManifestResource;

	beforeEach(async () => {
		work = await tempDir();
		report = await saveFile(work.dir, 'General/report.pdf', 'the report', { messageId: 'om_1' });
		photo = await saveFile(work.dir, 'General/photo.png', 'a photo', { messageId: 'om_2', type: 'image' });
		// Sent again later: recorded against the first copy, no second file.
		photoAgain = { ...photo, messageId: 'om_3', sameAs: 'om_2/file_v3_1' };
		await updateManifest(work.dir, (m) => {
			for (const resource of [report, photo, photoAgain]) {
				recordResource(m, resource);
			}
		});
	});

	afterEach(() => work.cleanup());

	const at = (relPath: string): string => path.join(work.dir, ...relPath.split('/'));

	it('an untouched folder is intact; a file shared by two entries is checked once', async () => {
		const progress: [number, number][] = [];
		const result = await verifyArchive(work.dir, { onProgress: (done, total) => progress.push([done, total]) });
		assert.deepEqual(result, { intact: true, checked: 2, ok: ['General/photo.png', 'General/report.pdf'], missing: [], changed: [], unknown: [] });
		assert.deepEqual(progress, [[0, 2], [1, 2], [2, 2]]);
	});

	it('finds a flipped byte, a missing file (with every entry that shared it) and an unknown file', async () => {
		await fs.writeFile(at(report.path), 'the rep0rt');
		await fs.rm(at(photo.path));
		await fs.writeFile(at('General/notes.txt'), 'mine');
		const result = await verifyArchive(work.dir);
		assert.equal(result.intact, false);
		assert.equal(result.checked, 2);
		assert.deepEqual(result.ok, []);
		assert.deepEqual(result.changed, [{ resource: report, actualSize: 10, actualSha256: sha256('the rep0rt') }]);
		assert.deepEqual(result.missing.map((r) => r.messageId).sort(), ['om_2', 'om_3']);
		assert.deepEqual(result.unknown, ['General/notes.txt']);
	});

	it('unknown files alone leave the folder intact; our own .part, resume, lock and temp files are not listed', async () => {
		const ours = [
			'General/video.mp4.part',
			'General/.lark-dl-0123456789abcdef.resume.json',
			'General/.lark-dl-0123456789abcdef.lock',
			'General/.lark-dl-0123456789abcdef.resume.json.4242.0123456789ab.tmp',
			'.lark-manifest.json.lock',
			'.lark-manifest.json.4242.0123456789ab.tmp',
		];
		const notOurs = ['.lark-dl-notes.txt', 'General/.lark-manifest.json', 'Other/.lark-dl-0123456789abcdef.resume.json.bak', 'Other/readme.md'];
		for (const relPath of [...ours, ...notOurs]) {
			await fs.mkdir(path.dirname(at(relPath)), { recursive: true });
			await fs.writeFile(at(relPath), 'x');
		}
		const result = await verifyArchive(work.dir);
		assert.equal(result.intact, true);
		assert.deepEqual(result.unknown, [...notOurs].sort());
	});

	it('lists a symlinked folder and a symlinked file as unknown, without descending or reading through them', async () => {
		const outside = await tempDir();
		try {
			await fs.writeFile(path.join(outside.dir, 'secret.txt'), 'outside');
			await fs.symlink(outside.dir, at('linked'));
			await fs.symlink(path.join(outside.dir, 'secret.txt'), at('General/shortcut.txt'));
			const result = await verifyArchive(work.dir);
			assert.deepEqual(result.unknown, ['General/shortcut.txt', 'linked']);
			assert.equal(result.intact, true);
		} finally {
			await outside.cleanup();
		}
	});

	it('a recorded file replaced by a symlink to identical bytes outside is changed', async () => {
		const outside = await tempDir();
		try {
			await fs.writeFile(path.join(outside.dir, 'report.pdf'), 'the report');
			await fs.rm(at(report.path));
			await fs.symlink(path.join(outside.dir, 'report.pdf'), at(report.path));
			const result = await verifyArchive(work.dir);
			assert.equal(result.intact, false);
			assert.deepEqual(result.changed.map((c) => c.resource.messageId), ['om_1']);
			assert.deepEqual(result.unknown, [], 'a recorded path is not also unknown');
		} finally {
			await outside.cleanup();
		}
	});

	it('stops when cancelled', async () => {
		await assert.rejects(verifyArchive(work.dir, { signal: AbortSignal.abort() }), (error: LarkError) => error.type === 'cancelled');
	});
});
