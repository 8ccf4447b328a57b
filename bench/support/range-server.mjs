// Loopback HTTP server for bench/http-clients.mjs. Run as its own process so it
// never shares an event loop (or an RSS figure) with the client being measured.
//
//   node bench/support/range-server.mjs [--size BYTES] [--port 0]
//
// Serves GET /data: a deterministic body of --size bytes (default 1 GiB) built by
// repeating one 1 MiB block from a seeded PRNG. Nothing is stored on disk and the
// block is never copied per request: responses write subarrays of it.
// Honours `Range: bytes=a-b`, `bytes=a-` and `bytes=-n` (single range) with 206 +
// Content-Range, 416 when unsatisfiable. Keep-alive is on.
// GET /__stats returns cumulative counters (data connections, requests, bytes sent)
// so the harness can check connection reuse and that no extra bytes were fetched.
//
// First stdout line is JSON: {"port", "size", "blockSize", "sha256"}.

import http from 'node:http';
import { BLOCK_SIZE, SEED, sha256Of, writeBody } from './generated-body.mjs';
import { parseRange } from './range-header.mjs';


function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const SIZE = Number(arg('size', String(1024 * 1024 * 1024)));
const PORT = Number(arg('port', '0'));
if (!Number.isSafeInteger(SIZE) || SIZE <= 0) {
	throw new Error(`bad --size ${arg('size')}`);
}

const stats = { dataConnections: 0, dataRequests: 0, bytesSent: 0, aborted: 0 };
const dataSockets = new WeakSet();

const server = http.createServer((req, res) => {
	const url = new URL(req.url ?? '/', 'http://x');
	if (url.pathname === '/__stats') {
		const body = JSON.stringify(stats);
		res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
		res.end(body);
		return;
	}
	if (url.pathname !== '/data') {
		res.writeHead(404, { 'content-length': 0 });
		res.end();
		return;
	}
	if (!dataSockets.has(req.socket)) {
		dataSockets.add(req.socket);
		stats.dataConnections++;
	}
	stats.dataRequests++;
	const range = parseRange(req.headers.range, SIZE);
	const common = {
		'content-type': 'application/octet-stream',
		'accept-ranges': 'bytes',
		etag: `"bench-${SEED.toString(16)}-${SIZE}"`,
	};
	if (range === 'invalid') {
		res.writeHead(416, { ...common, 'content-range': `bytes */${SIZE}`, 'content-length': 0 });
		res.end();
		return;
	}
	const { start, end } = range ?? { start: 0, end: SIZE - 1 };
	const headers = { ...common, 'content-length': end - start + 1 };
	if (range) {
		headers['content-range'] = `bytes ${start}-${end}/${SIZE}`;
	}
	res.writeHead(range ? 206 : 200, headers);
	if (req.method === 'HEAD') {
		res.end();
		return;
	}
	writeBody(res, start, end, stats).catch((err) => {
		console.error('range-server: write failed:', err);
		res.destroy();
	});
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.requestTimeout = 0;

const sha256 = sha256Of(SIZE);
server.listen(PORT, '127.0.0.1', () => {
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	process.stdout.write(`${JSON.stringify({ port, size: SIZE, blockSize: BLOCK_SIZE, sha256 })}\n`);
});

for (const sig of ['SIGTERM', 'SIGINT']) {
	process.on(sig, () => {
		server.closeAllConnections();
		server.close(() => process.exit(0));
	});
}
