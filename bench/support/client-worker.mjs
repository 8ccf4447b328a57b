// One benchmark run of one HTTP client, in its own process so that its peak RSS
// can be measured in isolation. Spawned by bench/http-clients.mjs; not meant to be
// run by hand, but it can be:
//
//   node bench/support/client-worker.mjs --client undici-request --mode ranged \
//        --url http://127.0.0.1:PORT/data --out /tmp/x.bin --part 8388608
//
// --client  node-fetch | builtin-fetch | undici-request | undici-fetch | node-http
// --mode    full   one GET of the whole body, streamed to --out
//           ranged sequential `Range: bytes=a-b` parts of --part bytes, all on one
//                  keep-alive connection, each part streamed to its offset in --out
//           idle   import the client module, make no request (baseline RSS)
//
// Every body goes through stream.pipeline into fs.createWriteStream, as a real
// downloader would. Prints one JSON line on stdout:
//   {"client","mode","bytes","parts","transferMs","importMs","maxRssKiB","cpuS"}
// transferMs runs from just before the first request to the moment the last
// pipeline has resolved (file flushed and closed); module loading is excluded.

import fs from 'node:fs';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	if (i >= 0 && i + 1 < process.argv.length) {
		return process.argv[i + 1];
	}
	if (fallback === undefined) {
		throw new Error(`missing --${name}`);
	}
	return fallback;
}

const CLIENT = arg('client');
const MODE = arg('mode', 'full');
const URL_ = MODE === 'idle' ? '' : arg('url');
const OUT = MODE === 'idle' ? '' : arg('out');
const PART = Number(arg('part', String(8 * 1024 * 1024)));

/**
 * A client adapter: get(url, rangeHeader|undefined) resolves to
 * { status, header(name) -> string|undefined, body: Node Readable or web ReadableStream }.
 * close() releases pooled connections so the process can exit.
 */
async function loadClient(name) {
	switch (name) {
		case 'node-fetch': {
			const { default: fetch } = await import('node-fetch');
			const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
			return {
				async get(url, range) {
					const res = await fetch(url, { agent, headers: range ? { range } : {}, compress: false });
					return { status: res.status, header: (h) => res.headers.get(h) ?? undefined, body: res.body };
				},
				close: () => agent.destroy(),
			};
		}
		case 'builtin-fetch': {
			// Node's own fetch (its bundled undici, global dispatcher, keep-alive by default).
			const f = globalThis.fetch;
			return {
				async get(url, range) {
					const res = await f(url, { headers: range ? { range } : {} });
					return { status: res.status, header: (h) => res.headers.get(h) ?? undefined, body: res.body };
				},
				close: () => undefined,
			};
		}
		case 'undici-request': {
			const { request, Agent } = await import('undici');
			const dispatcher = new Agent({ connections: 1 });
			return {
				async get(url, range) {
					const res = await request(url, { dispatcher, headers: range ? { range } : {} });
					const hv = (h) => {
						const v = res.headers[h];
						return Array.isArray(v) ? v.join(', ') : v;
					};
					return { status: res.statusCode, header: hv, body: res.body };
				},
				close: () => dispatcher.close(),
			};
		}
		case 'undici-fetch': {
			const { fetch, Agent } = await import('undici');
			const dispatcher = new Agent({ connections: 1 });
			return {
				async get(url, range) {
					const res = await fetch(url, { dispatcher, headers: range ? { range } : {} });
					return { status: res.status, header: (h) => res.headers.get(h) ?? undefined, body: res.body };
				},
				close: () => dispatcher.close(),
			};
		}
		case 'node-http': {
			const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
			return {
				get(url, range) {
					return new Promise((resolve, reject) => {
						const req = http.get(url, { agent, headers: range ? { range } : {} }, (res) => {
							resolve({ status: res.statusCode ?? 0, header: (h) => res.headers[h], body: res });
						});
						req.on('error', reject);
					});
				},
				close: () => agent.destroy(),
			};
		}
		default:
			throw new Error(`unknown client ${name}`);
	}
}

async function discard(body) {
	// Drain an unexpected body so errors are reported rather than hanging.
	if (body && typeof body.cancel === 'function') {
		await body.cancel();
	} else if (body && typeof body.resume === 'function') {
		body.resume();
	}
}

async function full(client) {
	const res = await client.get(URL_, undefined);
	if (res.status !== 200) {
		await discard(res.body);
		throw new Error(`expected 200, got ${res.status}`);
	}
	await pipeline(res.body, fs.createWriteStream(OUT));
	return { parts: 1 };
}

async function ranged(client) {
	// Total size is learnt from the first part's Content-Range, as a downloader would.
	let total = Infinity;
	let offset = 0;
	let parts = 0;
	while (offset < total) {
		const end = Math.min(offset + PART, total) - 1;
		const res = await client.get(URL_, `bytes=${offset}-${end}`);
		if (res.status !== 206) {
			await discard(res.body);
			throw new Error(`part ${parts}: expected 206, got ${res.status}`);
		}
		const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(res.header('content-range') ?? '');
		if (!m || Number(m[1]) !== offset) {
			await discard(res.body);
			throw new Error(`part ${parts}: bad content-range ${res.header('content-range')}`);
		}
		total = Number(m[3]);
		const ws = fs.createWriteStream(OUT, { flags: offset === 0 ? 'w' : 'r+', start: offset });
		await pipeline(res.body, ws);
		if (ws.bytesWritten !== Number(m[2]) - offset + 1) {
			throw new Error(`part ${parts}: wrote ${ws.bytesWritten} bytes for ${m[0]}`);
		}
		offset = Number(m[2]) + 1;
		parts++;
	}
	return { parts };
}

const t0 = performance.now();
const client = await loadClient(CLIENT);
const importMs = performance.now() - t0;

let result = { parts: 0 };
let transferMs = 0;
if (MODE !== 'idle') {
	const t1 = performance.now();
	result = MODE === 'ranged' ? await ranged(client) : await full(client);
	transferMs = performance.now() - t1;
}
await client.close();

const bytes = MODE === 'idle' ? 0 : fs.statSync(OUT).size;
const ru = process.resourceUsage();
process.stdout.write(
	`${JSON.stringify({ client: CLIENT, mode: MODE, bytes, parts: result.parts, transferMs, importMs, maxRssKiB: ru.maxRSS, cpuS: (ru.userCPUTime + ru.systemCPUTime) / 1e6 })}\n`,
);
process.exit(0);
