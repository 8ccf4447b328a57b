// Lark-compatible loopback server for bench/download-bench.mjs. Runs as its own process so it never
// shares an event loop, a CPU figure or an RSS figure with the downloader being measured.
//
//   node bench/support/lark-bench-server.mjs [--resource KEY=BYTES ...] [--port 0]
//
// Endpoints (the subset of the Open API that `lark-dl download` and the extension use):
//   POST /open-apis/auth/v3/tenant_access_token/internal
//        {"app_id","app_secret"} -> {"code":0,"msg":"ok","tenant_access_token":"t-…","expire":7200}
//   GET  /open-apis/im/v1/messages/om_bench/resources/KEY?type=file   (Authorization: Bearer t-…)
//        200 with the whole body, or 206 + Content-Range for `Range: bytes=a-b` / `a-` / `-n`
//        (single range), 416 when unsatisfiable. Identity encoding, Content-Length, keep-alive,
//        Content-Disposition with a file name.
//   GET  /__stats              cumulative counters (see `stats` below)
//   GET  /__log?since=N        requests logged from index N on: {at, end (epoch ms, fractional), kind
//                              ("token"|"resource"), key, range, status, bytes}
//
// Bodies are generated, never stored: one 1 MiB block from a seeded PRNG (mulberry32, the same seed
// as bench/support/range-server.mjs, so a 1 GiB body has the same SHA-256 as in
// docs/http-client-benchmark.md) repeated to the size; responses write subarrays of that block.
// Default resources: file_bench_1g (1 GiB) and file_bench_256m (256 MiB).
//
// First stdout line is JSON:
//   {"port","appId","appSecret","messageId","resources":{KEY:{"size","sha256","fileName"}}}

import http from 'node:http';
import { BLOCK_SIZE, sha256Of, writeBody } from './generated-body.mjs';
import { parseRange } from './range-header.mjs';
import { performance } from 'node:perf_hooks';

const APP_ID = 'cli_bench_app';
const APP_SECRET = 'bench-secret-not-real';
const MESSAGE_ID = 'om_bench';
const TOKEN = `t-bench-${process.pid}`;
const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
const RESOURCE_RE = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/;

function args(name) {
	const values = [];
	for (let i = 0; i < process.argv.length - 1; i++) {
		if (process.argv[i] === `--${name}`) {
			values.push(process.argv[i + 1]);
		}
	}
	return values;
}

const PORT = Number(args('port')[0] ?? '0');
const RESOURCE_ARGS = args('resource').length > 0 ? args('resource') : [`file_bench_1g=${1024 * BLOCK_SIZE}`, `file_bench_256m=${256 * BLOCK_SIZE}`];

/** key -> { size, sha256, fileName } */
const resources = new Map();
for (const spec of RESOURCE_ARGS) {
	const m = /^([A-Za-z0-9_]+)=(\d+)$/.exec(spec);
	if (!m || !Number.isSafeInteger(Number(m[2]))) {
		throw new Error(`bad --resource ${spec} (want KEY=BYTES)`);
	}
	const size = Number(m[2]);
	resources.set(m[1], { size, sha256: sha256Of(size), fileName: `${m[1].replace(/^file_/, '')}.bin` });
}

/** Wall-clock ms with sub-ms resolution, comparable across processes on this machine. */
const epochMs = () => Math.round((performance.timeOrigin + performance.now()) * 10) / 10;
const stats = {
	connections: 0,
	tokenRequests: 0,
	resourceRequests: 0,
	rejected: 0,
	bytesSent: 0,
	aborted: 0,
	active: 0,
	maxActive: 0,
	perKey: {},
};
/** Every token and resource request: { at, end, kind, key, range, status, bytes } */
const requestLog = [];

function sendJson(res, status, body) {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

function readJsonBody(req) {
	return new Promise((resolve) => {
		let text = '';
		req.setEncoding('utf8');
		req.on('data', (d) => {
			if (text.length < 10_000) {
				text += d;
			}
		});
		req.on('end', () => {
			try {
				resolve(JSON.parse(text));
			} catch {
				resolve(undefined);
			}
		});
		req.on('error', () => resolve(undefined));
	});
}

async function token(req, res) {
	stats.tokenRequests++;
	const entry = { at: epochMs(), end: 0, kind: 'token', key: null, range: null, status: 200, bytes: 0 };
	requestLog.push(entry);
	const body = await readJsonBody(req);
	if (body?.app_id !== APP_ID || body?.app_secret !== APP_SECRET) {
		sendJson(res, 200, { code: 10014, msg: 'app secret invalid' });
	} else {
		sendJson(res, 200, { code: 0, msg: 'ok', tenant_access_token: TOKEN, expire: 7200 });
	}
	entry.end = epochMs();
}

function resource(req, res, url, messageId, key) {
	const entry = { at: epochMs(), end: 0, kind: 'resource', key, range: req.headers.range ?? null, status: 0, bytes: 0 };
	requestLog.push(entry);
	stats.resourceRequests++;
	const per = (stats.perKey[key] ??= { requests: 0, bytesSent: 0 });
	per.requests++;
	const finish = (status) => {
		entry.status = status;
		entry.end = epochMs();
	};
	const item = resources.get(key);
	if (req.headers.authorization !== `Bearer ${TOKEN}`) {
		stats.rejected++;
		finish(400);
		sendJson(res, 400, { code: 99991663, msg: 'Invalid access token for authorization. Please make a request with token attached.' });
		return;
	}
	if (messageId !== MESSAGE_ID || item === undefined || url.searchParams.get('type') !== 'file') {
		stats.rejected++;
		finish(400);
		sendJson(res, 400, { code: 234003, msg: 'File not in msg.' });
		return;
	}
	const common = {
		'content-type': 'application/octet-stream',
		'content-disposition': `attachment; filename="${item.fileName}"`,
		'accept-ranges': 'bytes',
	};
	const range = parseRange(req.headers.range, item.size);
	if (range === 'invalid') {
		finish(416);
		res.writeHead(416, { ...common, 'content-range': `bytes */${item.size}`, 'content-length': 0 });
		res.end();
		return;
	}
	const { start, end } = range ?? { start: 0, end: item.size - 1 };
	const headers = { ...common, 'content-length': end - start + 1 };
	if (range) {
		headers['content-range'] = `bytes ${start}-${end}/${item.size}`;
	}
	const status = range ? 206 : 200;
	res.writeHead(status, headers);
	if (req.method === 'HEAD') {
		finish(status);
		res.end();
		return;
	}
	stats.active++;
	stats.maxActive = Math.max(stats.maxActive, stats.active);
	writeBody(res, start, end, stats)
		.then((n) => {
			entry.bytes = n;
			per.bytesSent += n;
		})
		.catch((err) => {
			console.error('lark-bench-server: write failed:', err);
			res.destroy();
		})
		.finally(() => {
			stats.active--;
			finish(status);
		});
}

const server = http.createServer((req, res) => {
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	if (url.pathname === '/__stats') {
		sendJson(res, 200, { ...stats, logLength: requestLog.length });
		return;
	}
	if (url.pathname === '/__log') {
		const since = Math.max(0, Number(url.searchParams.get('since') ?? '0') || 0);
		sendJson(res, 200, requestLog.slice(since));
		return;
	}
	if (url.pathname === TOKEN_PATH && req.method === 'POST') {
		token(req, res).catch(() => res.destroy());
		return;
	}
	const m = RESOURCE_RE.exec(url.pathname);
	if (m && (req.method === 'GET' || req.method === 'HEAD')) {
		resource(req, res, url, decodeURIComponent(m[1]), decodeURIComponent(m[2]));
		return;
	}
	sendJson(res, 404, { code: 404, msg: 'not found' });
});
server.on('connection', () => stats.connections++);
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.requestTimeout = 0;

server.listen(PORT, '127.0.0.1', () => {
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	const info = { port, appId: APP_ID, appSecret: APP_SECRET, messageId: MESSAGE_ID, resources: Object.fromEntries(resources) };
	process.stdout.write(`${JSON.stringify(info)}\n`);
});

for (const sig of ['SIGTERM', 'SIGINT']) {
	process.on(sig, () => {
		server.closeAllConnections();
		server.close(() => process.exit(0));
	});
}
