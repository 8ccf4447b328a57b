import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { discardUnfinished, listUnfinished } from '../../../../src/core/download/unfinishedDownloads';
import { acquireFileLock } from '../../../../src/core/util/fileLock';
import { bytes, listFiles, sha256, sha256File } from '../../../support/fixtures';
import { startLoopbackEngine, stopLoopbackEngine, type LoopbackEngine } from '../../../support/engineHarness';

const KiB = 1024;

describe('unfinished downloads (.part files a rerun continues)', () => {
	let loopback: LoopbackEngine;
	beforeEach(async () => {
		loopback = await startLoopbackEngine();
	});
	afterEach(() => stopLoopbackEngine(loopback));

	/** A download into `sub/` that fails after its first part: its .part and record stay. */
	async function interrupted(fileKey: string) {
		const data = bytes(1024 * KiB);
		const resource = loopback.server.addResource({ messageId: 'om_part', fileKey, type: 'file', data, contentDisposition: `attachment; filename="${fileKey}.bin"`, fault: ({ index }) => (index >= 1 ? { kind: 'reset' } : undefined) });
		await assert.rejects(loopback.harness.engine.download({ messageId: 'om_part', fileKey, type: 'file' }, { root: loopback.work.dir, output: `sub/${fileKey}.bin`, partSize: 256 * KiB, concurrency: 1 }));
		return resource;
	}

	it('lists an interrupted download with its resource, name, folder and bytes done; a rerun of that resource finishes it', async () => {
		const resource = await interrupted('file_v3_big');
		const [found, ...rest] = await listUnfinished(loopback.work.dir);
		assert.equal(rest.length, 0);
		assert.deepEqual(found?.ref, { messageId: 'om_part', fileKey: 'file_v3_big', type: 'file' });
		assert.equal(found?.fileName, 'file_v3_big.bin');
		assert.equal(found?.directory, path.join(loopback.work.dir, 'sub'));
		assert.equal(found?.requested, 'sub/file_v3_big.bin');
		assert.equal(found?.total, 1024 * KiB);
		assert.ok((found?.bytesDone ?? 0) > 0 && (found?.bytesDone ?? 0) < 1024 * KiB, String(found?.bytesDone));
		delete resource.fault;
		const done = await loopback.harness.engine.download(found?.ref ?? resource, { root: loopback.work.dir, output: found?.requested ?? '' });
		assert.equal(await sha256File(done.savedPath), sha256(resource.data));
		assert.deepEqual(await listUnfinished(loopback.work.dir), []);
	});

	it('a download that is still running (its lock held by a live process) is not offered as unfinished', async () => {
		await interrupted('file_v3_running');
		const [found] = await listUnfinished(loopback.work.dir);
		assert.ok(found !== undefined);
		const lock = await acquireFileLock(found.recordPath.replace(/\.resume\.json$/, '.lock'), { what: 'test' });
		try {
			assert.deepEqual(await listUnfinished(loopback.work.dir), []);
			await assert.rejects(discardUnfinished(found), /busy/);
		} finally {
			await lock.release();
		}
		assert.equal((await listUnfinished(loopback.work.dir)).length, 1);
	});

	it('discard removes the .part and its record, nothing else', async () => {
		await interrupted('file_v3_gone');
		await fs.writeFile(path.join(loopback.work.dir, 'sub', 'mine.txt'), 'keep');
		const [found] = await listUnfinished(loopback.work.dir);
		assert.ok(found !== undefined);
		await discardUnfinished(found);
		assert.deepEqual(await listFiles(loopback.work.dir), [path.join('sub', 'mine.txt')]);
	});

	it('ignores a record whose .part is a symlink or missing, and records it cannot trust', async () => {
		await interrupted('file_v3_link');
		const [found] = await listUnfinished(loopback.work.dir);
		assert.ok(found !== undefined);
		await fs.rm(found.partPath);
		await fs.symlink('/etc/hostname', found.partPath);
		assert.deepEqual(await listUnfinished(loopback.work.dir), []);
		await fs.writeFile(path.join(loopback.work.dir, '.lark-dl-0123456789abcdef.resume.json'), '{"version":1,"resource":"x","fileName":"../evil","partName":"../evil.part","requested":null,"total":5,"completed":[]}');
		assert.deepEqual(await listUnfinished(loopback.work.dir), []);
	});
});
