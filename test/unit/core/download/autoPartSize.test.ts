import * as assert from 'node:assert/strict';
import { autoPartSize } from '../../../../src/core/download/downloadOptions';
import { bytes, sha256, sha256File } from '../../../support/fixtures';
import { startLoopbackEngine, stopLoopbackEngine, type LoopbackEngine } from '../../../support/engineHarness';

const MiB = 1024 * 1024;

describe('part size sized to the file when none is asked for', () => {
	it('one part per connection, never under 8 MiB nor over 32 MiB', () => {
		assert.equal(autoPartSize(1024 * MiB, 8), 32 * MiB);
		assert.equal(autoPartSize(256 * MiB, 8), 32 * MiB);
		assert.equal(autoPartSize(100 * MiB, 8), 13 * MiB);
		assert.equal(autoPartSize(40 * MiB, 8), 8 * MiB);
		assert.equal(autoPartSize(40 * MiB, 1), 32 * MiB);
	});

	describe('against the loopback server', () => {
		let loopback: LoopbackEngine;
		beforeEach(async () => {
			loopback = await startLoopbackEngine();
		});
		afterEach(() => stopLoopbackEngine(loopback));

		it('a 40 MiB file over 2 connections is fetched as 20 MiB ranges after the probe, byte-exact', async () => {
			const data = bytes(40 * MiB);
			loopback.server.addResource({ messageId: 'om_auto', fileKey: 'file_v3_auto', type: 'file', data, contentDisposition: 'attachment; filename="auto.bin"' });
			const result = await loopback.harness.engine.download({ messageId: 'om_auto', fileKey: 'file_v3_auto', type: 'file' }, { root: loopback.work.dir, concurrency: 2 });
			assert.equal(await sha256File(result.savedPath), sha256(data));
			const ranges = loopback.server.resourceRequests('file_v3_auto').map((r) => r.headers.range);
			assert.deepEqual(ranges, ['bytes=0-131071', `bytes=131072-${131072 + 20 * MiB - 1}`, `bytes=${131072 + 20 * MiB}-${40 * MiB - 1}`]);
		});
	});
});
