// The download record (docs/manifest.md): what is written is read back, and a hostile or newer file is never
// trusted nor overwritten. Concurrent writers: manifestConcurrency.test.ts.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MANIFEST_FILE_NAME, parseManifest, serializeManifest, type Manifest } from '../../../../src/core/archive/manifestFormat';
import { chatEntry, readManifest, recordResource, resourceFor, resourcesAtPath, resourceWithSha, updateManifest } from '../../../../src/core/archive/manifestStore';
import type { LarkError } from '../../../../src/core/errors';
import { listFiles, tempDir } from '../../../support/fixtures';
import { entry, sha256 } from './archiveFixtures';

const REPO = path.resolve(__dirname, '..', '..', '..', '..', '..');

async function failure(promise: Promise<unknown>): Promise<LarkError> {
	return promise.then(() => assert.fail('expected a failure'), (error: LarkError) => error);
}

describe('download-folder manifest', () => {
	let work: { dir: string; cleanup: () => Promise<void> };
	let file: string;

	beforeEach(async () => {
		work = await tempDir();
		file = path.join(work.dir, MANIFEST_FILE_NAME);
	});

	afterEach(() => work.cleanup());

	const writeRaw = (value: unknown): Promise<void> => fs.writeFile(file, typeof value === 'string' ? value : JSON.stringify(value));

	describe('format', () => {
		it('reads back exactly what was recorded, from a tab-indented JSON file with sorted keys', async () => {
			const full = entry({ messageId: 'om_b', fileKey: 'img_v3_2', type: 'image', kind: 'post-image', path: 'Team chat/photo.png', chatId: 'oc_1', chatName: 'Team chat', sourceMessageId: 'om_inner', senderId: 'ou_1', senderName: 'Ann', messageTime: '2024-04-30T08:00:00.000Z', name: 'photo.png' });
			const copy = entry({ messageId: 'om_a', fileKey: 'img_v3_2', path: full.path, sameAs: 'om_b/img_v3_2', sha256: full.sha256 });
			const saved = await updateManifest(work.dir, (m) => {
				recordResource(m, full);
				recordResource(m, copy);
				Object.assign(chatEntry(m, 'oc_1'), { name: 'Team chat', syncedThrough: '2024-04-30T08:00:00.000Z', lastSyncAt: '2024-05-01T10:00:00.000Z', pendingMessageIds: ['om_c'] });
			});
			const read = await readManifest(work.dir);
			assert.deepEqual(read, saved);
			assert.deepEqual(read.resources['om_b/img_v3_2'], full);
			assert.deepEqual(read.resources['om_a/img_v3_2'], copy);
			assert.deepEqual(read.chats.oc_1, { name: 'Team chat', syncedThrough: '2024-04-30T08:00:00.000Z', lastSyncAt: '2024-05-01T10:00:00.000Z', pendingMessageIds: ['om_c'] });

			const text = await fs.readFile(file, 'utf8');
			assert.ok(text.startsWith('{\n\t"format": "lark-downloader-manifest",\n\t"version": 1,\n'), text.slice(0, 80));
			assert.ok(text.endsWith('}\n'));
			assert.deepEqual(Object.keys((JSON.parse(text) as Manifest).resources), ['om_a/img_v3_2', 'om_b/img_v3_2'], 'sorted, whatever the insertion order');
			assert.deepEqual(await listFiles(work.dir), [MANIFEST_FILE_NAME], 'no lock or temp file left behind');
		});

		it('a missing file is an empty record, and reading it creates nothing', async () => {
			const manifest = await readManifest(work.dir);
			assert.deepEqual({ ...manifest, chats: { ...manifest.chats }, resources: { ...manifest.resources } }, { format: 'lark-downloader-manifest', version: 1, chats: {}, resources: {} });
			assert.deepEqual(await listFiles(work.dir), []);
		});

		it('drops malformed entries and every path that could leave the folder; keeps the good ones', async () => {
			const good = entry();
			const hostile = (p: string, i: number): [string, unknown] => [`om_h${i}/k`, { ...entry({ messageId: `om_h${i}`, fileKey: 'k' }), path: p }];
			await writeRaw({
				format: 'lark-downloader-manifest',
				version: 1,
				chats: { oc_1: { name: 'General', pendingMessageIds: ['om_1', 7, 'om_1'], syncedThrough: 'yesterday' }, ['__proto__']: { name: 'own key' }, oc_bad: 'nope' },
				resources: {
					'om_1/file_v3_1': { ...good, name: 42, unexpected: 'dropped' },
					...Object.fromEntries(['../x', '/etc/passwd', 'a\\b', 'a/../../x', 'C:/Windows/x', '', 'a\u0000b', './a', 'a//b', MANIFEST_FILE_NAME].map(hostile)),
					'om_wrong/key': entry({ messageId: 'om_other', fileKey: 'key' }),
					['__proto__']: entry({ messageId: '__proto__', fileKey: '' }),
					'om_s/k': { ...entry({ messageId: 'om_s', fileKey: 'k' }), size: -1 },
					'om_t/k': { ...entry({ messageId: 'om_t', fileKey: 'k' }), type: 'video' },
					'om_u/k': { ...entry({ messageId: 'om_u', fileKey: 'k' }), sha256: 'abc' },
					'om_v/k': entry({ messageId: 'om_v', fileKey: 'k', sameAs: 'om_v/k' }),
				},
			});
			assert.ok((await fs.readFile(file, 'utf8')).includes('"__proto__":{"name":"own key"}'), 'a real own key in the file');

			const manifest = await readManifest(work.dir);
			assert.deepEqual(Object.keys(manifest.resources), ['om_1/file_v3_1']);
			assert.deepEqual(manifest.resources['om_1/file_v3_1'], good, 'a wrongly typed name and unknown fields are left out');
			assert.deepEqual(Object.keys(manifest.chats), ['oc_1']);
			assert.deepEqual(manifest.chats.oc_1, { name: 'General', pendingMessageIds: ['om_1'] });
			assert.equal(Object.getPrototypeOf(manifest.resources), null);
			assert.equal(({} as Record<string, unknown>).name, undefined, 'no prototype was polluted');

			await updateManifest(work.dir, () => undefined);
			const rewritten = await fs.readFile(file, 'utf8');
			assert.ok(!rewritten.includes('passwd') && !rewritten.includes('unexpected'), 'what was dropped is not written back');
		});

		for (const [what, content, words] of [
			['a newer format version', JSON.stringify({ format: 'lark-downloader-manifest', version: 2, resources: {} }), /newer/],
			['another format', JSON.stringify({ format: 'something-else', version: 1 }), /not a Lark Downloader manifest/],
			['invalid JSON', '{"format": "lark-downloader-manifest", "version": 1, "resour', /not valid JSON/],
			['resources that are not an object', JSON.stringify({ format: 'lark-downloader-manifest', version: 1, resources: [] }), /damaged/],
		] as const) {
			it(`refuses ${what} (reason manifest-unreadable) and never overwrites it`, async () => {
				await writeRaw(content);
				const before = await fs.readFile(file);
				const readError = await failure(readManifest(work.dir));
				assert.equal(readError.type, 'io');
				assert.equal(readError.reason, 'manifest-unreadable');
				assert.match(readError.message, words);
				assert.ok(readError.message.includes(file), readError.message);
				assert.match(readError.message, /left untouched\. .*move it aside/i);
				let mutated = false;
				const updateError = await failure(updateManifest(work.dir, () => void (mutated = true)));
				assert.equal(updateError.reason, 'manifest-unreadable');
				assert.equal(mutated, false);
				assert.deepEqual(await fs.readFile(file), before, 'byte-identical');
				assert.deepEqual(await listFiles(work.dir), [MANIFEST_FILE_NAME], 'no lock or temp file left behind');
			});
		}

		it('the example in docs/manifest.md is exactly what we write, with nothing dropped', async () => {
			const doc = await fs.readFile(path.join(REPO, 'docs', 'manifest.md'), 'utf8');
			const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1];
			assert.ok(example, 'a json block');
			const manifest = parseManifest(JSON.parse(example));
			assert.equal(Object.keys(manifest.resources).length, 3);
			assert.equal(Object.keys(manifest.chats).length, 1);
			assert.equal(serializeManifest(manifest), example);
		});

		it('parseManifest alone refuses a newer version with the same reason', () => {
			assert.throws(() => parseManifest({ format: 'lark-downloader-manifest', version: 2 }), (error: LarkError) => error.reason === 'manifest-unreadable');
		});

		it('never follows a symlink at the manifest path: refused, the link and its target untouched', async () => {
			const outside = await tempDir();
			try {
				const target = path.join(outside.dir, 'elsewhere.json');
				const valid = `${JSON.stringify({ format: 'lark-downloader-manifest', version: 1, chats: {}, resources: {} })}\n`;
				await fs.writeFile(target, valid);
				await fs.symlink(target, file);
				assert.equal((await failure(readManifest(work.dir))).reason, 'manifest-unreadable');
				assert.equal((await failure(updateManifest(work.dir, (m) => void recordResource(m, entry())))).reason, 'manifest-unreadable');
				assert.equal(await fs.readFile(target, 'utf8'), valid);
				assert.ok((await fs.lstat(file)).isSymbolicLink());
			} finally {
				await outside.cleanup();
			}
		});

		it('refuses a folder at the manifest path', async () => {
			await fs.mkdir(file);
			assert.equal((await failure(readManifest(work.dir))).reason, 'manifest-unreadable');
		});
	});

	describe('helpers', () => {
		it('recordResource refuses an entry that would be dropped, such as a path outside the folder', () => {
			const manifest = parseManifest({ format: 'lark-downloader-manifest', version: 1 });
			assert.throws(() => recordResource(manifest, entry({ path: '../outside.pdf' })), (error: LarkError) => error.type === 'validation');
			assert.throws(() => recordResource(manifest, entry({ sha256: 'not-hex' })));
			assert.deepEqual(Object.keys(manifest.resources), []);
		});

		it('finds entries by id, by path, and the original of identical bytes (never a sameAs)', () => {
			const manifest = parseManifest({ format: 'lark-downloader-manifest', version: 1 });
			const original = recordResource(manifest, entry({ messageId: 'om_b' }));
			const copy = recordResource(manifest, entry({ messageId: 'om_a', sameAs: 'om_b/file_v3_1' }));
			assert.equal(resourceFor(manifest, 'om_a', 'file_v3_1'), copy);
			assert.equal(resourceFor(manifest, 'om_x', 'file_v3_1'), undefined);
			assert.equal(resourceFor(manifest, 'toString', ''), undefined);
			assert.deepEqual(resourcesAtPath(manifest, original.path).map((r) => r.messageId).sort(), ['om_a', 'om_b']);
			assert.equal(resourceWithSha(manifest, original.sha256.toUpperCase()), original);
			assert.equal(resourceWithSha(manifest, sha256('other')), undefined);
		});
	});
});
