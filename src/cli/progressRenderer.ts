import type { DownloadEvent } from '../core/download/progress';
import { formatBytes } from '../core/util/formatBytes';

/** A single updating stderr line, shown only on a TTY so pipes and CI logs stay clean JSON. */
export function createProgressRenderer(stream: NodeJS.WritableStream & { isTTY?: boolean }): ((event: DownloadEvent) => void) | undefined {
	if (stream.isTTY !== true) {
		return undefined;
	}
	let name = '';
	let lastDraw = 0;
	const startedAt = Date.now();
	return (event) => {
		switch (event.kind) {
			case 'started':
				name = event.fileName;
				break;
			case 'progress': {
				const now = Date.now();
				if (now - lastDraw < 100 && event.bytesDone !== event.totalBytes) {
					return;
				}
				lastDraw = now;
				const rate = event.bytesDone / Math.max(0.001, (now - startedAt) / 1000);
				const of = event.totalBytes === undefined ? '' : ` / ${formatBytes(event.totalBytes)}`;
				stream.write(`\r\u001b[K${name}: ${formatBytes(event.bytesDone)}${of}  ${formatBytes(rate)}/s`);
				break;
			}
			case 'retrying':
				stream.write(`\r\u001b[Kretry ${event.attempt} in ${Math.round(event.delayMs)} ms: ${event.reason}\n`);
				break;
			case 'restarted':
				stream.write(`\r\u001b[K${event.reason}\n`);
				break;
			case 'finished':
				stream.write('\r\u001b[K');
				break;
		}
	};
}
