import * as assert from 'node:assert/strict';
import { RequestBudget } from '../../../../src/core/http/requestBudget';
import { botHarness, startLoopbackEngine, stopLoopbackEngine, type Harness } from '../../../support/engineHarness';
import { bytes, listFiles, sha256, sha256File } from '../../../support/fixtures';
import { LarkTestServer } from '../../../support/larkServer';

const KiB = 1024;
const PROBE = 128 * KiB;
const PART = 64 * KiB;

describe('parallel ranged parts', () => {
	let server: LarkTestServer;
	let work: { dir: string; cleanup: () => Promise<void> };
	let harness: Harness;

	beforeEach(async () => {
		({ server, work, harness } = await startLoopbackEngine());
	});

	afterEach(() => stopLoopbackEngine({ server, work, harness }));

	const sizes: [string, number][] = [
		['0 bytes', 0],
		['1 byte', 1],
		['probe − 1', PROBE - 1],
		['probe', PROBE],
		['probe + 1', PROBE + 1],
		['probe + part − 1', PROBE + PART - 1],
		['probe + part', PROBE + PART],
		['probe + part + 1', PROBE + PART + 1],
		['many parts (37 and a bit)', PROBE + 37 * PART + 999],
	];
	for (const [title, size] of sizes) {
		it(`${title}: exact bytes with 4 workers, every byte requested exactly once`, async () => {
			const resource = server.addResource({ messageId: 'om_p', fileKey: 'file_p', type: 'file', data: bytes(size), contentType: 'application/zip' });
			const result = await harness.engine.download({ messageId: 'om_p', fileKey: 'file_p', type: 'file' }, { root: work.dir, partSize: PART, concurrency: 4 });
			assert.equal(result.sizeBytes, size);
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			assert.deepEqual(await listFiles(work.dir), ['file_p.zip']);
			const covered = new Array<number>(size).fill(0);
			for (const request of server.resourceRequests()) {
				const match = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
				if (match !== null && size > 0) {
					for (let i = Number(match[1]); i <= Math.min(Number(match[2]), size - 1); i++) {
						covered[i] = (covered[i] ?? 0) + 1;
					}
				}
			}
			assert.ok(covered.every((count) => count === 1), 'no byte requested twice or never');
		});
	}

	it('really overlaps parts: several requests in flight at once', async () => {
		server.addResource({ messageId: 'om_p', fileKey: 'file_p', type: 'file', data: bytes(PROBE + 16 * PART) });
		let inFlight = 0;
		let peak = 0;
		const resource = server.resources.get('file_p');
		assert.ok(resource);
		resource.fault = () => {
			inFlight++;
			peak = Math.max(peak, inFlight);
			setTimeout(() => inFlight--, 30);
			return undefined;
		};
		await harness.engine.download({ messageId: 'om_p', fileKey: 'file_p', type: 'file' }, { root: work.dir, partSize: PART, concurrency: 4 });
		assert.ok(peak >= 3, `peak concurrency was ${peak}`);
	});

	it('keeps the request rate within the shared budget', async () => {
		const windows = [{ limit: 10, windowMs: 300 }];
		const budgeted = botHarness(server, { budget: new RequestBudget(windows) });
		try {
			const resource = server.addResource({ messageId: 'om_p', fileKey: 'file_p', type: 'file', data: bytes(PROBE + 40 * 8 * KiB) });
			const result = await budgeted.engine.download({ messageId: 'om_p', fileKey: 'file_p', type: 'file' }, { root: work.dir, partSize: 8 * KiB, concurrency: 8 });
			assert.equal(await sha256File(result.savedPath), sha256(resource.data));
			const stamps = server.resourceRequests().map((r) => r.at).sort((a, b) => a - b);
			assert.ok(stamps.length > 40);
			for (let i = 10; i < stamps.length; i++) {
				// Arrival can lag the limiter's clock by a little (connection scheduling); without a budget 40 requests arrive within ~50 ms.
				assert.ok((stamps[i] ?? 0) - (stamps[i - 10] ?? 0) >= 300 - 25, `more than 10 requests within 300 ms at request ${i}`);
			}
		} finally {
			await budgeted.close();
		}
	});

	it('one failing part stops the others and keeps a resumable .part', async () => {
		server.addResource({ messageId: 'om_p', fileKey: 'file_p', type: 'file', data: bytes(PROBE + 12 * PART), fault: ({ index }) => (index >= 3 ? { kind: 'status', status: 503 } : undefined) });
		await assert.rejects(harness.engine.download({ messageId: 'om_p', fileKey: 'file_p', type: 'file' }, { root: work.dir, partSize: PART, concurrency: 4 }), { type: 'api' });
		const files = await listFiles(work.dir);
		assert.ok(files.includes('file_p.bin.part'), files.join(','));
	});
});
