// A TCP proxy on 127.0.0.1 that makes loopback look like a slower, farther link, for
// bench/download-bench.mjs. Runs as its own process (its CPU never counts against the client).
//
//   node bench/support/throttle-proxy.mjs --target-port PORT [--delay-ms 20] [--rate-mibps 25]
//                                         [--queue-kib 4096] [--port 0]
//
// Every accepted connection gets its own upstream connection to 127.0.0.1:--target-port and two
// independent one-way "links" (client→server and server→client). Each link is a serialiser at
// --rate-mibps followed by a fixed --delay-ms propagation delay, applied to the data chunks:
//
//   chunk of n bytes read at time a:  tx_start = max(a, previous tx_end)
//                                     tx_end   = tx_start + n / rate
//                                     delivered at tx_end + delay
//
// so one connection never exceeds the rate (no burst allowance), and a request/response exchange
// costs 2 × delay (40 ms by default) on top of the transfer. The rate cap is per connection, as a
// per-flow shaper would do: N parallel connections may carry N × rate together. A link holds at most
// --queue-kib of undelivered data (more than the rate × delay product, so one connection can fill
// its rate); beyond that the proxy stops reading from the sender, and TCP back-pressure does the rest.
// Connection set-up itself is not delayed (only data is).
//
// First stdout line is JSON: {"port","targetPort","delayMs","rateMiBps","queueKiB"}.
// On SIGUSR2 it prints one JSON line of counters: {"connections","bytesUp","bytesDown","maxQueued"}.

import net from 'node:net';
import { performance } from 'node:perf_hooks';

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const PORT = Number(arg('port', '0'));
const TARGET_PORT = Number(arg('target-port', 'NaN'));
const DELAY_MS = Number(arg('delay-ms', '20'));
const RATE_MIBPS = Number(arg('rate-mibps', '25'));
const QUEUE_BYTES = Number(arg('queue-kib', '4096')) * 1024;
if (!Number.isInteger(TARGET_PORT) || TARGET_PORT <= 0 || !(DELAY_MS >= 0) || !(RATE_MIBPS > 0) || !(QUEUE_BYTES > 0)) {
	throw new Error('usage: throttle-proxy.mjs --target-port PORT [--delay-ms 20] [--rate-mibps 25] [--queue-kib 4096]');
}
const BYTES_PER_MS = (RATE_MIBPS * 1024 * 1024) / 1000;

const counters = { connections: 0, bytesUp: 0, bytesDown: 0, maxQueued: 0 };

/**
 * One direction of one connection: reads from `from`, delivers to `to` after serialisation + delay.
 * @param {net.Socket} from
 * @param {net.Socket} to
 * @param {'bytesUp'|'bytesDown'} counter
 */
function link(from, to, counter) {
	/** @type {{buf: Buffer, due: number}[]} */
	const queue = [];
	let head = 0; // index of the first undelivered entry (avoids O(n) shift)
	let queued = 0;
	let txEnd = 0;
	let timer = null;
	let waitingDrain = false;
	let ended = false; // `from` has ended: end `to` once the queue is empty

	const flush = () => {
		timer = null;
		const now = performance.now();
		while (head < queue.length && !waitingDrain) {
			const item = queue[head];
			if (item.due > now + 0.25) {
				break;
			}
			queue[head] = undefined;
			head++;
			queued -= item.buf.length;
			counters[counter] += item.buf.length;
			if (!to.write(item.buf)) {
				waitingDrain = true;
				to.once('drain', () => {
					waitingDrain = false;
					schedule();
				});
			}
		}
		if (head > 1024 && head * 2 > queue.length) {
			queue.splice(0, head);
			head = 0;
		}
		if (from.isPaused() && queued < QUEUE_BYTES / 2 && !from.destroyed) {
			from.resume();
		}
		if (head === queue.length && ended && !to.destroyed) {
			to.end();
			return;
		}
		schedule();
	};

	function schedule() {
		if (timer !== null || waitingDrain || head === queue.length) {
			return;
		}
		const wait = queue[head].due - performance.now();
		if (wait <= 0.25) {
			timer = setImmediate(flush);
			timer.immediate = true;
		} else {
			timer = setTimeout(flush, wait);
		}
	}

	from.on('data', (buf) => {
		const now = performance.now();
		const start = Math.max(now, txEnd);
		txEnd = start + buf.length / BYTES_PER_MS;
		queue.push({ buf, due: txEnd + DELAY_MS });
		queued += buf.length;
		counters.maxQueued = Math.max(counters.maxQueued, queued);
		if (queued >= QUEUE_BYTES) {
			from.pause();
		}
		schedule();
	});
	from.on('end', () => {
		ended = true;
		if (head === queue.length && !to.destroyed) {
			to.end();
		}
	});
	return {
		destroy() {
			if (timer !== null) {
				if (timer.immediate) {
					clearImmediate(timer);
				} else {
					clearTimeout(timer);
				}
				timer = null;
			}
			queue.length = 0;
			head = 0;
			queued = 0;
		},
	};
}

// allowHalfOpen: a FIN from one side is forwarded (as end()) only after that direction's queue has
// been delivered, instead of Node ending the other direction at once.
const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
	counters.connections++;
	const upstream = net.connect({ host: '127.0.0.1', port: TARGET_PORT, noDelay: true, allowHalfOpen: true });
	client.pause(); // until upstream is connected; data read meanwhile is queued by the link anyway
	upstream.once('connect', () => client.resume());
	const up = link(client, upstream, 'bytesUp');
	const down = link(upstream, client, 'bytesDown');
	const close = () => {
		up.destroy();
		down.destroy();
		client.destroy();
		upstream.destroy();
	};
	client.on('error', close);
	upstream.on('error', close);
	// The client closing cleanly means both directions are done. The upstream closing cleanly may
	// leave response bytes queued for the client: those are still delivered, then the client ended.
	client.on('close', close);
	upstream.on('close', (hadError) => {
		if (hadError) {
			close();
		}
	});
});

server.listen(PORT, '127.0.0.1', () => {
	const { port } = /** @type {net.AddressInfo} */ (server.address());
	process.stdout.write(`${JSON.stringify({ port, targetPort: TARGET_PORT, delayMs: DELAY_MS, rateMiBps: RATE_MIBPS, queueKiB: QUEUE_BYTES / 1024 })}\n`);
});

process.on('SIGUSR2', () => process.stdout.write(`${JSON.stringify(counters)}\n`));
for (const sig of ['SIGTERM', 'SIGINT']) {
	process.on(sig, () => {
		server.close();
		process.exit(0);
	});
}
