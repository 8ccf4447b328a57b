import * as assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createProgressRenderer } from '../../../src/cli/progressRenderer';

function stream(isTTY: boolean): Writable & { isTTY: boolean; text: string } {
	const sink = new Writable({
		write(chunk: Buffer, _encoding, done) {
			sink.text += chunk.toString();
			done();
		},
	}) as Writable & { isTTY: boolean; text: string };
	sink.isTTY = isTTY;
	sink.text = '';
	return sink;
}

describe('CLI progress on stderr', () => {
	it('draws nothing when stderr is not a terminal', () => {
		assert.equal(createProgressRenderer(stream(false)), undefined);
	});

	it('draws one updating line with name, bytes and rate on a terminal', async () => {
		const tty = stream(true);
		const render = createProgressRenderer(tty);
		assert.ok(render);
		render({ kind: 'started', fileName: 'report.pdf', totalBytes: 2048, resumedBytes: 0 });
		render({ kind: 'progress', bytesDone: 2048, totalBytes: 2048 });
		render({ kind: 'finished', savedPath: '/x/report.pdf', sizeBytes: 2048 });
		await new Promise((resolve) => setImmediate(resolve));
		// eslint-disable-next-line no-control-regex -- the terminal escape is what is being checked
		assert.match(tty.text, /\r\u001b\[Kreport\.pdf: 2\.0 KiB \/ 2\.0 KiB {2}\S+ \S+\/s/);
	});
});
