// Which HTTP client should the download engine use? Measure it.
//
//   node bench/http-clients.mjs                      # full run, writes docs/http-client-benchmark.md
//   node bench/http-clients.mjs --size-mib 64 --reps 1 --out -   # quick smoke test, no doc
//
// Options:
//   --size-mib N    body size in MiB (default 1024 = 1 GiB)
//   --part-mib N    Range part size for the "ranged" mode (default 8)
//   --reps N        measured runs per client/mode (default 5) ...
//   --budget-s N    ... but stop after the 3rd or 4th repetition if the next one would end past
//                   N s of total runtime (default 540; 0 = always do all --reps)
//   --warmup N      untimed curl downloads before measuring (default 2)
//   --clients a,b   subset of: curl,node-fetch,builtin-fetch,undici-request,undici-fetch,node-http
//   --hash all|first  SHA-256 every run (default) or only the first run of each client/mode
//   --tmpdir DIR    where downloads are written (default os.tmpdir()); deleted after each run
//   --out FILE|-    markdown report (default docs/http-client-benchmark.md; "-" = don't write)
//   --quiet-cores X before each run, wait until CPU used by other processes is below X cores
//                   (default 0.3; Linux /proc/stat) ...
//   --gate-s N      ... but wait at most N s per run and 150 s in total (default 20; 0 = no gate)
//
// Method: a loopback server (bench/support/range-server.mjs) runs in its own process and
// serves a deterministic body. Every run is a fresh child process
// (bench/support/client-worker.mjs, or curl) wrapped in GNU `/usr/bin/time -v` for peak RSS.
// Runs are interleaved round-robin (rotated each repetition) so drift hits all clients
// alike. Each downloaded file is checked for size and SHA-256 against the server's hash,
// and the server's counters must show exactly `size` bytes sent; any failure excludes
// the client from the ranking. Client CPU time (user+sys, from GNU time) is reported next
// to wall time because it is robust when the machine is shared; so is the CPU used by
// *other* processes during each run (from /proc/stat), so contaminated figures are visible.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanUpOnInterrupt, cpuSnapshot, curlVersion, detectGnuTime, fmt, HAVE_PROC, httpJson, log, machine, measureInTempDir, median, MiB, otherCores, parseGnuTime, quietGate, run, sha256File, startHelper, underGnuTime } from './support/measure.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const SERVER = path.join(HERE, 'support', 'range-server.mjs');
const WORKER = path.join(HERE, 'support', 'client-worker.mjs');

// ---------------------------------------------------------------- options

function opt(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const SIZE = Math.round(Number(opt('size-mib', '1024')) * MiB);
const PART = Math.round(Number(opt('part-mib', '8')) * MiB);
const REPS = Number(opt('reps', '5'));
const WARMUP = Number(opt('warmup', '2'));
const HASH_ALL = opt('hash', 'all') === 'all';
const TMP = path.resolve(opt('tmpdir', os.tmpdir()));
const OUT = opt('out', path.join(ROOT, 'docs', 'http-client-benchmark.md'));
const BUDGET_MS = Number(opt('budget-s', '540')) * 1000;
const MIN_REPS = Math.min(3, REPS);
const QUIET_CORES = Number(opt('quiet-cores', '0.3'));
const GATE_MS = Number(opt('gate-s', '20')) * 1000;
const GATE_BUDGET_MS = 150_000;
const RUN_TIMEOUT_MS = 180_000;

const NODE_CLIENTS = ['node-fetch', 'builtin-fetch', 'undici-request', 'undici-fetch', 'node-http'];
const ALL_CLIENTS = ['curl', ...NODE_CLIENTS];
const CLIENTS = opt('clients', ALL_CLIENTS.join(',')).split(',').filter(Boolean);
for (const c of CLIENTS) {
	if (!ALL_CLIENTS.includes(c)) {
		throw new Error(`unknown client ${c}; expected one of ${ALL_CLIENTS.join(', ')}`);
	}
}
if (!Number.isSafeInteger(SIZE) || SIZE <= 0 || !(PART > 0) || !(REPS >= 1)) {
	throw new Error('bad --size-mib / --part-mib / --reps');
}

/** Measured configurations; curl is a single reference line. */
const CONFIGS = [];
for (const client of CLIENTS) {
	if (client === 'curl') {
		CONFIGS.push({ client, mode: 'full' });
	} else {
		CONFIGS.push({ client, mode: 'full' }, { client, mode: 'ranged' });
	}
}
const IDLE_CONFIGS = CLIENTS.filter((c) => c !== 'curl').map((client) => ({ client, mode: 'idle' }));

const HAVE_GNU_TIME = detectGnuTime();
const gate = quietGate({ quietCores: QUIET_CORES, gateMs: GATE_MS, budgetMs: GATE_BUDGET_MS });

// ---------------------------------------------------------------- one run

let liveServer = null;
cleanUpOnInterrupt(() => (liveServer ? [liveServer] : []));

async function measure(cfg, server, { hash }) {
	const url = `http://127.0.0.1:${server.port}/data`;
	const rec = { ...cfg, ok: false, error: '', transferMs: NaN, wallMs: NaN, rssKiB: NaN, cpuS: NaN, loadMs: NaN, otherCores: NaN, preCores: NaN };
	return measureInTempDir(TMP, 'lark-http-bench-', rec, async (dir) => {
		const file = path.join(dir, 'body.bin');
		const timeFile = path.join(dir, 'time.txt');
		const inner =
			cfg.client === 'curl'
				? ['curl', '-s', '-o', file, '-w', '%{http_code} %{size_download} %{time_total}', url]
				: [process.execPath, WORKER, '--client', cfg.client, '--mode', cfg.mode, '--url', url, '--out', file, '--part', String(PART)];
		const argv = underGnuTime(HAVE_GNU_TIME, timeFile, inner);

		const before = cfg.mode === 'idle' ? null : await httpJson(server.port, 'GET', '/__stats');
		if (cfg.mode !== 'idle') {
			rec.preCores = await gate.wait([server.pid]);
		}
		const cpu0 = cpuSnapshot([server.pid]);
		const r = await run(argv, { timeoutMs: RUN_TIMEOUT_MS });
		const cpu1 = cpuSnapshot([server.pid]);
		const after = cfg.mode === 'idle' ? null : await httpJson(server.port, 'GET', '/__stats');
		rec.wallMs = r.wallMs;
		if (r.code !== 0) {
			throw new Error(`exit ${r.code ?? r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
		}
		if (HAVE_GNU_TIME) {
			Object.assign(rec, parseGnuTime(fs.readFileSync(timeFile, 'utf8')));
		}
		if (cfg.client === 'curl') {
			const [code, , secs] = r.stdout.trim().split(' ');
			if (code !== '200') {
				throw new Error(`curl got HTTP ${code}`);
			}
			rec.transferMs = Number(secs) * 1000;
		} else {
			const w = JSON.parse(r.stdout.trim().split('\n').pop());
			rec.transferMs = w.transferMs;
			rec.loadMs = w.importMs;
			rec.parts = w.parts;
			if (!HAVE_GNU_TIME) {
				rec.rssKiB = w.maxRssKiB;
				rec.cpuS = w.cpuS;
			}
		}
		rec.otherCores = otherCores(cpu0, cpu1, Number.isFinite(rec.cpuS) ? rec.cpuS : 0);
		if (cfg.mode !== 'idle') {
			const size = fs.statSync(file).size;
			if (size !== SIZE) {
				throw new Error(`downloaded ${size} bytes, expected ${SIZE}`);
			}
			rec.conns = after.dataConnections - before.dataConnections;
			rec.reqs = after.dataRequests - before.dataRequests;
			const sent = after.bytesSent - before.bytesSent;
			if (sent !== SIZE) {
				throw new Error(`server sent ${sent} bytes for a ${SIZE}-byte body`);
			}
			if (hash) {
				const digest = await sha256File(file);
				rec.sha = digest === server.sha256 ? 'ok' : 'MISMATCH';
				if (digest !== server.sha256) {
					throw new Error(`SHA-256 ${digest} != expected ${server.sha256}`);
				}
			}
		}
	});
}

// ---------------------------------------------------------------- report

function versions() {
	const req = createRequire(path.join(ROOT, 'package.json'));
	const pkgVersion = (name) => {
		try {
			return JSON.parse(fs.readFileSync(path.join(path.dirname(req.resolve(`${name}/package.json`)), 'package.json'), 'utf8')).version;
		} catch {
			// node-fetch 3 has an "exports" map without ./package.json; find it on disk.
			try {
				return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
			} catch {
				return '?';
			}
		}
	};
	return {
		node: process.version,
		bundledUndici: process.versions.undici ?? '?',
		undici: pkgVersion('undici'),
		nodeFetch: pkgVersion('node-fetch'),
		curl: curlVersion(),
	};
}

const LABEL = {
	curl: 'curl (reference)',
	'node-fetch': 'node-fetch 3',
	'builtin-fetch': 'Node built-in fetch',
	'undici-request': 'undici `request()`',
	'undici-fetch': 'undici `fetch()`',
	'node-http': '`node:http` `http.get`',
};

function summarise(records) {
	const rows = [];
	for (const cfg of CONFIGS) {
		const mine = records.filter((r) => r.client === cfg.client && r.mode === cfg.mode);
		const good = mine.filter((r) => r.ok);
		const idle = records.filter((r) => r.client === cfg.client && r.mode === 'idle' && r.ok);
		const times = good.map((r) => r.transferMs);
		const t = median(times);
		const rss = median(good.map((r) => r.rssKiB)) / 1024;
		const idleRss = idle.length ? median(idle.map((r) => r.rssKiB)) / 1024 : NaN;
		rows.push({
			...cfg,
			runs: `${good.length}/${mine.length}`,
			failed: good.length !== mine.length || good.length === 0,
			errors: [...new Set(mine.filter((r) => !r.ok).map((r) => r.error))],
			medianS: t / 1000,
			mibps: SIZE / MiB / (t / 1000),
			minMibps: SIZE / MiB / (Math.max(...times) / 1000),
			maxMibps: SIZE / MiB / (Math.min(...times) / 1000),
			wallS: median(good.map((r) => r.wallMs)) / 1000,
			rss,
			rssMax: Math.max(...good.map((r) => r.rssKiB)) / 1024,
			idleRss,
			deltaRss: rss - idleRss,
			loadMs: median(good.map((r) => r.loadMs)),
			cpuS: median(good.map((r) => r.cpuS)),
			dlCpuS: median(good.map((r) => r.cpuS)) - (idle.length ? median(idle.map((r) => r.cpuS)) : 0),
			otherCores: median(good.map((r) => r.otherCores)),
			otherMax: Math.max(...good.map((r) => r.otherCores)),
			conns: median(good.map((r) => r.conns)),
			reqs: median(good.map((r) => r.reqs)),
			hashed: good.filter((r) => r.sha === 'ok').length,
		});
	}
	return rows;
}

function table(rows) {
	const head = [
		'Client',
		'Mode',
		'OK runs',
		'Median time (s)',
		'Median MiB/s',
		'MiB/s min–max',
		'Client CPU s total (download only)',
		'Peak RSS MiB median (max)',
		'Idle RSS MiB',
		'Δ RSS MiB',
		'Process wall (s)',
		'Module load (ms)',
		'Conns / reqs per run',
		'SHA-256 verified',
		'Other load, cores (max)',
	];
	const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`];
	for (const r of rows) {
		const mode = r.mode === 'full' ? 'full body' : `${PART / MiB} MiB ranges`;
		const cells = r.failed && r.runs.startsWith('0/')
			? [LABEL[r.client], mode, r.runs, 'FAILED', ...head.slice(4).map(() => '')]
			: [
					LABEL[r.client] + (r.failed ? ' ⚠' : ''),
					mode,
					r.runs,
					fmt(r.medianS, 2),
					`**${fmt(r.mibps)}**`,
					`${fmt(r.minMibps)}–${fmt(r.maxMibps)}`,
					`${fmt(r.cpuS, 2)} (${r.client === 'curl' ? fmt(r.cpuS, 2) : fmt(r.dlCpuS, 2)})`,
					`**${fmt(r.rss)}** (${fmt(r.rssMax)})`,
					r.client === 'curl' ? '–' : fmt(r.idleRss),
					r.client === 'curl' ? '–' : fmt(r.deltaRss),
					fmt(r.wallS, 2),
					r.client === 'curl' ? '–' : fmt(r.loadMs),
					`${fmt(r.conns)} / ${fmt(r.reqs)}`,
					`${r.hashed}/${r.runs.split('/')[0]}`,
					`${fmt(r.otherCores, 2)} (${fmt(r.otherMax, 2)})`,
				];
		lines.push(`| ${cells.join(' | ')} |`);
	}
	return lines.join('\n');
}

function conclusion(rows) {
	const nodeRows = rows.filter((r) => r.client !== 'curl' && !r.failed);
	if (nodeRows.length === 0) {
		return 'No Node client completed every run; no winner.';
	}
	const name = (r) => `${LABEL[r.client]} (${r.mode === 'full' ? 'full body' : 'ranged'})`;
	const byTput = [...nodeRows].sort((a, b) => b.mibps - a.mibps);
	const byRss = [...nodeRows].sort((a, b) => a.rss - b.rss);
	const [t1, t2] = byTput;
	const [m1, m2] = byRss;
	const out = [];
	let s = `**Throughput winner:** ${name(t1)} at ${fmt(t1.mibps)} MiB/s median`;
	if (t2) {
		const gap = (t1.mibps / t2.mibps - 1) * 100;
		const overlap = t2.maxMibps >= t1.minMibps;
		s += `, ${fmt(gap, 1)} % ahead of ${name(t2)} (${fmt(t2.mibps)} MiB/s)`;
		if (REPS < 3) {
			s += `; only ${REPS} run(s) each, too few to judge noise.`;
		} else {
			s += overlap ? '; their run ranges overlap, so treat the top two as tied within noise.' : '; their run ranges do not overlap.';
		}
	} else {
		s += '.';
	}
	out.push(s);
	const byCpu = [...nodeRows].sort((a, b) => a.dlCpuS - b.dlCpuS);
	if (Number.isFinite(byCpu[0].dlCpuS)) {
		const c2 = byCpu[1] ?? byCpu[0];
		out.push(
			`**CPU-efficiency winner:** ${name(byCpu[0])} at ${fmt(byCpu[0].dlCpuS, 2)} CPU-s to download ${fmt(SIZE / MiB)} MiB (beyond its idle process); next ${name(c2)} at ${fmt(c2.dlCpuS, 2)} CPU-s.`,
		);
	}
	s = `**Memory winner:** ${name(m1)} at ${fmt(m1.rss)} MiB peak RSS median (Δ ${fmt(m1.deltaRss)} MiB over its idle process)`;
	s += m2 ? `; next is ${name(m2)} at ${fmt(m2.rss)} MiB.` : '.';
	out.push(s);
	for (const mode of ['full', 'ranged']) {
		const best = nodeRows.filter((r) => r.mode === mode).sort((a, b) => b.mibps - a.mibps)[0];
		const lean = nodeRows.filter((r) => r.mode === mode).sort((a, b) => a.rss - b.rss)[0];
		if (best) {
			out.push(
				`Per mode, ${mode === 'full' ? 'full body' : `${PART / MiB} MiB ranges`}: fastest ${LABEL[best.client]} (${fmt(best.mibps)} MiB/s), leanest ${LABEL[lean.client]} (${fmt(lean.rss)} MiB).`,
			);
		}
	}
	const curl = rows.find((r) => r.client === 'curl' && !r.failed);
	if (curl) {
		out.push(`curl reference: ${fmt(curl.mibps)} MiB/s at ${fmt(curl.rss)} MiB RSS; the best Node client reaches ${fmt((t1.mibps / curl.mibps) * 100)} % of curl's throughput.`);
	}
	const noisy = rows.filter((r) => r.otherMax > QUIET_CORES);
	if (noisy.length) {
		const worst = Math.max(...rows.map((r) => r.otherMax));
		out.push(
			`⚠ Other processes used up to ${fmt(worst, 2)} of ${machine().nproc} cores during ${noisy.length} of ${rows.length} rows' runs, so wall-time throughput is noisy; client CPU time and peak RSS are the more trustworthy comparison.`,
		);
	}
	return out.map((l) => `- ${l}`).join('\n');
}

function markdown(rows, meta) {
	const v = meta.versions;
	const m = meta.machine;
	return `# HTTP client benchmark for the download engine

Generated by \`node bench/http-clients.mjs\` on ${meta.date}. Rerun with the same command; this file is overwritten.

## Environment

| | |
| --- | --- |
| Date | ${meta.date} |
| Node | ${v.node} (built-in fetch = bundled undici ${v.bundledUndici}) |
| Packages | undici ${v.undici}, node-fetch ${v.nodeFetch} |
| curl | ${v.curl} |
| Machine | ${m.nproc} CPUs (\`nproc\`), ${m.cpu}, ${fmt(m.memGiB, 1)} GiB RAM, ${m.os} |
| Body | ${fmt(SIZE / MiB)} MiB (${SIZE} bytes), SHA-256 \`${meta.sha256}\` |
| Runs | ${meta.reps} measured per client/mode${meta.reps < REPS ? ` (of ${REPS} requested; stopped by the ${BUDGET_MS / 1000} s budget)` : ''} + ${WARMUP} untimed curl warm-up downloads; total bench time ${fmt(meta.totalS)} s |

## Method

- **Server:** \`bench/support/range-server.mjs\`, a \`node:http\` server on 127.0.0.1 in its own process. The body is one
  1 MiB block from a seeded PRNG (mulberry32) repeated to the full size; nothing is stored. It sends Content-Length,
  honours \`Range: bytes=a-b\` with 206 + Content-Range, keeps connections alive, and counts data connections,
  requests and bytes sent.
- **Clients:** every run is a fresh process (\`bench/support/client-worker.mjs\`, or \`curl -s -o FILE URL\`), wrapped
  in ${HAVE_GNU_TIME ? 'GNU `/usr/bin/time -v`; **peak RSS** is its "Maximum resident set size"' : '(no GNU time found) the child reporting `process.resourceUsage().maxRSS`'}.
  Each Node client streams the response with \`stream.pipeline(body, fs.createWriteStream(file))\` into a fresh
  temp dir under \`${TMP}\`, deleted after the run.
  - *full body*: one GET of the whole body.
  - *${PART / MiB} MiB ranges*: ${Math.ceil(SIZE / PART)} sequential \`Range\` GETs, each piped to
    \`fs.createWriteStream(file, { flags: 'r+', start })\`; the total size is read from the first Content-Range. One
    keep-alive connection: \`http.Agent({ keepAlive: true, maxSockets: 1 })\` for node:http and node-fetch,
    \`new undici.Agent({ connections: 1 })\` for undici, the default global dispatcher for built-in fetch.
    The "Conns / reqs" column is counted by the server.
- **Timing:** *Median time* runs from just before the first request to the last pipeline resolving (file closed),
  measured inside the child, so process start-up and module loading are excluded (curl: \`%{time_total}\`).
  *Process wall* is spawn-to-exit as seen by the harness (includes Node start-up, module load, and GNU time).
  MiB/s = body size / median time; *MiB/s min–max* is from the slowest and fastest run. *Client CPU s* is the
  child's user+sys time for the whole process; in brackets, minus the median of its idle runs (start-up and module
  load), i.e. the CPU spent downloading. CPU time stays meaningful when other processes compete for the cores.
- **Other load:** CPU used during the run by processes other than the client, the server and the harness, from
  \`/proc/stat\` (cores, median and max over runs). Before each run the harness waits (≤ ${GATE_MS / 1000} s, ≤ ${GATE_BUDGET_MS / 1000} s in
  total) for it to drop below ${QUIET_CORES} cores${HAVE_PROC ? '' : ' (not available on this OS)'}; total gate wait this time: ${fmt(meta.gateS)} s.
- **Idle RSS / Δ RSS:** the same worker importing its client module and making no request; Δ = download peak − idle.
- **Verification:** every run must produce a file of exactly ${SIZE} bytes, the server must have sent exactly that
  many bytes, and ${HASH_ALL ? 'every' : 'the first'} run's file must match the server's SHA-256. A failed run is
  excluded and marks the row ⚠.
- Runs are interleaved round-robin, order rotated each repetition. Client and server share ${m.nproc} cores, and
  writes land in the page cache (files are deleted before writeback), so this measures client CPU cost per byte,
  not the disk.

## Results

${meta.table}
${meta.errors}
## Conclusion

${meta.conclusion}
`;
}

// ---------------------------------------------------------------- main

async function main() {
	const t0 = Date.now();
	fs.mkdirSync(TMP, { recursive: true });
	log(`HTTP client bench: ${fmt(SIZE / MiB)} MiB body, ${PART / MiB} MiB parts, ${REPS} reps, clients ${CLIENTS.join(',')}`);
	log(`peak RSS via ${HAVE_GNU_TIME ? '/usr/bin/time -v' : 'process.resourceUsage().maxRSS'}; temp dir ${TMP}`);
	const { child: serverProc, info } = await startHelper(SERVER, ['--size', String(SIZE)]);
	liveServer = serverProc;
	const server = { port: info.port, sha256: info.sha256, pid: serverProc.pid };
	log(`server pid ${serverProc.pid} on 127.0.0.1:${info.port}, sha256 ${info.sha256}`);
	const records = [];
	let repsDone = 0;
	try {
		for (let i = 0; i < WARMUP; i++) {
			const w = await measure({ client: 'curl', mode: 'full' }, server, { hash: false });
			log(`warm-up ${i + 1}/${WARMUP}: ${w.ok ? `${fmt(w.transferMs / 1000, 2)} s` : w.error}`);
		}
		const hashedOnce = new Set();
		const repStart = Date.now();
		for (let rep = 0; rep < REPS; rep++) {
			if (rep >= MIN_REPS && BUDGET_MS > 0) {
				const perRep = (Date.now() - repStart) / rep;
				if (Date.now() - t0 + perRep > BUDGET_MS) {
					log(`stopping after ${rep} repetitions: another would pass the ${BUDGET_MS / 1000} s budget`);
					break;
				}
			}
			repsDone = rep + 1;
			const order = [...IDLE_CONFIGS, ...CONFIGS.slice(rep % CONFIGS.length), ...CONFIGS.slice(0, rep % CONFIGS.length)];
			for (const cfg of order) {
				const key = `${cfg.client}/${cfg.mode}`;
				const rec = await measure(cfg, server, { hash: HASH_ALL || !hashedOnce.has(key) });
				if (rec.sha === 'ok') {
					hashedOnce.add(key);
				}
				rec.rep = rep;
				records.push(rec);
				const what = `[${rep + 1}/${REPS}] ${key.padEnd(22)}`;
				if (!rec.ok) {
					log(`${what} FAILED: ${rec.error}`);
				} else if (cfg.mode === 'idle') {
					log(`${what} idle RSS ${fmt(rec.rssKiB / 1024)} MiB, load ${fmt(rec.loadMs)} ms`);
				} else {
					log(
						`${what} ${fmt(rec.transferMs / 1000, 2)} s  ${fmt(SIZE / MiB / (rec.transferMs / 1000)).padStart(5)} MiB/s  cpu ${fmt(rec.cpuS, 2)} s  RSS ${fmt(rec.rssKiB / 1024)} MiB  conns ${rec.conns} reqs ${rec.reqs}${rec.sha ? ` sha ${rec.sha}` : ''}  other ${fmt(rec.preCores, 2)}/${fmt(rec.otherCores, 2)} cores`,
					);
				}
			}
		}
	} finally {
		serverProc.kill('SIGTERM');
	}

	const rows = summarise(records);
	const tbl = table(rows);
	const failures = rows.filter((r) => r.errors.length);
	const errors = failures.length
		? `\nFailures:\n\n${failures.map((r) => `- ${LABEL[r.client]} ${r.mode}: ${r.errors.join('; ')}`).join('\n')}\n`
		: '';
	const concl = conclusion(rows);
	const meta = {
		date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
		versions: versions(),
		machine: machine(),
		sha256: info.sha256,
		totalS: (Date.now() - t0) / 1000,
		gateS: gate.spentMs() / 1000,
		reps: repsDone,
		table: tbl,
		errors,
		conclusion: concl,
	};
	process.stdout.write(`\n${tbl}\n${errors}\n${concl}\n\n`);
	if (OUT !== '-') {
		fs.mkdirSync(path.dirname(path.resolve(OUT)), { recursive: true });
		fs.writeFileSync(OUT, markdown(rows, meta));
		log(`wrote ${path.relative(process.cwd(), path.resolve(OUT)) || OUT}`);
	}
	log(`total ${fmt(meta.totalS)} s (quiet-gate waits ${fmt(meta.gateS)} s)`);
	if (rows.some((r) => r.failed)) {
		process.exitCode = 1;
	}
}

await main();
