// The download record under concurrent writers (two processes, many calls in one, a writer that got past the
// lock) and after crashes (a stray temp file, a stale lock): no entry is ever lost.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MANIFEST_FILE_NAME } from '../../../../src/core/archive/manifestFormat';
import { readManifest, recordResource, resourceFor, updateManifest } from '../../../../src/core/archive/manifestStore';
import { listFiles, tempDir } from '../../../support/fixtures';
import { entry, sha256 } from './archiveFixtures';

const STORE_JS = path.resolve(__dirname, '..', '..', '..', '..', 'src', 'core', 'archive', 'manifestStore.js');

describe('download-folder manifest: concurrent writers and crashes', () => {
	let work: { dir: string; cleanup: () => Promise<void> };
	let file: string;

	beforeEach(async () => {
		work = await tempDir();
		file = path.join(work.dir, MANIFEST_FILE_NAME);
	});

	afterEach(() => work.cleanup());

	it('20 concurrent updates in one process lose no entry', async () => {
		await Promise.all(Array.from({ length: 20 }, (_, i) => updateManifest(work.dir, async (m) => {
			await new Promise((resolve) => setTimeout(resolve, 1)); // widen the read-modify-write window
			recordResource(m, entry({ messageId: `om_${i}`, path: `f/${i}.bin` }));
		})));
		assert.equal(Object.keys((await readManifest(work.dir)).resources).length, 20);
	});

	it('two processes adding 50 entries each at the same time lose none', async function () {
		this.timeout(60_000);
		const script = `
			const { updateManifest, recordResource } = require(process.env.STORE);
			const tag = process.env.TAG;
			setTimeout(async () => {
				const started = Date.now();
				await Promise.all(Array.from({ length: 50 }, (_, i) => updateManifest(process.env.ROOT, async (m) => {
					await new Promise((resolve) => setTimeout(resolve, 1));
					recordResource(m, { messageId: 'om_' + tag + i, fileKey: 'k', type: 'file', path: tag + '/' + i, size: 1, sha256: '${sha256('x')}', savedAt: new Date().toISOString() });
				})));
				console.log(JSON.stringify({ started, ended: Date.now() }));
			}, Math.max(0, Number(process.env.START_AT) - Date.now()));`;
		const startAt = Date.now() + 1500; // both loaded before either starts
		const run = (tag: string) => new Promise<{ started: number; ended: number }>((resolve, reject) => {
			const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, STORE: STORE_JS, ROOT: work.dir, TAG: tag, START_AT: String(startAt) } });
			let out = '';
			let err = '';
			child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
			child.on('error', reject);
			child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as { started: number; ended: number }) : reject(new Error(`child ${tag} exited ${code}: ${err}`))));
		});
		const [a, b] = await Promise.all([run('a'), run('b')]);
		assert.ok(a.started < b.ended && b.started < a.ended, 'the two runs overlapped');
		const keys = Object.keys((await readManifest(work.dir)).resources);
		assert.equal(keys.length, 100);
		assert.ok(keys.includes('om_a49/k') && keys.includes('om_b0/k'));
		assert.deepEqual(await listFiles(work.dir), [MANIFEST_FILE_NAME], 'no lock or temp file left behind');
	});

	it('a stray temp file of a crashed writer does not break reading; the next update removes it, not a live writer\'s', async () => {
		await updateManifest(work.dir, (m) => void recordResource(m, entry()));
		const crashed = `${file}.99999999.0123456789ab.tmp`; // no such process
		const live = `${file}.${process.ppid}.0123456789ab.tmp`;
		for (const temp of [crashed, live]) {
			await fs.writeFile(temp, '{"format": "lark-downloader-manifest", "vers'); // cut off mid-write
		}
		assert.ok(resourceFor(await readManifest(work.dir), 'om_1', 'file_v3_1'));
		await updateManifest(work.dir, (m) => void recordResource(m, entry({ messageId: 'om_2' })));
		assert.deepEqual(await listFiles(work.dir), [MANIFEST_FILE_NAME, path.basename(live)].sort());
		assert.equal(Object.keys((await readManifest(work.dir)).resources).length, 2);
	});

	it('a writer that got past the lock anyway loses nothing: the update is redone on its record', async () => {
		await updateManifest(work.dir, (m) => void recordResource(m, entry()));
		let calls = 0;
		await updateManifest(work.dir, async (m) => {
			if (++calls === 1) {
				// Another process replaces the record meanwhile, as it does: a new file renamed into place.
				const other = await readManifest(work.dir);
				recordResource(other, entry({ messageId: 'om_other' }));
				await fs.writeFile(`${file}.other`, JSON.stringify(other));
				await fs.rename(`${file}.other`, file);
			}
			recordResource(m, entry({ messageId: 'om_mine' }));
		});
		assert.equal(calls, 2);
		assert.deepEqual(Object.keys((await readManifest(work.dir)).resources), ['om_1/file_v3_1', 'om_mine/file_v3_1', 'om_other/file_v3_1']);
		assert.deepEqual(await listFiles(work.dir), [MANIFEST_FILE_NAME]);
	});

	it('a failing update writes nothing and frees the lock', async () => {
		await updateManifest(work.dir, (m) => void recordResource(m, entry()));
		const before = await fs.readFile(file);
		await assert.rejects(updateManifest(work.dir, (m) => {
			recordResource(m, entry({ messageId: 'om_2' }));
			throw new Error('boom');
		}), /boom/);
		assert.deepEqual(await fs.readFile(file), before);
		await updateManifest(work.dir, (m) => void recordResource(m, entry({ messageId: 'om_3' })));
		assert.deepEqual(Object.keys((await readManifest(work.dir)).resources), ['om_1/file_v3_1', 'om_3/file_v3_1']);
	});

	it('takes over the lock of a process that is gone', async () => {
		const dead = spawn(process.execPath, ['-e', '']);
		await new Promise((resolve) => dead.on('close', resolve));
		await fs.writeFile(`${file}.lock`, JSON.stringify({ pid: dead.pid, host: os.hostname() }));
		await updateManifest(work.dir, (m) => void recordResource(m, entry()));
		assert.deepEqual(await listFiles(work.dir), [MANIFEST_FILE_NAME]);
	});
});
