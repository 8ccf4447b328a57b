// `npm run bench`: how fast is a download with lark-dl (and the extension) compared with curl, and
// which part concurrency should be the default? Writes docs/benchmarks.md. Not part of `npm test`.
//
//   npm run build && node bench/download-bench.mjs          # full run (≈ 12–13 min on 2 cores)
//   node bench/download-bench.mjs --smoke                   # 64 MiB / 16 MiB, 1 rep, no doc (≈ 1.5 min)
//
// Options:
//   --size-mib N      main body (default 1024 = 1 GiB);  --small-mib N  second body for RSS (default 256; 0 = none)
//   --reps N          loopback repetitions, at least 3 unless fewer are asked for (default 5)
//   --proxy-reps N    repetitions through the throttling proxy, at least 2 (default 3)
//   --sweep-reps N    repetitions of the sweep points that are not rows of the main table (default 2)
//   --ext-reps N      extension-host downloads on loopback (default 3); --ext-proxy-reps N through the proxy (default 1)
//   --ext auto|on|off extension-host phase (auto: skipped with a reason when out/test/bench or code-server is missing)
//   --phases LIST     subset of calib,proxy,loopback,ext (default all, in that order)
//   --only REGEX      only the configurations whose id matches, e.g. 'loopback/main/(curl|cli/default)'
//   --cli FILE        benchmark another CLI bundle (e.g. a prototype build) instead of dist/cli.js
//   --budget-s N      repetitions beyond the minimum only while the run stays within N s (default 800)
//   --delay-ms N      proxy one-way delay (default 20 = 40 ms RTT); --rate-mibps N per-connection cap (default 25)
//   --tmpdir DIR      where downloads are written (default os.tmpdir()); each run's dir is deleted after it
//   --out FILE|-      markdown report (default docs/benchmarks.md; "-" = print only)
//   --quiet-cores X   before each run, wait until other processes use less than X cores (default 0.5) ...
//   --gate-s N        ... but at most N s per run and 120 s in total (default 10; 0 = no gate)
//   --render FILE     measure nothing: rewrite the report from a run's raw results (every run saves them as
//                     lark-dl-bench-results.json in --tmpdir), with the options of that run
//
// Method (details in the report): a Lark-compatible loopback server (bench/support/lark-bench-server.mjs) and a
// throttling TCP proxy (bench/support/throttle-proxy.mjs) each run in their own process. Every measured run is a
// fresh process wrapped in GNU `/usr/bin/time -v` (peak RSS, CPU): curl with a pre-issued token, or the built CLI
// `node dist/cli.js download …` with LARK_APP_ID/LARK_APP_SECRET/LARK_BASE_URL (it fetches its own token). Every
// output is checked for size and SHA-256, and the server must have sent exactly the body's size. The extension is
// measured in a real extension host: scripts/run-integration-tests.js with LARK_IT_SUITE pointing at
// out/test/bench/extensionHost.js (compiled from test/bench/extensionHost.ts), which runs the palette command.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { cleanUpOnInterrupt, cpuSnapshot, curlVersion, detectGnuTime, fmt, httpJson, log, machine, measureInTempDir, median, MiB, otherCores, parseGnuTime, quietGate, run, sha256File, startHelper, underGnuTime } from './support/measure.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const SERVER = path.join(HERE, 'support', 'lark-bench-server.mjs');
const PROXY = path.join(HERE, 'support', 'throttle-proxy.mjs');
const EXT_SUITE_REL = path.join('out', 'test', 'bench', 'extensionHost.js');
const EXT_SUITE = path.join(ROOT, EXT_SUITE_REL);
const EXT_SOURCE = path.join(ROOT, 'test', 'bench', 'extensionHost.ts');
const RUNNER = path.join(ROOT, 'scripts', 'run-integration-tests.js');
const MB = 1e6;

// ---------------------------------------------------------------- options

// --render FILE: no measuring, only rewrite the report from the raw results a run saved (same options as then).
const RENDER = (() => {
	const i = process.argv.indexOf('--render');
	return i >= 0 && i + 1 < process.argv.length ? JSON.parse(fs.readFileSync(process.argv[i + 1], 'utf8')) : null;
})();
const argv = RENDER ? RENDER.argv : process.argv.slice(2);
function opt(name, fallback) {
	const i = argv.indexOf(`--${name}`);
	return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
}
const SMOKE = argv.includes('--smoke');
const CLI = path.resolve(opt('cli', path.join(ROOT, 'dist', 'cli.js')));
const ONLY = opt('only', '') === '' ? null : new RegExp(opt('only', ''));
const MAIN_SIZE = Math.round(Number(opt('size-mib', SMOKE ? '64' : '1024')) * MiB);
const SMALL_SIZE = Math.round(Number(opt('small-mib', SMOKE ? '16' : '256')) * MiB);
const REPS = Number(opt('reps', SMOKE ? '1' : '5'));
const PROXY_REPS = Number(opt('proxy-reps', SMOKE ? '1' : '3'));
const SWEEP_REPS = Number(opt('sweep-reps', SMOKE ? '1' : '2'));
const EXT_REPS = Number(opt('ext-reps', SMOKE ? '1' : '3'));
const EXT_PROXY_REPS = Number(opt('ext-proxy-reps', '1'));
const EXT_MODE = opt('ext', 'auto');
const PHASES = opt('phases', 'calib,proxy,loopback,ext').split(',').filter(Boolean);
const BUDGET_MS = Number(opt('budget-s', '800')) * 1000;
const DELAY_MS = Number(opt('delay-ms', '20'));
const RATE_MIBPS = Number(opt('rate-mibps', '25'));
const TMP = path.resolve(opt('tmpdir', os.tmpdir()));
const OUT = opt('out', SMOKE ? '-' : path.join(ROOT, 'docs', 'benchmarks.md'));
const QUIET_CORES = Number(opt('quiet-cores', '0.5'));
const GATE_MS = Number(opt('gate-s', '10')) * 1000;
const GATE_BUDGET_MS = 120_000;
const RUN_TIMEOUT_MS = 300_000;
const RATE_LIMIT = 50; // Lark: 50 requests/s per API (the engine's budget aims at 45)
const TARGETS = { loopbackVsCurl: 1.1, rssMB: 100, proxySpeedup: 3, extVsCli: 1.2 };

for (const [name, value] of Object.entries({ MAIN_SIZE, REPS, PROXY_REPS, BUDGET_MS, DELAY_MS, RATE_MIBPS })) {
	if (!Number.isFinite(value) || value < 0) {
		throw new Error(`bad option for ${name}`);
	}
}
for (const p of PHASES) {
	if (!['calib', 'proxy', 'loopback', 'ext'].includes(p)) {
		throw new Error(`unknown phase ${p}; expected calib,proxy,loopback,ext`);
	}
}
if (!['auto', 'on', 'off'].includes(EXT_MODE)) {
	throw new Error('--ext must be auto, on or off');
}

const HAVE_GNU_TIME = RENDER ? RENDER.haveGnuTime : detectGnuTime();
const gate = quietGate({ quietCores: QUIET_CORES, gateMs: GATE_MS, budgetMs: GATE_BUDGET_MS });

// ---------------------------------------------------------------- helpers

const max = (xs) => (xs.filter(Number.isFinite).length ? Math.max(...xs.filter(Number.isFinite)) : NaN);
const mib = (bytes) => `${fmt(bytes / MiB)} MiB`;

// ---------------------------------------------------------------- configurations

/** The engine's defaults, read from the bundle, so "default" rows can stand in for the same sweep point. */
function cliDefaults() {
	const text = fs.existsSync(CLI) ? fs.readFileSync(CLI, 'utf8') : '';
	const conc = /\bDEFAULT_CONCURRENCY\s*=\s*(\d+)\s*;/.exec(text);
	const part = /\bDEFAULT_PART_SIZE\s*=\s*([\d\s*]+);/.exec(text);
	const partBytes = part ? part[1].split('*').reduce((a, b) => a * Number(b.trim()), 1) : NaN;
	return { concurrency: conc ? Number(conc[1]) : NaN, partSize: Number.isSafeInteger(partBytes) ? partBytes : NaN };
}

const DEFAULTS = RENDER ? RENDER.defaults : cliDefaults();
const SEQ = { conc: 1, part: 8 * MiB };

function cliLabel(c) {
	if (c.client === 'curl') {
		return 'curl';
	}
	if (c.client === 'ext') {
		return 'extension host (palette command)';
	}
	if (c.kind === 'default') {
		return 'lark-dl, default settings';
	}
	if (c.kind === 'seq') {
		return 'lark-dl, sequential (lark-cli-like)';
	}
	return 'lark-dl';
}

function settingsText(c) {
	if (c.client === 'curl') {
		return '`curl -o FILE URL`';
	}
	if (c.kind === 'default') {
		const d = Number.isFinite(DEFAULTS.concurrency) ? ` (= ${DEFAULTS.concurrency} × ${DEFAULTS.partSize / MiB} MiB)` : '';
		return `no flags${d}`;
	}
	if (c.client === 'ext') {
		return 'default settings';
	}
	return `\`--concurrency ${c.conc} --part-size ${c.part}\``;
}

/** Effective concurrency/part size of a config (defaults resolved). */
function effective(c) {
	if (c.kind === 'default' || c.client === 'ext') {
		return { conc: DEFAULTS.concurrency, part: DEFAULTS.partSize };
	}
	return { conc: c.conc, part: c.part };
}

function makeConfigs() {
	const list = [];
	const add = (c) => list.push({ ...c, id: `${c.net}/${c.body}/${c.client}/${c.kind}${c.kind === 'sweep' ? `/c${c.conc}p${c.part / MiB}` : ''}` });
	const isDefault = (conc, part) => conc === DEFAULTS.concurrency && part === DEFAULTS.partSize;
	const isSeq = (conc, part) => conc === SEQ.conc && part === SEQ.part;
	for (const net of ['proxy', 'loopback']) {
		for (const body of net === 'loopback' && SMALL_SIZE > 0 ? ['main', 'small'] : ['main']) {
			add({ net, body, client: 'curl', kind: 'ref' });
			add({ net, body, client: 'cli', kind: 'default' });
			add({ net, body, client: 'cli', kind: 'seq', ...SEQ });
		}
		const sweep = [[2, 8], [4, 8], [8, 8], [4, 16], [4, 32], [8, 16], [8, 32]];
		for (const [conc, partMiB] of sweep) {
			const part = partMiB * MiB;
			if (!isDefault(conc, part) && !isSeq(conc, part)) {
				add({ net, body: 'main', client: 'cli', kind: 'sweep', conc, part });
			}
		}
	}
	return list;
}

const CONFIGS = makeConfigs().filter((c) => ONLY === null || ONLY.test(c.id));

// ---------------------------------------------------------------- one run

const helpers = [];
cleanUpOnInterrupt(() => helpers);

/** Max number of requests whose arrivals fall within any 1000 ms window. */
function peakPerSecond(times) {
	const t = [...times].sort((a, b) => a - b);
	let best = 0;
	for (let i = 0, j = 0; i < t.length; i++) {
		while (t[i] - t[j] >= 1000) {
			j++;
		}
		best = Math.max(best, i - j + 1);
	}
	return best;
}

async function measure(cfg, env) {
	const body = env.bodies[cfg.body];
	const port = cfg.net === 'proxy' ? env.proxyPort : env.serverPort;
	const rec = { id: cfg.id, ok: false, error: '', wallMs: NaN, rssKiB: NaN, cpuS: NaN, otherCores: NaN, preCores: NaN };
	return measureInTempDir(TMP, 'lark-dl-bench-', rec, async (dir) => {
		const file = path.join(dir, 'body.bin');
		const timeFile = path.join(dir, 'time.txt');
		let inner;
		let childEnv;
		if (cfg.client === 'curl') {
			const url = `http://127.0.0.1:${port}/open-apis/im/v1/messages/${env.server.messageId}/resources/${body.key}?type=file`;
			inner = ['curl', '-s', '-S', '-f', '-o', file, '-H', `Authorization: Bearer ${env.token}`, '-w', '%{http_code} %{size_download} %{time_starttransfer} %{time_total}', url];
			childEnv = process.env;
		} else {
			inner = [process.execPath, CLI, 'download', '--message-id', env.server.messageId, '--file-key', body.key, '--type', 'file', '--output', 'body.bin'];
			if (cfg.kind !== 'default') {
				inner.push('--concurrency', String(cfg.conc), '--part-size', String(cfg.part));
			}
			const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LARK_')));
			fs.mkdirSync(path.join(dir, 'config'));
			childEnv = {
				...clean,
				LARK_APP_ID: env.server.appId,
				LARK_APP_SECRET: env.server.appSecret,
				LARK_BASE_URL: `http://127.0.0.1:${port}`,
				LARK_DL_CONFIG_DIR: path.join(dir, 'config'), // no stored user sign-in: the bot identity, as configured
			};
		}
		const cmd = underGnuTime(HAVE_GNU_TIME, timeFile, inner);
		const before = await httpJson(env.serverPort, 'GET', '/__stats');
		rec.preCores = await gate.wait(env.helperPids);
		const cpu0 = cpuSnapshot(env.helperPids);
		const r = await run(cmd, { cwd: dir, env: childEnv, timeoutMs: RUN_TIMEOUT_MS });
		const cpu1 = cpuSnapshot(env.helperPids);
		rec.wallMs = r.wallMs;
		if (r.code !== 0) {
			throw new Error(`exit ${r.code ?? r.signal}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
		}
		if (HAVE_GNU_TIME) {
			Object.assign(rec, parseGnuTime(fs.readFileSync(timeFile, 'utf8')));
		}
		rec.otherCores = otherCores(cpu0, cpu1, Number.isFinite(rec.cpuS) ? rec.cpuS : 0);
		const after = await httpJson(env.serverPort, 'GET', '/__stats');
		const entries = await httpJson(env.serverPort, 'GET', `/__log?since=${before.logLength}`);
		const mine = entries.filter((e) => e.kind === 'token' || e.key === body.key);
		const resources = mine.filter((e) => e.kind === 'resource');
		rec.requests = resources.length;
		rec.tokenRequests = mine.length - resources.length;
		rec.conns = after.connections - before.connections - 1; // minus the connection of the `after` query itself
		rec.maxActive = after.maxActive;
		rec.peakPerS = peakPerSecond(mine.map((e) => e.at));
		if (mine.length > 0) {
			// Server-side view of the run: start-up until the first request, the transfer, then the tail after
			// the last response was written (file sync, close, rename, exit).
			const firstAt = Math.min(...mine.map((e) => e.at));
			const lastEnd = Math.max(...resources.map((e) => e.end));
			const firstResource = Math.min(...resources.map((e) => e.at));
			rec.startupMs = firstAt - r.startEpoch;
			rec.tokenMs = firstResource - firstAt;
			rec.transferMs = lastEnd - firstResource;
			rec.tailMs = r.endEpoch - lastEnd;
		}
		const sent = (after.perKey[body.key]?.bytesSent ?? 0) - (before.perKey[body.key]?.bytesSent ?? 0);
		const size = fs.statSync(file).size;
		if (size !== body.size) {
			throw new Error(`downloaded ${size} bytes, expected ${body.size}`);
		}
		if (sent !== body.size) {
			throw new Error(`server sent ${sent} bytes for a ${body.size}-byte body (retries?)`);
		}
		const digest = await sha256File(file);
		if (digest !== body.sha256) {
			throw new Error(`SHA-256 ${digest} != expected ${body.sha256}`);
		}
		rec.sha = 'ok';
	});
}

// ---------------------------------------------------------------- phases

const records = [];

function describe(rec, body) {
	if (!rec.ok) {
		return `FAILED: ${rec.error}`;
	}
	return `${fmt(rec.wallMs / 1000, 2)} s  ${fmt(body.size / MiB / (rec.wallMs / 1000)).padStart(4)} MiB/s  RSS ${fmt(rec.rssKiB / 1024)} MiB  cpu ${fmt(rec.cpuS, 2)} s  reqs ${rec.requests} conns ${rec.conns} peak ${rec.peakPerS}/s  start ${fmt(rec.startupMs)} tail ${fmt(rec.tailMs)} ms  sha ok  other ${fmt(rec.preCores, 2)}/${fmt(rec.otherCores, 2)}`;
}

/**
 * Runs `configs` round-robin (order rotated every repetition): at least minReps, at most maxReps, and a
 * repetition beyond the minimum only if it is expected to end `reserveMs` before the budget.
 */
async function runPhase(name, allConfigs, env, { minReps, maxReps, reserveMs, t0 }) {
	const cost = new Map(); // config id -> ms its last run took, gate and verification included
	let done = 0;
	for (let rep = 0; rep < maxReps; rep++) {
		// Sweep points get fewer repetitions than the rows of the main table.
		const configs = allConfigs.filter((c) => c.kind !== 'sweep' || rep < SWEEP_REPS);
		if (configs.length === 0) {
			break;
		}
		if (rep >= minReps) {
			const nextMs = configs.reduce((a, c) => a + (cost.get(c.id) ?? 0), 0);
			if (Date.now() - t0 + nextMs + reserveMs > BUDGET_MS) {
				log(`[${name}] stopping after ${rep} repetitions: another (~${fmt(nextMs / 1000)} s) would pass the budget`);
				break;
			}
		}
		const k = rep % configs.length;
		for (const cfg of [...configs.slice(k), ...configs.slice(0, k)]) {
			const started = performance.now();
			const rec = await measure(cfg, env);
			cost.set(cfg.id, performance.now() - started);
			rec.rep = rep;
			records.push(rec);
			log(`[${name} ${rep + 1}/${maxReps}] ${cfg.id.padEnd(34)} ${describe(rec, env.bodies[cfg.body])}`);
		}
		done = rep + 1;
	}
	return done;
}

/** Curl through the proxy: request→first byte (RTT) for a 1-byte range, and the rate of one connection. */
async function calibrate(env) {
	const body = env.bodies.main;
	const urlFor = (port) => `http://127.0.0.1:${port}/open-apis/im/v1/messages/${env.server.messageId}/resources/${body.key}?type=file`;
	const curl = async (port, extra) => {
		const r = await run(['curl', '-s', '-S', '-f', '-o', '/dev/null', '-H', `Authorization: Bearer ${env.token}`, '-w', '%{time_connect} %{time_starttransfer} %{time_total} %{size_download}', ...extra, urlFor(port)], { timeoutMs: RUN_TIMEOUT_MS });
		if (r.code !== 0) {
			throw new Error(`calibration curl failed: ${r.stderr.trim()}`);
		}
		const [connect, ttfb, total, size] = r.stdout.trim().split(' ').map(Number);
		return { connect, ttfb, total, size };
	};
	const out = { direct: [], proxy: [] };
	for (let i = 0; i < 5; i++) {
		out.direct.push(await curl(env.serverPort, ['-r', '0-0']));
		out.proxy.push(await curl(env.proxyPort, ['-r', '0-0']));
	}
	const n = Math.min(body.size, 64 * MiB);
	const rate = await curl(env.proxyPort, ['-r', `0-${n - 1}`]);
	const result = {
		rttDirectMs: median(out.direct.map((x) => (x.ttfb - x.connect) * 1000)),
		rttProxyMs: median(out.proxy.map((x) => (x.ttfb - x.connect) * 1000)),
		rateBytes: n,
		rateTotalS: rate.total,
		rateMiBps: n / MiB / (rate.total - rate.ttfb),
		rateOk: rate.size === n,
	};
	log(`[calib] request→first byte: direct ${fmt(result.rttDirectMs, 1)} ms, via proxy ${fmt(result.rttProxyMs, 1)} ms; one connection via proxy: ${fmt(result.rateMiBps, 1)} MiB/s (${mib(n)} in ${fmt(rate.total, 2)} s)`);
	return result;
}

// ---------------------------------------------------------------- extension host

function extPrerequisites() {
	const problems = [];
	if (!fs.existsSync(path.join(ROOT, 'dist', 'extension.js'))) {
		problems.push('dist/extension.js is missing (npm run build)');
	}
	if (!fs.existsSync(RUNNER)) {
		problems.push('scripts/run-integration-tests.js is missing');
	} else if (!fs.readFileSync(RUNNER, 'utf8').includes('LARK_IT_SUITE')) {
		problems.push('scripts/run-integration-tests.js does not support LARK_IT_SUITE');
	}
	// Chromium and code-server are not checked here: the runner installs them on first use.
	return problems;
}

/** Compiles test/bench/extensionHost.ts when its output is missing or older (tsc -p tsconfig.test.json, no clean). */
function ensureExtSuite() {
	const stale = !fs.existsSync(EXT_SUITE) || fs.statSync(EXT_SUITE).mtimeMs < fs.statSync(EXT_SOURCE).mtimeMs;
	if (!stale) {
		return undefined;
	}
	log('[ext] compiling the test tree (tsc -p tsconfig.test.json) for out/test/bench/extensionHost.js');
	const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
	const r = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.test.json')], { cwd: ROOT, encoding: 'utf8' });
	if (!fs.existsSync(EXT_SUITE)) {
		return `could not compile ${EXT_SUITE_REL}: ${(r.stdout + r.stderr).trim().split('\n').slice(0, 5).join(' | ')}`;
	}
	return undefined;
}

async function measureExtension(env, t0) {
	const result = { status: 'skipped', reason: '', runs: [], wallS: NaN, otherCores: NaN };
	if (EXT_MODE === 'off') {
		result.reason = '`--ext off`';
		return result;
	}
	const problems = extPrerequisites();
	const compileProblem = problems.length ? undefined : ensureExtSuite();
	if (compileProblem) {
		problems.push(compileProblem);
	}
	if (problems.length) {
		result.reason = problems.join('; ');
		if (EXT_MODE === 'on') {
			result.status = 'failed';
		}
		return result;
	}
	const body = env.bodies.main;
	const perDownloadS = body.size / MiB / 150 + 3;
	let proxyReps = env.proxyPort ? EXT_PROXY_REPS : 0;
	const proxyCostMs = proxyReps * (body.size / MiB / (RATE_MIBPS * Math.max(1, DEFAULTS.concurrency || 1)) + 3) * 1000;
	if (proxyReps > 0 && Date.now() - t0 + 60_000 + EXT_REPS * perDownloadS * 1000 + proxyCostMs > BUDGET_MS) {
		log('[ext] skipping the proxy round: it would pass the budget');
		proxyReps = 0;
	}
	const rounds = [{ label: 'loopback', baseUrl: `http://127.0.0.1:${env.serverPort}`, reps: EXT_REPS }];
	if (proxyReps > 0) {
		rounds.push({ label: 'proxy', baseUrl: `http://127.0.0.1:${env.proxyPort}`, reps: proxyReps });
	}
	const plan = { appId: env.server.appId, appSecret: env.server.appSecret, messageId: env.server.messageId, fileKey: body.key, size: body.size, sha256: body.sha256, rounds, settleMs: 3000 };
	if (env.bodies.small) {
		plan.warmup = { fileKey: env.bodies.small.key, size: env.bodies.small.size };
	}
	const timeoutS = Math.round(240 + rounds.reduce((a, r) => a + r.reps, 0) * perDownloadS * 3);
	await gate.wait(env.helperPids);
	const cpu0 = cpuSnapshot(env.helperPids);
	log(`[ext] starting the extension host (code-server or VS Code desktop) with ${rounds.map((r) => `${r.reps}× ${r.label}`).join(', ')}`);
	const r = await run([process.execPath, RUNNER], {
		cwd: ROOT,
		timeoutMs: (timeoutS + 30) * 1000,
		env: {
			...process.env,
			LARK_IT_SUITE: EXT_SUITE_REL,
			LARK_INTEGRATION_ENV: JSON.stringify({ LARK_BENCH_PLAN: JSON.stringify(plan) }),
			LARK_INTEGRATION_TIMEOUT: String(timeoutS),
		},
		onLine: (line) => {
			if (line.startsWith('LARK_BENCH ')) {
				const run1 = JSON.parse(line.slice('LARK_BENCH '.length));
				result.runs.push(run1);
				log(`[ext] ${run1.label} #${run1.rep + 1}: ${run1.ok ? `${fmt(run1.ms / 1000, 2)} s  ${fmt(body.size / MiB / (run1.ms / 1000))} MiB/s  host CPU ${fmt(run1.cpuMs / 1000, 2)} s  sha ok` : `FAILED: ${run1.error}`}`);
			} else if (line.startsWith('LARK_BENCH_WARMUP ')) {
				result.warmupMs = JSON.parse(line.slice('LARK_BENCH_WARMUP '.length)).ms;
				log(`[ext] untimed warm-up download (${mib(env.bodies.small.size)}) took ${fmt(JSON.parse(line.slice('LARK_BENCH_WARMUP '.length)).ms / 1000, 2)} s, then a 3 s pause`);
			} else if (line.startsWith('LARK_BENCH_ERROR')) {
				log(`[ext] ${line}`);
			}
		},
	});
	const cpu1 = cpuSnapshot(env.helperPids);
	result.wallS = r.wallMs / 1000;
	result.otherCores = otherCores(cpu0, cpu1, 0); // includes code-server + Chromium + the extension host itself
	if (r.code !== 0 || result.runs.length === 0 || result.runs.some((x) => !x.ok)) {
		result.status = 'failed';
		const tail = r.stderr.trim().split('\n').slice(-6).join(' | ');
		result.reason = `runner exit ${r.code ?? r.signal}${tail ? `: ${tail}` : ''}`;
		log(`[ext] FAILED: ${result.reason}`);
	} else {
		result.status = 'ok';
	}
	return result;
}

// ---------------------------------------------------------------- summary

function rowsFor(filter) {
	return CONFIGS.filter(filter).filter((cfg) => records.some((r) => r.id === cfg.id)).map((cfg) => {
		const mine = records.filter((r) => r.id === cfg.id);
		const good = mine.filter((r) => r.ok);
		const size = cfg.body === 'main' ? MAIN_SIZE : SMALL_SIZE;
		const wall = median(good.map((r) => r.wallMs)) / 1000;
		return {
			cfg,
			size,
			runs: mine.length,
			okRuns: good.length,
			errors: [...new Set(mine.filter((r) => !r.ok).map((r) => r.error))],
			wallS: wall,
			minS: Math.min(...good.map((r) => r.wallMs)) / 1000,
			maxS: Math.max(...good.map((r) => r.wallMs)) / 1000,
			mibps: size / MiB / wall,
			rssMiB: median(good.map((r) => r.rssKiB)) / 1024,
			rssMaxMiB: max(good.map((r) => r.rssKiB)) / 1024,
			cpuS: median(good.map((r) => r.cpuS)),
			requests: median(good.map((r) => r.requests)),
			conns: median(good.map((r) => r.conns)),
			peakPerS: max(good.map((r) => r.peakPerS)),
			startupMs: median(good.map((r) => r.startupMs)),
			tokenMs: median(good.map((r) => r.tokenMs)),
			transferMs: median(good.map((r) => r.transferMs)),
			tailMs: median(good.map((r) => r.tailMs)),
			otherCores: median(good.map((r) => r.otherCores)),
			otherMax: max(good.map((r) => r.otherCores)),
		};
	});
}

const find = (rows, net, body, kind, client = 'cli') => rows.find((r) => r.cfg.net === net && r.cfg.body === body && r.cfg.kind === kind && r.cfg.client === client && r.okRuns > 0);

function mainTable(rows, ext) {
	const head = ['Network', 'Body', 'Client', 'Settings', 'OK runs', 'Median wall (s)', 'min–max (s)', 'MiB/s', '× curl wall', 'Peak RSS MiB median (max)', 'CPU s', 'Requests / conns', 'Peak req/s', 'Other load, cores (max)'];
	const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 4 ? ' --- ' : ' ---: ')).join('|')}|`];
	const order = [];
	for (const net of ['loopback', 'proxy']) {
		for (const body of ['main', 'small']) {
			for (const kind of ['ref', 'default', 'seq']) {
				const r = rows.find((x) => x.cfg.net === net && x.cfg.body === body && x.cfg.kind === kind);
				if (r) {
					order.push(r);
				}
			}
			if (body === 'main' && ext?.rows[net]) {
				order.push(ext.rows[net]);
			}
		}
	}
	for (const r of order) {
		const curl = find(rows, r.cfg.net, r.cfg.body, 'ref', 'curl');
		const netLabel = r.cfg.net === 'proxy' ? `proxy (${DELAY_MS * 2} ms RTT, ${RATE_MIBPS} MiB/s per conn.)` : 'loopback';
		if (r.okRuns === 0) {
			lines.push(`| ${[netLabel, mib(r.size), cliLabel(r.cfg), settingsText(r.cfg), `0/${r.runs}`, 'FAILED', ...head.slice(6).map(() => '')].join(' | ')} |`);
			continue;
		}
		const isExt = r.cfg.client === 'ext';
		lines.push(`| ${[
			netLabel,
			mib(r.size),
			cliLabel(r.cfg) + (r.okRuns < r.runs ? ' ⚠' : ''),
			settingsText(r.cfg),
			`${r.okRuns}/${r.runs}`,
			`**${fmt(r.wallS, 2)}**`,
			`${fmt(r.minS, 2)}–${fmt(r.maxS, 2)}`,
			fmt(r.mibps, r.mibps < 100 ? 1 : 0),
			r.cfg.client === 'curl' ? '1.00' : curl ? `**${fmt(r.wallS / curl.wallS, 2)}**` : 'n/a',
			isExt ? `(host: ${fmt(r.rssMaxMiB)})` : `${fmt(r.rssMiB)} (${fmt(r.rssMaxMiB)})`,
			isExt ? `(host: ${fmt(r.cpuS, 2)})` : fmt(r.cpuS, 2),
			isExt ? '–' : `${fmt(r.requests)} / ${fmt(r.conns)}`,
			isExt ? '–' : fmt(r.peakPerS),
			isExt ? `${fmt(r.otherCores, 2)}*` : `${fmt(r.otherCores, 2)} (${fmt(r.otherMax, 2)})`,
		].join(' | ')} |`);
	}
	return lines.join('\n');
}

function breakdownTable(rows) {
	const head = ['Network', 'Client', 'Settings', 'Start-up → first request (ms)', 'Token → first part request (ms)', 'Part requests → last byte sent (s)', 'Last byte sent → exit (ms)', 'Wall (s)'];
	const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 3 ? ' --- ' : ' ---: ')).join('|')}|`];
	for (const r of rows.filter((x) => x.cfg.body === 'main' && x.okRuns > 0 && x.cfg.kind !== 'sweep')) {
		lines.push(`| ${[r.cfg.net, cliLabel(r.cfg), settingsText(r.cfg), fmt(r.startupMs), r.cfg.client === 'curl' ? '–' : fmt(r.tokenMs), fmt(r.transferMs / 1000, 2), fmt(r.tailMs), fmt(r.wallS, 2)].join(' | ')} |`);
	}
	return lines.join('\n');
}

function sweepData(rows) {
	const point = (net, conc, part) => {
		const r = rows.find((x) => {
			if (x.cfg.net !== net || x.cfg.body !== 'main' || x.cfg.client !== 'cli' || x.okRuns === 0) {
				return false;
			}
			const e = effective(x.cfg);
			return e.conc === conc && e.part === part;
		});
		return r;
	};
	const concs = [1, 2, 4, 8];
	const parts = [8 * MiB, 16 * MiB, 32 * MiB];
	const grid = [];
	for (const part of parts) {
		for (const conc of concs) {
			const p = point('proxy', conc, part);
			const l = point('loopback', conc, part);
			if (p || l) {
				grid.push({ conc, part, proxy: p, loopback: l });
			}
		}
	}
	return grid;
}

function sweepTable(grid) {
	const seqP = grid.find((g) => g.conc === 1 && g.part === 8 * MiB)?.proxy;
	const head = ['Concurrency', 'Part size', 'Proxy: median wall (s)', 'Proxy MiB/s', 'Speed-up vs sequential', 'Proxy runs', 'Loopback: median wall (s)', 'Loopback MiB/s', 'Loopback runs', 'Score √(proxy × loopback) (s)', 'Peak RSS MiB median (worst), both networks', 'Peak req/s'];
	const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' ---: ').join('|')}|`];
	for (const g of grid) {
		const rss = `${fmt(max([g.proxy?.rssMiB, g.loopback?.rssMiB]))} (${fmt(max([g.proxy?.rssMaxMiB, g.loopback?.rssMaxMiB]))})`;
		const peak = max([g.proxy?.peakPerS, g.loopback?.peakPerS]);
		const dflt = g.conc === DEFAULTS.concurrency && g.part === DEFAULTS.partSize ? ' (default)' : '';
		lines.push(`| ${[
			`${g.conc}${dflt}`,
			`${g.part / MiB} MiB`,
			g.proxy ? `**${fmt(g.proxy.wallS, 2)}**` : '–',
			g.proxy ? fmt(g.proxy.mibps, 1) : '–',
			g.proxy && seqP ? `${fmt(seqP.wallS / g.proxy.wallS, 2)}×` : '–',
			g.proxy ? `${g.proxy.okRuns}/${g.proxy.runs}` : '–',
			g.loopback ? fmt(g.loopback.wallS, 2) : '–',
			g.loopback ? fmt(g.loopback.mibps) : '–',
			g.loopback ? `${g.loopback.okRuns}/${g.loopback.runs}` : '–',
			g.proxy && g.loopback ? fmt(Math.sqrt(g.proxy.wallS * g.loopback.wallS), 2) : '–',
			rss,
			fmt(peak),
		].join(' | ')} |`);
	}
	return lines.join('\n');
}

/**
 * The default concurrency, from c = 1, 2, 4, 8 with 8 MiB parts. A default has to serve both ends of what users
 * have: a fast local link (loopback) and a long link that limits each connection (the proxy). So: drop settings
 * whose median peak RSS passes 100 MB or whose request rate passes Lark's limit; score the rest by the geometric
 * mean of their median wall times on the two networks (equal weight to a relative slowdown on either); take the
 * smallest concurrency within 5 % of the best score (fewer connections for the same result).
 */
function recommend(grid) {
	const candidates = grid.filter((g) => g.part === 8 * MiB && g.proxy).sort((a, b) => a.conc - b.conc);
	if (candidates.length < 2) {
		return { text: 'Not enough sweep points through the proxy to recommend a default.', conc: NaN };
	}
	const rssMedian = (g) => max([g.proxy?.rssMiB, g.loopback?.rssMiB]);
	const rssWorst = (g) => max([g.proxy?.rssMaxMiB, g.loopback?.rssMaxMiB]);
	const peakOf = (g) => max([g.proxy?.peakPerS, g.loopback?.peakPerS]);
	const score = (g) => (g.loopback ? Math.sqrt(g.proxy.wallS * g.loopback.wallS) : g.proxy.wallS);
	const excluded = [];
	const eligible = candidates.filter((g) => {
		const reasons = [];
		if (rssMedian(g) * MiB > TARGETS.rssMB * MB) {
			reasons.push(`median peak RSS ${fmt((rssMedian(g) * MiB) / MB, 1)} MB > 100 MB`);
		}
		if (peakOf(g) > RATE_LIMIT) {
			reasons.push(`${peakOf(g)} requests/s > ${RATE_LIMIT}`);
		}
		if (reasons.length) {
			excluded.push(`c=${g.conc} (${reasons.join(', ')})`);
		}
		return reasons.length === 0;
	});
	const pool = eligible.length ? eligible : candidates;
	const best = Math.min(...pool.map(score));
	const pick = pool.find((g) => score(g) <= 1.05 * best) ?? pool[0];
	const seq = candidates.find((g) => g.conc === 1)?.proxy;
	const point = (g) =>
		`c=${g.conc}: proxy ${fmt(g.proxy.wallS, 2)} s${seq ? ` (${fmt(seq.wallS / g.proxy.wallS, 2)}× sequential)` : ''}${g.loopback ? `, loopback ${fmt(g.loopback.wallS, 2)} s` : ''}, score ${fmt(score(g), 2)} s, peak RSS ${fmt((rssMedian(g) * MiB) / MB, 1)} MB median / ${fmt((rssWorst(g) * MiB) / MB, 1)} MB worst`;
	const text = [
		`**Recommended default part concurrency: ${pick.conc}** (8 MiB parts).`,
		`Rule: drop settings whose median peak RSS passes 100 MB or whose request rate passes ${RATE_LIMIT}/s${excluded.length ? ` (dropped: ${excluded.join('; ')})` : ' (none dropped)'}${eligible.length ? '' : ' — all were, so the rule ran on all of them'};`,
		'score the rest by √(proxy wall × loopback wall), the geometric mean of the two networks; take the smallest concurrency within 5 % of the best score.',
		`Measured: ${candidates.map(point).join('; ')}.`,
		pick.conc === DEFAULTS.concurrency
			? `This is the current default (DEFAULT_CONCURRENCY = ${DEFAULTS.concurrency}).`
			: `The current default is ${fmt(DEFAULTS.concurrency)}: set DEFAULT_CONCURRENCY in src/core/download/downloadOptions.ts and the \`larkDownloader.partConcurrency\` default (package.json, src/extension/storage/settings.ts) to ${pick.conc}.`,
	];
	return { text: text.join(' '), conc: pick.conc };
}

function extRows(ext) {
	const rows = {};
	if (!ext || ext.status !== 'ok') {
		return rows;
	}
	for (const net of ['loopback', 'proxy']) {
		const runs = ext.runs.filter((r) => r.label === net);
		if (runs.length === 0) {
			continue;
		}
		const good = runs.filter((r) => r.ok);
		const wall = median(good.map((r) => r.ms)) / 1000;
		rows[net] = {
			cfg: { net, body: 'main', client: 'ext', kind: 'ext' },
			size: MAIN_SIZE,
			runs: runs.length,
			okRuns: good.length,
			errors: [],
			wallS: wall,
			minS: Math.min(...good.map((r) => r.ms)) / 1000,
			maxS: Math.max(...good.map((r) => r.ms)) / 1000,
			mibps: MAIN_SIZE / MiB / wall,
			rssMiB: NaN,
			rssMaxMiB: max(good.map((r) => r.maxRssKiB)) / 1024,
			cpuS: median(good.map((r) => r.cpuMs)) / 1000,
			otherCores: ext.otherCores,
		};
	}
	return rows;
}

function targets(rows, ext) {
	const out = [];
	const verdict = (ok) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**not met**');
	const loopCurl = find(rows, 'loopback', 'main', 'ref', 'curl');
	const loopDef = find(rows, 'loopback', 'main', 'default');
	const r1 = loopCurl && loopDef ? loopDef.wallS / loopCurl.wallS : NaN;
	out.push(['lark-dl (default) ≤ 1.10× curl wall time, loopback, ' + mib(MAIN_SIZE), Number.isFinite(r1) ? `${fmt(r1, 2)}× (${fmt(loopDef.wallS, 2)} s vs ${fmt(loopCurl.wallS, 2)} s)` : 'n/a', verdict(Number.isFinite(r1) ? r1 <= TARGETS.loopbackVsCurl : undefined)]);
	for (const body of SMALL_SIZE > 0 ? ['small', 'main'] : ['main']) {
		const cli = rows.filter((r) => r.cfg.client === 'cli' && r.cfg.body === body && r.okRuns > 0 && r.cfg.kind !== 'sweep');
		const worst = max(cli.map((r) => r.rssMaxMiB));
		const which = cli.find((r) => r.rssMaxMiB === worst);
		out.push([
			`lark-dl peak RSS ≤ 100 MB, ${mib(body === 'main' ? MAIN_SIZE : SMALL_SIZE)} (worst run, default and sequential settings, both networks)`,
			Number.isFinite(worst) ? `${fmt((worst * MiB) / MB, 1)} MB = ${fmt(worst, 1)} MiB (${which ? `${which.cfg.net}, ${settingsText(which.cfg)}` : ''})` : 'n/a',
			verdict(Number.isFinite(worst) ? worst * MiB <= TARGETS.rssMB * MB : undefined),
		]);
	}
	const over = rows.filter((r) => r.cfg.client === 'cli' && r.cfg.kind === 'sweep' && r.rssMaxMiB * MiB > TARGETS.rssMB * MB);
	if (over.length) {
		out.push([
			'(for information) sweep settings with a run over 100 MB',
			over.map((r) => `${r.cfg.net} c=${r.cfg.conc} ${r.cfg.part / MiB} MiB: ${fmt((r.rssMaxMiB * MiB) / MB, 1)} MB worst, ${fmt((r.rssMiB * MiB) / MB, 1)} MB median`).join('; '),
			'–',
		]);
	}
	const pDef = find(rows, 'proxy', 'main', 'default');
	const pSeq = find(rows, 'proxy', 'main', 'seq');
	const s = pDef && pSeq ? pSeq.wallS / pDef.wallS : NaN;
	out.push(['lark-dl (default) ≥ 3× faster than sequential 8 MiB mode through the proxy', Number.isFinite(s) ? `${fmt(s, 2)}× (${fmt(pDef.wallS, 2)} s vs ${fmt(pSeq.wallS, 2)} s)` : 'n/a', verdict(Number.isFinite(s) ? s >= TARGETS.proxySpeedup : undefined)]);
	for (const net of ['loopback', 'proxy']) {
		const e = ext?.rows?.[net];
		const c = find(rows, net, 'main', 'default');
		const ratio = e && c ? e.wallS / c.wallS : NaN;
		if (net === 'proxy' && !e) {
			continue;
		}
		out.push([`Extension host within 1.2× of lark-dl (default), ${net}`, Number.isFinite(ratio) ? `${fmt(ratio, 2)}× (${fmt(e.wallS, 2)} s vs ${fmt(c.wallS, 2)} s)` : `n/a${ext?.status === 'ok' ? '' : ` (extension host ${ext?.status ?? 'not run'}${ext?.reason ? `: ${ext.reason}` : ''})`}`, verdict(Number.isFinite(ratio) ? ratio <= TARGETS.extVsCli : undefined)]);
	}
	return out;
}

/** Where lark-dl's loopback wall time goes compared with curl, from this run's own numbers. */
function analysis(rows) {
	const curl = find(rows, 'loopback', 'main', 'ref', 'curl');
	const cli = find(rows, 'loopback', 'main', 'default');
	if (!curl || !cli) {
		return '';
	}
	const gap = cli.wallS - curl.wallS;
	const spacingMs = 1000 / 45; // src/core/http/requestBudget.ts: 45 requests/s, started evenly
	const floorS = ((cli.requests - 1) * spacingMs) / 1000;
	const tailExtra = (cli.tailMs - curl.tailMs) / 1000;
	const startExtra = (cli.startupMs + cli.tokenMs - curl.startupMs) / 1000;
	const transferExtra = cli.transferMs / 1000 - curl.transferMs / 1000;
	const pct = (x) => `${fmt((x / gap) * 100)} %`;
	const p16 = rows.find((r) => r.cfg.net === 'loopback' && r.cfg.kind === 'sweep' && r.cfg.conc === DEFAULTS.concurrency && r.cfg.part === 16 * MiB && r.okRuns > 0);
	const lines = [
		`lark-dl (default) takes ${fmt(gap, 2)} s longer than curl on loopback (${fmt(cli.wallS, 2)} s vs ${fmt(curl.wallS, 2)} s). By phase (medians):`,
		`- **After the last byte: +${fmt(tailExtra, 2)} s (${pct(tailExtra)}).** curl exits ${fmt(curl.tailMs)} ms after the server sent its last byte, lark-dl ${fmt(cli.tailMs)} ms: it \`fsync\`s the whole .part file (forcing ${mib(MAIN_SIZE)} from the page cache to the disk) before renaming it; curl leaves the data in the page cache.`,
		`- **Transfer: +${fmt(transferExtra, 2)} s (${pct(transferExtra)}).** ${fmt(cli.requests)} ranged requests; the request budget (45/s, started evenly ${fmt(spacingMs, 1)} ms apart) alone needs ≥ ${fmt(floorS, 2)} s for them, and the peak rate was ${fmt(cli.peakPerS)}/s${cli.peakPerS >= 40 ? `, so with ${mib(DEFAULTS.partSize)} parts the budget, not the link, sets the pace on loopback (≤ ${fmt((45 * DEFAULTS.partSize) / MiB)} MiB/s)` : ', below the budget'}${p16 ? `; with 16 MiB parts (half the requests) the median was ${fmt(p16.wallS, 2)} s` : ''}. The client also spends ${fmt(cli.cpuS, 2)} CPU-s against curl's ${fmt(curl.cpuS, 2)} on a machine whose ${machine().nproc} cores it shares with the server.`,
		`- **Start-up, token and probe: +${fmt(startExtra, 2)} s (${pct(startExtra)}).** Node and the CLI bundle need ${fmt(cli.startupMs)} ms to the first request (curl ${fmt(curl.startupMs)} ms); the token request and the probe take ${fmt(cli.tokenMs)} ms more.`,
	];
	return lines.join('\n');
}

function versions() {
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	return {
		node: process.version,
		curl: curlVersion(),
		version: pkg.version,
	};
}

function markdown(meta) {
	const v = meta.versions;
	const m = meta.machine;
	const calib = meta.calib;
	const ext = meta.ext;
	const extLine = !ext
		? 'not run (`--phases` without ext)'
		: ext.status === 'ok'
			? `${ext.runs.filter((r) => r.ok).length} timed downloads, in order: ${ext.runs.map((r) => `${r.label} ${fmt(r.ms / 1000, 2)} s (host CPU ${fmt(r.cpuMs / 1000, 1)} s)`).join(', ')}; after an untimed warm-up${Number.isFinite(ext.warmupMs) ? ` (${fmt(ext.warmupMs / 1000, 2)} s)` : ''}; extension host on Node ${ext.runs[0]?.node ?? '?'}; the runner took ${fmt(ext.wallS)} s in total`
			: `${ext.status}: ${ext.reason}`;
	const failures = meta.rows.filter((r) => r.errors.length);
	const errors = failures.length ? `\nFailed runs (excluded from the medians):\n\n${failures.map((r) => `- ${r.cfg.id}: ${r.errors.join('; ')}`).join('\n')}\n` : '';
	const tgt = meta.targets.map(([what, value, ok]) => `| ${what} | ${value} | ${ok} |`).join('\n');
	return `# Download benchmark: lark-dl and the extension against curl

Generated by \`npm run bench\` (\`node bench/download-bench.mjs\`) on ${meta.date}; the tables below come from that one run.
Rerun with \`npm run bench\`; this file is overwritten. Not part of \`npm test\`.

## Targets

| Target | Measured | Verdict |
| --- | --- | --- |
${tgt}

${meta.recommendation.text}

## Environment

| | |
| --- | --- |
| Machine | ${m.nproc} CPUs (\`nproc\`), ${m.cpu}, ${fmt(m.memGiB, 1)} GiB RAM, ${m.os} |
| Software | Node ${v.node} (CLI), ${v.curl}, lark-downloader ${v.version} (\`${path.relative(ROOT, CLI)}\`, engine defaults: concurrency ${fmt(DEFAULTS.concurrency)}, part size ${fmt(DEFAULTS.partSize / MiB)} MiB) |
| Bodies | ${meta.bodies.map((b) => `${mib(b.size)} (${b.size} bytes) SHA-256 \`${b.sha256}\``).join('; ')} |
| Repetitions | loopback ${meta.reps.loopback ?? 0} (asked ${REPS}), proxy ${meta.reps.proxy ?? 0} (asked ${PROXY_REPS}); sweep points that are not main-table rows at most ${SWEEP_REPS}; budget ${BUDGET_MS / 1000} s |
| Total time | ${fmt(meta.totalS)} s, of which quiet-gate waits ${fmt(meta.gateS)} s |
| Extension host | ${extLine} |

## Results (${mib(MAIN_SIZE)}${SMALL_SIZE > 0 ? ` and ${mib(SMALL_SIZE)}` : ''})

${meta.mainTable}
${errors}
\\* Extension host rows: the wall time is measured inside the extension host around
\`executeCommand('larkDownloader.downloadResource', …)\`; "host" RSS and CPU are those of the whole extension host
process (every built-in extension included), so they are not comparable with the CLI's, and "other load" there
includes code-server and Chromium.

## Concurrency and part size sweep (${mib(MAIN_SIZE)})

${meta.sweepTable}

Speed-up = sequential (\`--concurrency 1 --part-size 8388608\`) median wall through the proxy ÷ this row's.
The proxy caps each connection, not the sum, so through it N connections may carry up to N × ${RATE_MIBPS} MiB/s; on
this machine the CPU (client, proxy and server share ${m.nproc} cores) and the request budget limit the rest.

## Where the time goes (medians, ${mib(MAIN_SIZE)}, server-side timestamps)

${meta.breakdownTable}

${meta.analysis}

*Start-up* runs from spawn to the first request reaching the server (Node start-up, loading the CLI bundle,
reading the environment; for curl its own start-up). *Token → first part request* is the token request plus the
probe. *Last byte sent → exit* is what follows the transfer: the last bytes still in flight (through the proxy up
to its queue), writing them, \`fsync\`, closing and renaming the \`.part\` file, the resume record, process exit.

## Shaping check (curl through the proxy)

| | direct | through the proxy |
| --- | ---: | ---: |
| request → first byte, 1-byte range (median of 5) | ${fmt(calib?.rttDirectMs, 1)} ms | ${fmt(calib?.rttProxyMs, 1)} ms (set: ${DELAY_MS * 2} ms RTT) |
| one connection, ${calib ? mib(calib.rateBytes) : 'n/a'} | – | ${fmt(calib?.rateMiBps, 1)} MiB/s after the first byte (cap: ${RATE_MIBPS} MiB/s) |

## Method

- **Server:** \`bench/support/lark-bench-server.mjs\`, its own process on 127.0.0.1: the tenant-token endpoint
  and the message-resource endpoint (\`GET /open-apis/im/v1/messages/{id}/resources/{key}?type=file\`, Bearer
  token checked) with single \`Range\` support (206 + Content-Range, 416), Content-Length, identity encoding,
  keep-alive. Bodies are generated (one 1 MiB mulberry32 block repeated), never stored. It logs every request with
  its arrival and completion time, which gives the request counts, the peak requests per second (any 1000 ms
  window; Lark allows ${RATE_LIMIT}/s) and the breakdown above.
- **Proxy:** \`bench/support/throttle-proxy.mjs\`, its own process: a TCP proxy that delays every data chunk by
  ${DELAY_MS} ms each way (${DELAY_MS * 2} ms round trip) after serialising it at ${RATE_MIBPS} MiB/s per connection and direction
  (no burst), with at most 4 MiB queued per direction (then TCP back-pressure). Connection set-up is not delayed.
  The shaping check above is measured with curl before the runs.
- **Clients:** each run is a fresh process wrapped in ${HAVE_GNU_TIME ? 'GNU `/usr/bin/time -v` (peak RSS = "Maximum resident set size", CPU = user + system)' : 'no GNU time (RSS/CPU not available)'}, writing into a fresh temp dir
  under \`${TMP}\` that is deleted after the run:
  - curl: \`curl -s -f -o FILE -H "Authorization: Bearer …" URL\`, one GET, with a token issued beforehand.
  - lark-dl: \`node dist/cli.js download --message-id om_bench --file-key KEY --type file --output body.bin\`
    (+ \`--concurrency N --part-size BYTES\` where shown) with \`LARK_APP_ID\`, \`LARK_APP_SECRET\`,
    \`LARK_BASE_URL\` and an empty config dir; it requests its own token, probes, fetches parts, fsyncs and renames.
  - extension host: \`scripts/run-integration-tests.js\` with \`LARK_IT_SUITE=${EXT_SUITE_REL}\` (from
    \`test/bench/extensionHost.ts\`): a real extension host (code-server + headless Chromium on a headless machine)
    that signs in with \`larkDownloader.signIn\`, sets \`larkDownloader.baseUrl\` (global), and runs
    \`larkDownloader.downloadResource\` with {messageId, fileKey, type: 'file'} and default settings, timing the command;
    it checks size and SHA-256 and deletes the file. One untimed download of the smaller body and a 3 s pause come
    first, so the timed runs do not include the workbench still starting up. The file lands in the workspace folder
    (\`lark-downloads/\`), as it would for a user, so VS Code's file watcher sees it too.
- **Timing:** wall time is spawn to exit as seen by the harness (the user's view: start-up, token, probe,
  transfer, fsync, rename). MiB/s = body size ÷ median wall time. × curl = this row's median ÷ curl's, same network
  and body.
- **Verification:** every output must have exactly the body's size and its SHA-256, and the server must have sent
  exactly the body's size for the run (a retry would show up there); a failing run is excluded and marks its row ⚠.
- **Noise:** runs are interleaved round-robin, order rotated each repetition. Before each run the harness waits
  (≤ ${GATE_MS / 1000} s each, ≤ ${GATE_BUDGET_MS / 1000} s in total) until processes other than the client, server, proxy and harness use less than
  ${QUIET_CORES} cores; "Other load" is what they used during the run. Client, server and proxy share ${m.nproc} cores,
  and the files go to the page cache (lark-dl's fsync forces them to disk; curl's are deleted before writeback).
`;
}

// ---------------------------------------------------------------- main

async function main() {
	if (RENDER) {
		records.push(...RENDER.records);
		report({ ...RENDER.saved, versions: RENDER.versions, machine: RENDER.machine, date: RENDER.date, gateS: RENDER.gateS });
		return;
	}
	const t0 = Date.now();
	fs.mkdirSync(TMP, { recursive: true });
	if (!fs.existsSync(CLI)) {
		throw new Error('dist/cli.js is missing: run `npm run build` first');
	}
	if (spawnSync('curl', ['--version']).status !== 0) {
		throw new Error('curl is required');
	}
	log(`download bench: ${mib(MAIN_SIZE)}${SMALL_SIZE > 0 ? ` + ${mib(SMALL_SIZE)}` : ''}, phases ${PHASES.join(',')}, budget ${BUDGET_MS / 1000} s, defaults c=${DEFAULTS.concurrency} p=${DEFAULTS.partSize / MiB} MiB`);
	const resourceArgs = ['--resource', `file_bench_main=${MAIN_SIZE}`];
	if (SMALL_SIZE > 0) {
		resourceArgs.push('--resource', `file_bench_small=${SMALL_SIZE}`);
	}
	const server = await startHelper(SERVER, resourceArgs);
	helpers.push(server.child);
	const proxy = await startHelper(PROXY, ['--target-port', String(server.info.port), '--delay-ms', String(DELAY_MS), '--rate-mibps', String(RATE_MIBPS)]);
	helpers.push(proxy.child);
	const res = server.info.resources;
	const env = {
		server: server.info,
		serverPort: server.info.port,
		proxyPort: proxy.info.port,
		helperPids: [server.child.pid, proxy.child.pid],
		bodies: {
			main: { key: 'file_bench_main', ...res.file_bench_main },
			...(SMALL_SIZE > 0 ? { small: { key: 'file_bench_small', ...res.file_bench_small } } : {}),
		},
		token: '',
	};
	const tok = await httpJson(env.serverPort, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { app_id: server.info.appId, app_secret: server.info.appSecret });
	env.token = tok.tenant_access_token;
	log(`server pid ${server.child.pid} :${env.serverPort}, proxy pid ${proxy.child.pid} :${env.proxyPort}`);

	const meta = { reps: {}, calib: undefined, ext: undefined };
	const perMiB = MAIN_SIZE / MiB;
	// Rough costs used only to keep room for later phases when deciding on extra repetitions.
	const loopMinMs = 3 * (CONFIGS.filter((c) => c.net === 'loopback').length * (perMiB / 200 + 1.5)) * 1000;
	const extMs = PHASES.includes('ext') && EXT_MODE !== 'off' ? (60 + EXT_REPS * (perMiB / 150 + 3)) * 1000 : 0;
	try {
		if (PHASES.includes('calib')) {
			meta.calib = await calibrate(env);
		}
		// Untimed warm-up: page cache, the CLI bundle in the OS cache, the server's JIT.
		await measure({ id: 'warmup-curl', net: 'loopback', body: 'main', client: 'curl', kind: 'ref' }, env);
		await measure({ id: 'warmup-cli', net: 'loopback', body: 'main', client: 'cli', kind: 'default' }, env);
		if (PHASES.includes('proxy')) {
			meta.reps.proxy = await runPhase('proxy', CONFIGS.filter((c) => c.net === 'proxy'), env, {
				minReps: Math.min(2, PROXY_REPS),
				maxReps: PROXY_REPS,
				reserveMs: (PHASES.includes('loopback') ? loopMinMs : 0) + extMs,
				t0,
			});
		}
		if (PHASES.includes('loopback')) {
			meta.reps.loopback = await runPhase('loopback', CONFIGS.filter((c) => c.net === 'loopback'), env, {
				minReps: Math.min(3, REPS),
				maxReps: REPS,
				reserveMs: extMs,
				t0,
			});
		}
		if (PHASES.includes('ext')) {
			meta.ext = await measureExtension(env, t0);
		}
	} finally {
		server.child.kill('SIGTERM');
		proxy.child.kill('SIGTERM');
	}

	const saved = { bodies: Object.values(env.bodies), totalS: (Date.now() - t0) / 1000, reps: meta.reps, calib: meta.calib, ext: meta.ext };
	const raw = {
		argv,
		date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
		versions: versions(),
		machine: machine(),
		defaults: DEFAULTS,
		haveGnuTime: HAVE_GNU_TIME,
		gateS: gate.spentMs() / 1000,
		saved,
		records,
	};
	const rawFile = path.join(TMP, 'lark-dl-bench-results.json');
	fs.mkdirSync(path.dirname(rawFile), { recursive: true });
	fs.writeFileSync(rawFile, `${JSON.stringify(raw)}\n`);
	log(`raw results: ${rawFile} (rewrite the report from them: node bench/download-bench.mjs --render ${rawFile})`);
	report({ ...saved, versions: raw.versions, machine: raw.machine, date: raw.date, gateS: raw.gateS });
}

function report(saved) {
	const rows = rowsFor(() => true);
	const ext = saved.ext ? { ...saved.ext, rows: extRows(saved.ext) } : undefined;
	const grid = sweepData(rows);
	const full = {
		...saved,
		ext,
		rows,
		mainTable: mainTable(rows, ext),
		sweepTable: sweepTable(grid),
		breakdownTable: breakdownTable(rows),
		analysis: analysis(rows),
		recommendation: recommend(grid),
		targets: targets(rows, ext),
	};
	const doc = markdown(full);
	if (OUT === '-') {
		process.stdout.write(doc);
	} else {
		fs.mkdirSync(path.dirname(path.resolve(OUT)), { recursive: true });
		fs.writeFileSync(OUT, doc);
		process.stdout.write(`${full.mainTable}\n\n${full.sweepTable}\n\n${full.recommendation.text}\n\n${full.targets.map((t) => `- ${t.join(': ')}`).join('\n')}\n`);
		log(`wrote ${path.relative(process.cwd(), path.resolve(OUT)) || OUT}`);
	}
	log(`total ${fmt(full.totalS)} s (quiet-gate waits ${fmt(full.gateS)} s)`);
	const anyFailed = rows.some((r) => r.runs > 0 && r.okRuns < r.runs) || ext?.status === 'failed';
	if (anyFailed) {
		process.exitCode = 1;
	}
}

await main();
