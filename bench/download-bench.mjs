// `npm run bench`: how fast is a download with lark-dl (and the extension) compared with curl, how do its time and
// memory grow with the file's size, and which part concurrency should be the default? Writes docs/benchmarks.md.
// Not part of `npm test`.
//
//   npm run build && node bench/download-bench.mjs          # full run (≈ 11–12 min on 2 cores, budget 800 s)
//   node bench/download-bench.mjs --smoke                   # 64 MiB / 16 MiB / 4 MiB, 1 rep, no doc (≈ 1.5–2 min)
//
// Options:
//   --size-mib N      main body (default 1024 = 1 GiB);  --small-mib N  second body (default 256; 0 = none)
//   --growth-mib LIST further loopback bodies for the growth table, curl and lark-dl (default) only
//                     (default 16,128; --smoke 4,16; "" = none); the main body is the table's last row
//   --reps N          loopback repetitions, at least 3 unless fewer are asked for (default 5)
//   --growth-reps N   repetitions of the growth bodies (default 5; they take well under a second each)
//   --proxy-reps N    repetitions through the throttling proxy, at least 2 (default 3)
//   --sweep           the full concurrency/part-size sweep: also c = 2, 4 with 8 MiB and c = 4, 8 with 16 and
//                     32 MiB parts (adds ≈ 4–5 min: raise --budget-s); without it: c = 1 and 8 with 8 MiB, and the default
//   --sweep-reps N    repetitions of the sweep points that are not rows of the main table (default 2)
//   --ext-reps N      extension-host downloads on loopback (default 3); --ext-proxy-reps N through the proxy (default 1)
//   --ext auto|on|off extension-host phase (auto: skipped with a reason when out/test/bench or code-server is missing)
//   --phases LIST     subset of calib,proxy,loopback,ext (default all, in that order)
//   --only REGEX      only the configurations whose id (NET/BODY/CLIENT/KIND) matches, e.g.
//                     'loopback/main/(curl|cli/default)'; bodies: main, small, g16, g128 (growth, by MiB)
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
// The "default" rows run without --concurrency/--part-size; their labels come from the engine's constants in
// src/core/download/downloadOptions.ts (DEFAULT_CONCURRENCY, DEFAULT_PART_SIZE, MAX_AUTO_PART_SIZE and
// autoPartSize: one part per connection, 8–32 MiB), parsed at start-up; the run stops if they cannot be read or
// if the CLI bundle says otherwise. Exit code 1 when any run failed (size, SHA-256, bytes sent, exit status).
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
const ENGINE_OPTIONS_REL = path.join('src', 'core', 'download', 'downloadOptions.ts');
const MB = 1e6;
const GiB = 1024 * MiB;

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
const GROWTH_SIZES = [...new Set(opt('growth-mib', SMOKE ? '4,16' : '16,128').split(',').filter((x) => x.trim() !== '').map((x) => Math.round(Number(x) * MiB)))].sort((a, b) => a - b);
const REPS = Number(opt('reps', SMOKE ? '1' : '5'));
const GROWTH_REPS = Number(opt('growth-reps', SMOKE ? '1' : '5'));
const FULL_SWEEP = argv.includes('--sweep');
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
const TARGETS = {
	loopbackVsCurlMain: 0.9, // lark-dl (default) wall ÷ curl wall, loopback, main body
	loopbackVsCurlSmall: 1.2, // the same, second body
	rssMB: 64, // worst peak RSS of the default settings, any body, both networks (decimal MB)
	rssGrowthMB: 8, // median peak RSS, main body minus the smallest growth body (loopback, default)
	cpuSPerGiB: 1.5, // user + sys per GiB, loopback, main body, median
	extVsCurl: 1.0, // extension host (palette) wall ÷ curl wall, loopback, main body
	proxyVsSeq: 5, // sequential wall ÷ default wall through the proxy
	proxyVsCurl: 4, // curl wall ÷ default wall through the proxy
};

for (const [name, value] of Object.entries({ MAIN_SIZE, REPS, GROWTH_REPS, PROXY_REPS, BUDGET_MS, DELAY_MS, RATE_MIBPS })) {
	if (!Number.isFinite(value) || value < 0) {
		throw new Error(`bad option for ${name}`);
	}
}
if (GROWTH_SIZES.some((size) => !Number.isSafeInteger(size) || size <= 0 || size > MAIN_SIZE)) {
	throw new Error('--growth-mib: sizes must be positive MiB, at most --size-mib');
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

/** `NAME = 8 * 1024 * 1024;` (TypeScript source or bundle) -> bytes/number, NaN when absent or not a product. */
function constantIn(text, name) {
	const m = new RegExp(`\\b${name}\\s*=\\s*([\\d\\s*]+);`).exec(text);
	const value = m ? m[1].split('*').reduce((a, b) => a * Number(b.trim()), 1) : NaN;
	return Number.isSafeInteger(value) && value > 0 ? value : NaN;
}

/**
 * The engine's defaults, from src/core/download/downloadOptions.ts: the connection count and the bounds of the
 * automatic part size. Fails loudly when they cannot be read, when autoPartSize no longer clamps between them
 * (the labels would lie), or when the benchmarked bundle carries other values (stale build: `npm run build`).
 */
function engineDefaults() {
	const file = path.join(ROOT, ENGINE_OPTIONS_REL);
	const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
	const found = { concurrency: constantIn(text, 'DEFAULT_CONCURRENCY'), partSize: constantIn(text, 'DEFAULT_PART_SIZE'), maxPartSize: constantIn(text, 'MAX_AUTO_PART_SIZE') };
	const missing = Object.entries({ DEFAULT_CONCURRENCY: found.concurrency, DEFAULT_PART_SIZE: found.partSize, MAX_AUTO_PART_SIZE: found.maxPartSize }).filter(([, v]) => !Number.isFinite(v)).map(([k]) => k);
	if (missing.length) {
		throw new Error(`cannot read ${missing.join(', ')} from ${ENGINE_OPTIONS_REL}: the default rows could not be labelled`);
	}
	const clamp = /function\s+autoPartSize\s*\([^)]*\)[^{]*\{[^}]*Math\.min\(\s*MAX_AUTO_PART_SIZE\s*,\s*Math\.max\(\s*DEFAULT_PART_SIZE\s*,/;
	const perConnection = /function\s+autoPartSize\s*\([^)]*\)[^{]*\{[^}]*Math\.ceil\(\s*total\s*\/\s*Math\.max\(\s*1\s*,\s*concurrency\s*\)/;
	if (!clamp.test(text) || !perConnection.test(text)) {
		throw new Error(`${ENGINE_OPTIONS_REL}: autoPartSize no longer reads min(MAX_AUTO_PART_SIZE, max(DEFAULT_PART_SIZE, ⌈total ÷ concurrency⌉ MiB)); update autoPart() in bench/download-bench.mjs`);
	}
	const bundle = fs.existsSync(CLI) ? fs.readFileSync(CLI, 'utf8') : '';
	for (const [name, value] of [['DEFAULT_CONCURRENCY', found.concurrency], ['DEFAULT_PART_SIZE', found.partSize], ['MAX_AUTO_PART_SIZE', found.maxPartSize]]) {
		const inBundle = constantIn(bundle, name);
		if (Number.isFinite(inBundle) && inBundle !== value) {
			throw new Error(`${path.relative(ROOT, CLI)} has ${name} = ${inBundle}, ${ENGINE_OPTIONS_REL} ${value}: rebuild (npm run build)`);
		}
		if (bundle && !Number.isFinite(inBundle)) {
			log(`warning: ${name} not found in ${path.relative(ROOT, CLI)}; the labels follow ${ENGINE_OPTIONS_REL}`);
		}
	}
	return found;
}

const DEFAULTS = (() => {
	if (!RENDER) {
		return engineDefaults();
	}
	if (!Number.isFinite(RENDER.defaults?.maxPartSize)) {
		throw new Error('--render: these results predate the automatic part size (no maxPartSize); their default rows cannot be labelled');
	}
	return RENDER.defaults;
})();
const SEQ = { conc: 1, part: 8 * MiB };

/** The part size the engine picks without --part-size (autoPartSize in src/core/download/downloadOptions.ts). */
function autoPart(total, concurrency) {
	const perConnection = Math.ceil(total / Math.max(1, concurrency) / MiB) * MiB;
	return Math.min(DEFAULTS.maxPartSize, Math.max(DEFAULTS.partSize, perConnection));
}

/** "no flags (= 8 connections, automatic part size: 32 MiB for this file)" */
const defaultSettings = (size) => `no flags (= ${DEFAULTS.concurrency} connections, automatic part size: ${fmt(autoPart(size, DEFAULTS.concurrency) / MiB)} MiB for this file)`;

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
		return defaultSettings(c.size);
	}
	if (c.client === 'ext') {
		return 'default settings';
	}
	return `\`--concurrency ${c.conc} --part-size ${c.part}\``;
}

/** Effective concurrency/part size of a config (defaults resolved for its body). */
function effective(c) {
	if (c.kind === 'default' || c.client === 'ext') {
		return { conc: DEFAULTS.concurrency, part: autoPart(c.size, DEFAULTS.concurrency) };
	}
	return { conc: c.conc, part: c.part };
}

/** Body name -> size: main, small, and the growth bodies (g16, g128: by MiB) that are neither. */
function makeBodies() {
	const bodies = { main: MAIN_SIZE };
	if (SMALL_SIZE > 0) {
		bodies.small = SMALL_SIZE;
	}
	for (const size of GROWTH_SIZES) {
		if (!Object.values(bodies).includes(size)) {
			bodies[Number.isInteger(size / MiB) ? `g${size / MiB}` : `g${size}b`] = size;
		}
	}
	return bodies;
}

const BODIES = makeBodies();
const bodyOfSize = (size) => Object.keys(BODIES).find((name) => BODIES[name] === size);
/** The growth table's bodies, smallest first, ending with the main body. */
const GROWTH = [...new Set([...GROWTH_SIZES, MAIN_SIZE])].sort((a, b) => a - b).map((size) => ({ size, body: bodyOfSize(size) }));

/** The points of `--sweep` (concurrency, part size MiB); without it only 8 × 8 MiB, next to c = 1 and the default. */
const FULL_GRID = [[2, 8], [4, 8], [8, 8], [4, 16], [8, 16], [4, 32], [8, 32]];

function makeConfigs() {
	const list = [];
	const add = (c) => list.push({ ...c, size: BODIES[c.body], id: `${c.net}/${c.body}/${c.client}/${c.kind}${c.kind === 'sweep' ? `/c${c.conc}p${c.part / MiB}` : ''}` });
	const mainDefault = { conc: DEFAULTS.concurrency, part: autoPart(MAIN_SIZE, DEFAULTS.concurrency) };
	const isDefault = (conc, part) => conc === mainDefault.conc && part === mainDefault.part;
	const isSeq = (conc, part) => conc === SEQ.conc && part === SEQ.part;
	for (const net of ['proxy', 'loopback']) {
		for (const body of net === 'loopback' && SMALL_SIZE > 0 ? ['main', 'small'] : ['main']) {
			add({ net, body, client: 'curl', kind: 'ref' });
			add({ net, body, client: 'cli', kind: 'default' });
			add({ net, body, client: 'cli', kind: 'seq', ...SEQ });
		}
		if (net === 'loopback') {
			// Growth bodies: only curl and the default; fewer repetitions (GROWTH_REPS).
			for (const body of Object.keys(BODIES).filter((b) => b !== 'main' && b !== 'small')) {
				add({ net, body, client: 'curl', kind: 'ref', growth: true });
				add({ net, body, client: 'cli', kind: 'default', growth: true });
			}
		}
		// c = 1 (sequential) and the default are rows of the main table; 8 × 8 MiB is the fixed-part-size
		// reference for the automatic one. --sweep adds the older grid.
		for (const [conc, partMiB] of FULL_SWEEP ? FULL_GRID : [[8, 8]]) {
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
const warmupErrors = [];

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
		// Sweep points and growth bodies get fewer repetitions than the rows of the main table (if so asked).
		const configs = allConfigs.filter((c) => (c.kind !== 'sweep' || rep < SWEEP_REPS) && (!c.growth || rep < GROWTH_REPS));
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
		const size = cfg.size;
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

/** Curl and lark-dl (default) on loopback, from the smallest growth body to the main one. */
function growthTable(rows) {
	const head = ['Body', 'Client', 'Settings', 'OK runs', 'Median wall (s)', 'MiB/s', '× curl wall', 'Peak RSS MiB median (max)', 'CPU s (median)', 'CPU s per GiB'];
	const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i > 0 && i < 3 ? ' --- ' : ' ---: ')).join('|')}|`];
	for (const g of GROWTH) {
		const curl = find(rows, 'loopback', g.body, 'ref', 'curl');
		for (const [kind, client] of [['ref', 'curl'], ['default', 'cli']]) {
			const r = rows.find((x) => x.cfg.net === 'loopback' && x.cfg.body === g.body && x.cfg.kind === kind && x.cfg.client === client);
			if (!r) {
				continue;
			}
			if (r.okRuns === 0) {
				lines.push(`| ${[mib(g.size), cliLabel(r.cfg), settingsText(r.cfg), `0/${r.runs}`, 'FAILED', ...head.slice(5).map(() => '')].join(' | ')} |`);
				continue;
			}
			lines.push(`| ${[
				mib(g.size),
				cliLabel(r.cfg) + (r.okRuns < r.runs ? ' ⚠' : ''),
				settingsText(r.cfg),
				`${r.okRuns}/${r.runs}`,
				`**${fmt(r.wallS, 2)}**`,
				fmt(r.mibps, r.mibps < 100 ? 1 : 0),
				client === 'curl' ? '1.00' : curl ? `**${fmt(r.wallS / curl.wallS, 2)}**` : 'n/a',
				`${fmt(r.rssMiB)} (${fmt(r.rssMaxMiB)})`,
				fmt(r.cpuS, 2),
				fmt(r.cpuS / (g.size / GiB), 2),
			].join(' | ')} |`);
		}
	}
	return lines.join('\n');
}

/** One sentence on the growth table: what changes from the smallest body to the main one. */
function growthSummary(rows) {
	const first = GROWTH[0];
	const last = GROWTH[GROWTH.length - 1];
	const a = find(rows, 'loopback', first.body, 'default');
	const b = find(rows, 'loopback', last.body, 'default');
	if (!a || !b || first === last) {
		return '';
	}
	const ca = find(rows, 'loopback', first.body, 'ref', 'curl');
	const cb = find(rows, 'loopback', last.body, 'ref', 'curl');
	const ratio = (r, c) => (c ? `${fmt(r.wallS / c.wallS, 2)}× curl` : 'n/a');
	return `From ${mib(first.size)} to ${mib(last.size)} (${fmt(last.size / first.size)}× the bytes), lark-dl (default) goes from ${fmt(a.wallS, 2)} s to ${fmt(b.wallS, 2)} s (${ratio(a, ca)} → ${ratio(b, cb)}), its median peak RSS from ${fmt(a.rssMiB, 1)} to ${fmt(b.rssMiB, 1)} MiB and its CPU from ${fmt(a.cpuS / (first.size / GiB), 2)} to ${fmt(b.cpuS / (last.size / GiB), 2)} s per GiB. At the small end the fixed costs (Node start-up, token, probe) dominate the wall time and the CPU per GiB.`;
}

function sweepData(rows) {
	const mains = rows.filter((x) => x.cfg.body === 'main' && x.cfg.client === 'cli' && x.okRuns > 0);
	const point = (net, conc, part) =>
		mains.find((x) => {
			const e = effective(x.cfg);
			return x.cfg.net === net && e.conc === conc && e.part === part;
		});
	const concs = [...new Set(mains.map((x) => effective(x.cfg).conc))].sort((a, b) => a - b);
	const parts = [...new Set(mains.map((x) => effective(x.cfg).part))].sort((a, b) => a - b);
	const grid = [];
	for (const part of parts) {
		for (const conc of concs) {
			const p = point('proxy', conc, part);
			const l = point('loopback', conc, part);
			if (p || l) {
				grid.push({ conc, part, isDefault: conc === DEFAULTS.concurrency && part === autoPart(MAIN_SIZE, DEFAULTS.concurrency), proxy: p, loopback: l });
			}
		}
	}
	return grid;
}

/** What this run swept, and what it did not: the sentence under the sweep table and in the recommendation. */
function sweptText(grid) {
	const points = grid.map((g) => `c=${g.conc} × ${g.part / MiB} MiB${g.isDefault ? ' (the default: automatic part size for this file)' : ''}`);
	const missing = FULL_GRID.filter(([conc, partMiB]) => !grid.some((g) => g.conc === conc && g.part === partMiB * MiB)).map(([conc, partMiB]) => `c=${conc} × ${partMiB} MiB`);
	const notRun = missing.length ? ` Not run: ${missing.join(', ')}${FULL_SWEEP ? ' (failed or filtered out)' : ' (`--sweep` adds them, ≈ 4–5 min more; raise `--budget-s` to keep the repetitions)'}.` : '';
	return `Swept (${mib(MAIN_SIZE)}): ${points.join(', ') || 'nothing'}.${notRun}`;
}

function sweepTable(grid) {
	const seqP = grid.find((g) => g.conc === 1 && g.part === 8 * MiB)?.proxy;
	const head = ['Concurrency', 'Part size', 'Proxy: median wall (s)', 'Proxy MiB/s', 'Speed-up vs sequential', 'Proxy runs', 'Loopback: median wall (s)', 'Loopback MiB/s', 'Loopback runs', 'Score √(proxy × loopback) (s)', 'Peak RSS MiB median (worst), both networks', 'Peak req/s'];
	const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' ---: ').join('|')}|`];
	for (const g of grid) {
		const rss = `${fmt(max([g.proxy?.rssMiB, g.loopback?.rssMiB]))} (${fmt(max([g.proxy?.rssMaxMiB, g.loopback?.rssMaxMiB]))})`;
		const peak = max([g.proxy?.peakPerS, g.loopback?.peakPerS]);
		lines.push(`| ${[
			`${g.conc}${g.isDefault ? ' (default)' : ''}`,
			`${g.part / MiB} MiB${g.isDefault ? ' (automatic)' : ''}`,
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

const score = (g) => (g.loopback ? Math.sqrt(g.proxy.wallS * g.loopback.wallS) : g.proxy.wallS);

/**
 * The default concurrency, from the concurrencies swept with 8 MiB parts (c = 1 and 8; with --sweep also 2 and
 * 4). A default has to serve both ends of what users have: a fast local link (loopback) and a long link that
 * limits each connection (the proxy). So: drop settings whose median peak RSS passes the RSS target or whose
 * request rate passes Lark's limit; score the rest by the geometric mean of their median wall times on the two
 * networks (equal weight to a relative slowdown on either); take the smallest concurrency within 5 % of the best
 * score (fewer connections for the same result). Then, at the default concurrency, the automatic part size
 * against the fixed part sizes that were swept.
 */
function recommend(grid) {
	const candidates = grid.filter((g) => g.part === 8 * MiB && g.proxy).sort((a, b) => a.conc - b.conc);
	if (candidates.length < 2) {
		return { text: `Not enough sweep points with 8 MiB parts through the proxy to recommend a default. ${sweptText(grid)}`, conc: NaN };
	}
	const rssMedian = (g) => max([g.proxy?.rssMiB, g.loopback?.rssMiB]);
	const rssWorst = (g) => max([g.proxy?.rssMaxMiB, g.loopback?.rssMaxMiB]);
	const peakOf = (g) => max([g.proxy?.peakPerS, g.loopback?.peakPerS]);
	const excluded = [];
	const eligible = candidates.filter((g) => {
		const reasons = [];
		if (rssMedian(g) * MiB > TARGETS.rssMB * MB) {
			reasons.push(`median peak RSS ${fmt((rssMedian(g) * MiB) / MB, 1)} MB > ${TARGETS.rssMB} MB`);
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
	const concs = candidates.map((g) => g.conc).join(', ');
	const text = [
		`**Recommended default part concurrency: ${pick.conc}** (chosen among c = ${concs} with 8 MiB parts${FULL_SWEEP ? '' : `; c = 2 and 4 were not run, so this only compares c = ${concs}`}).`,
		`Rule: drop settings whose median peak RSS passes ${TARGETS.rssMB} MB or whose request rate passes ${RATE_LIMIT}/s${excluded.length ? ` (dropped: ${excluded.join('; ')})` : ' (none dropped)'}${eligible.length ? '' : ' — all were, so the rule ran on all of them'};`,
		'score the rest by √(proxy wall × loopback wall), the geometric mean of the two networks; take the smallest concurrency within 5 % of the best score.',
		`Measured: ${candidates.map(point).join('; ')}.`,
		pick.conc === DEFAULTS.concurrency
			? `This is the current default (DEFAULT_CONCURRENCY = ${DEFAULTS.concurrency}).`
			: `The current default is ${fmt(DEFAULTS.concurrency)}: set DEFAULT_CONCURRENCY in src/core/download/downloadOptions.ts and the \`larkDownloader.partConcurrency\` default (package.json, src/extension/storage/settings.ts) to ${pick.conc}.`,
	];
	// Part size at the default concurrency: the automatic size against the fixed sizes that were run.
	const atDefault = grid.filter((g) => g.conc === DEFAULTS.concurrency && g.proxy);
	const auto = atDefault.find((g) => g.isDefault);
	const fixed = atDefault.filter((g) => !g.isDefault);
	if (auto && fixed.length) {
		const bestFixed = fixed.reduce((a, b) => (score(b) < score(a) ? b : a));
		const parts = fixed.map((g) => `${g.part / MiB} MiB: ${fmt(score(g), 2)} s`).join(', ');
		text.push(
			`Part size at c=${DEFAULTS.concurrency}: the automatic one (${auto.part / MiB} MiB for this file) scores ${fmt(score(auto), 2)} s (proxy ${fmt(auto.proxy.wallS, 2)} s${auto.loopback ? `, loopback ${fmt(auto.loopback.wallS, 2)} s` : ''}); fixed ${parts}.`,
			score(auto) <= 1.05 * score(bestFixed)
				? 'The automatic part size is within 5 % of the best fixed size swept: keep it.'
				: `The fixed ${bestFixed.part / MiB} MiB parts score more than 5 % better than the automatic size: look at MAX_AUTO_PART_SIZE/autoPartSize.`,
		);
	}
	text.push(sweptText(grid));
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

/**
 * The eight targets: [what, measured (with the numbers it came from), verdict]; a target whose rows are missing
 * is "not measured" (and not met).
 */
function targets(rows, ext) {
	const out = [];
	const add = (short, what, value, ok) => out.push({ short, what, ok: Number.isFinite(value.n) ? ok : undefined, text: value.text });
	const MBof = (miB) => (miB * MiB) / MB;
	const na = (why) => ({ n: NaN, text: `n/a${why ? ` (${why})` : ''}` });
	const rowMissing = (...xs) => (xs.every(Boolean) ? (HAVE_GNU_TIME ? '' : 'no GNU time') : 'rows missing');

	for (const [body, size, limit] of [['main', MAIN_SIZE, TARGETS.loopbackVsCurlMain], ['small', SMALL_SIZE, TARGETS.loopbackVsCurlSmall]]) {
		const curl = find(rows, 'loopback', body, 'ref', 'curl');
		const cli = find(rows, 'loopback', body, 'default');
		const r = curl && cli ? cli.wallS / curl.wallS : NaN;
		add(
			`loopback ${size > 0 ? mib(size) : 'second body'} vs curl`,
			`lark-dl (default) ≤ ${fmt(limit, 1)}× curl wall time, loopback, ${size > 0 ? mib(size) : 'second body'}`,
			Number.isFinite(r) ? { n: r, text: `${fmt(r, 2)}× (${fmt(cli.wallS, 2)} s vs ${fmt(curl.wallS, 2)} s, medians)` } : na(size > 0 ? rowMissing(curl, cli) : '--small-mib 0'),
			r <= limit,
		);
	}

	const defaults = rows.filter((r) => r.cfg.client === 'cli' && r.cfg.kind === 'default' && r.okRuns > 0);
	const worst = max(defaults.map((r) => r.rssMaxMiB));
	const which = defaults.find((r) => r.rssMaxMiB === worst);
	add(
		'peak RSS',
		`lark-dl peak RSS ≤ ${TARGETS.rssMB} MB (= ${fmt((TARGETS.rssMB * MB) / MiB, 1)} MiB; worst run of the default settings over all sizes and both networks)`,
		Number.isFinite(worst) ? { n: worst, text: `${fmt(MBof(worst), 1)} MB = ${fmt(worst, 1)} MiB (${which.cfg.net}, ${mib(which.size)}; ${defaults.length} default rows, ${defaults.reduce((a, r) => a + r.okRuns, 0)} runs)` } : na(rowMissing(defaults.length > 0)),
		worst * MiB <= TARGETS.rssMB * MB,
	);

	const smallest = GROWTH[0];
	const lo = find(rows, 'loopback', smallest.body, 'default');
	const hi = find(rows, 'loopback', 'main', 'default');
	const growth = lo && hi && smallest.size < MAIN_SIZE ? MBof(hi.rssMiB) - MBof(lo.rssMiB) : NaN;
	add(
		'flat RSS',
		`lark-dl peak RSS flat from ${mib(smallest.size)} to ${mib(MAIN_SIZE)} (median at ${mib(MAIN_SIZE)} ≤ median at ${mib(smallest.size)} + ${TARGETS.rssGrowthMB} MB; default, loopback)`,
		Number.isFinite(growth) ? { n: growth, text: `${mib(MAIN_SIZE)}: ${fmt(MBof(hi.rssMiB), 1)} MB, ${mib(smallest.size)}: ${fmt(MBof(lo.rssMiB), 1)} MB (medians); ${growth >= 0 ? '+' : '−'}${fmt(Math.abs(growth), 1)} MB` } : na(smallest.size < MAIN_SIZE ? rowMissing(lo, hi) : 'no growth body smaller than the main one'),
		growth <= TARGETS.rssGrowthMB,
	);

	const perGiB = hi ? hi.cpuS / (MAIN_SIZE / GiB) : NaN;
	add(
		'CPU per GiB',
		`lark-dl CPU (user + sys) ≤ ${fmt(TARGETS.cpuSPerGiB, 1)} s per GiB (default, loopback, ${mib(MAIN_SIZE)}, median)`,
		Number.isFinite(perGiB) ? { n: perGiB, text: `${fmt(perGiB, 2)} s/GiB (${fmt(hi.cpuS, 2)} s for ${mib(MAIN_SIZE)})` } : na(rowMissing(hi)),
		perGiB <= TARGETS.cpuSPerGiB,
	);

	const e = ext?.rows?.loopback;
	const loopCurl = find(rows, 'loopback', 'main', 'ref', 'curl');
	const er = e && e.okRuns > 0 && loopCurl ? e.wallS / loopCurl.wallS : NaN;
	add(
		'extension host vs curl',
		`extension host (palette) ≤ ${fmt(TARGETS.extVsCurl, 1)}× curl wall time, loopback, ${mib(MAIN_SIZE)} (median of its loopback runs)`,
		Number.isFinite(er)
			? { n: er, text: `${fmt(er, 2)}× (${fmt(e.wallS, 2)} s, median of ${e.okRuns}, vs ${fmt(loopCurl.wallS, 2)} s)` }
			: na(ext?.status === 'ok' || !ext ? (ext ? rowMissing(e, loopCurl) : 'extension host not run') : `extension host ${ext.status}${ext.reason ? `: ${ext.reason}` : ''}`),
		er <= TARGETS.extVsCurl,
	);

	const pDef = find(rows, 'proxy', 'main', 'default');
	const pSeq = find(rows, 'proxy', 'main', 'seq');
	const pCurl = find(rows, 'proxy', 'main', 'ref', 'curl');
	const vsSeq = pDef && pSeq ? pSeq.wallS / pDef.wallS : NaN;
	const vsCurl = pDef && pCurl ? pCurl.wallS / pDef.wallS : NaN;
	add(
		'proxy vs sequential',
		`through the proxy: lark-dl (default) ≥ ${fmt(TARGETS.proxyVsSeq)}× faster than sequential (\`--concurrency 1 --part-size 8388608\`), ${mib(MAIN_SIZE)}`,
		Number.isFinite(vsSeq) ? { n: vsSeq, text: `${fmt(vsSeq, 2)}× (${fmt(pDef.wallS, 2)} s vs ${fmt(pSeq.wallS, 2)} s)` } : na(rowMissing(pDef, pSeq)),
		vsSeq >= TARGETS.proxyVsSeq,
	);
	add(
		'proxy vs curl',
		`through the proxy: lark-dl (default) ≥ ${fmt(TARGETS.proxyVsCurl)}× faster than curl, ${mib(MAIN_SIZE)}`,
		Number.isFinite(vsCurl) ? { n: vsCurl, text: `${fmt(vsCurl, 2)}× (${fmt(pDef.wallS, 2)} s vs ${fmt(pCurl.wallS, 2)} s)` } : na(rowMissing(pDef, pCurl)),
		vsCurl >= TARGETS.proxyVsCurl,
	);
	return out;
}

const verdict = (t) => (t.ok === undefined ? 'not measured' : t.ok ? '**met**' : '**not met**');

/** "5 of 8 targets met" (+ how many could not be measured). */
function targetSummary(list) {
	const met = list.filter((t) => t.ok === true).length;
	const unmeasured = list.filter((t) => t.ok === undefined).length;
	return `${met} of ${list.length} targets met${unmeasured ? ` (${unmeasured} not measured in this run)` : ''}.`;
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
	const part = effective(cli.cfg).part;
	const budgetBound = cli.peakPerS >= 40;
	// The fixed-8-MiB point at the default concurrency (a sweep row), if the automatic size is another one.
	const p8 = part !== 8 * MiB ? rows.find((r) => r.cfg.net === 'loopback' && r.cfg.kind === 'sweep' && r.cfg.conc === DEFAULTS.concurrency && r.cfg.part === 8 * MiB && r.okRuns > 0) : undefined;
	const lines = [
		`lark-dl (default) takes ${fmt(gap, 2)} s ${gap >= 0 ? 'longer' : 'less'} than curl on loopback (${fmt(cli.wallS, 2)} s vs ${fmt(curl.wallS, 2)} s). By phase (medians):`,
		`- **After the last byte: ${tailExtra >= 0 ? '+' : '−'}${fmt(Math.abs(tailExtra), 2)} s (${pct(tailExtra)}).** curl exits ${fmt(curl.tailMs)} ms after the server sent its last byte, lark-dl ${fmt(cli.tailMs)} ms: it \`fsync\`s the .part file (forcing what is still dirty of ${mib(MAIN_SIZE)} from the page cache to the disk) before renaming it; curl leaves the data in the page cache.`,
		`- **Transfer: ${transferExtra >= 0 ? '+' : '−'}${fmt(Math.abs(transferExtra), 2)} s (${pct(transferExtra)}).** ${fmt(cli.requests)} ranged requests of ${mib(part)} (the automatic part size for this file); the request budget (45/s, started evenly ${fmt(spacingMs, 1)} ms apart) alone needs ≥ ${fmt(floorS, 2)} s for them, and the peak rate was ${fmt(cli.peakPerS)}/s${budgetBound ? `, so the budget, not the link, sets the pace on loopback (≤ ${fmt((45 * part) / MiB)} MiB/s)` : ', below the budget'}${p8 ? `; with fixed 8 MiB parts (${fmt(p8.requests)} requests) the median was ${fmt(p8.wallS, 2)} s` : ''}. The client also spends ${fmt(cli.cpuS, 2)} CPU-s against curl's ${fmt(curl.cpuS, 2)} on a machine whose ${machine().nproc} cores it shares with the server.`,
		`- **Start-up, token and probe: ${startExtra >= 0 ? '+' : '−'}${fmt(Math.abs(startExtra), 2)} s (${pct(startExtra)}).** Node and the CLI bundle need ${fmt(cli.startupMs)} ms to the first request (curl ${fmt(curl.startupMs)} ms); the token request and the probe take ${fmt(cli.tokenMs)} ms more.`,
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
	const failures = [...meta.rows.filter((r) => r.errors.length).map((r) => `- ${r.cfg.id}: ${r.errors.join('; ')}`), ...(meta.warmupErrors ?? []).map((e) => `- warm-up ${e}`)];
	const errors = failures.length ? `\nFailed runs (excluded from the medians):\n\n${failures.join('\n')}\n` : '';
	const tgt = meta.targets.map((t) => `| ${t.what} | ${t.text} | ${verdict(t)} |`).join('\n');
	const named = (ok) => meta.targets.filter((t) => t.ok === ok).map((t) => t.short).join(', ');
	const which = [['met', true], ['not met', false], ['not measured', undefined]].filter(([, ok]) => named(ok)).map(([label, ok]) => `${label}: ${named(ok)}`).join('; ');
	const srv = meta.server ?? { appId: 'cli_bench_app', appSecret: 'bench-secret-not-real', messageId: 'om_bench' };
	const autoParts = Object.entries(BODIES).sort((a, b) => b[1] - a[1]).map(([, size]) => `${fmt(autoPart(size, DEFAULTS.concurrency) / MiB)} MiB for ${mib(size)}`).join(', ');
	const cliRel = path.relative(ROOT, CLI);
	return `# Download benchmark: lark-dl and the extension against curl

Generated by \`npm run bench\` (\`node bench/download-bench.mjs\`) on ${meta.date}; the tables below come from that one run.
Machine: ${m.nproc} CPUs, ${m.cpu}, ${fmt(m.memGiB, 1)} GiB RAM, ${m.os}. Software: Node ${v.node}, ${v.curl}, lark-downloader ${v.version} (\`${cliRel}\`).
Targets: **${targetSummary(meta.targets)}** ${which.charAt(0).toUpperCase()}${which.slice(1)}.
Not part of \`npm test\`; this file is overwritten by every full run.

Reproduce:

- everything: \`npm run bench\` (= \`npm run build && node bench/download-bench.mjs\`, ≈ ${fmt(meta.totalS / 60)} min here plus the build; \`--sweep\` adds c = 2, 4 and 16/32 MiB parts)
- one row through the harness (warm-up, checks and timing as here), printed instead of written:
  \`node bench/download-bench.mjs --phases loopback --only 'loopback/main/cli/default' --out -\`
  (row ids are NETWORK/BODY/CLIENT/KIND: \`proxy\` or \`loopback\`; \`main\`, \`small\`, ${Object.keys(BODIES).filter((b) => b !== 'main' && b !== 'small').map((b) => `\`${b}\``).join(', ') || 'no growth bodies'}; \`curl/ref\`, \`cli/default\`, \`cli/seq\`, \`cli/sweep\`)
- one run by hand: \`node bench/support/lark-bench-server.mjs --resource file_bench_main=${MAIN_SIZE}\` (prints its port), then in an
  empty directory \`LARK_APP_ID=${srv.appId} LARK_APP_SECRET=${srv.appSecret} LARK_BASE_URL=http://127.0.0.1:PORT LARK_DL_CONFIG_DIR=$PWD/config /usr/bin/time -v node ${cliRel} download --message-id ${srv.messageId} --file-key file_bench_main --type file --output body.bin\`
  (add \`--concurrency 1 --part-size 8388608\` for the sequential row); for the proxy rows start
  \`node bench/support/throttle-proxy.mjs --target-port PORT --delay-ms ${DELAY_MS} --rate-mibps ${RATE_MIBPS}\` and use its port instead.

## Targets

${targetSummary(meta.targets)}

| Target | Measured | Verdict |
| --- | --- | --- |
${tgt}

## Environment

| | |
| --- | --- |
| Machine | ${m.nproc} CPUs (\`nproc\`), ${m.cpu}, ${fmt(m.memGiB, 1)} GiB RAM, ${m.os} |
| Software | Node ${v.node} (CLI), ${v.curl}, lark-downloader ${v.version} (\`${path.relative(ROOT, CLI)}\`, engine defaults from \`${ENGINE_OPTIONS_REL}\`: no flags = ${fmt(DEFAULTS.concurrency)} connections, automatic part size min(${fmt(DEFAULTS.maxPartSize / MiB)}, max(${fmt(DEFAULTS.partSize / MiB)}, ⌈size ÷ ${fmt(DEFAULTS.concurrency)}⌉)) MiB: ${autoParts}) |
| Bodies | ${meta.bodies.map((b) => `${mib(b.size)} (${b.size} bytes) SHA-256 \`${b.sha256}\``).join('; ')} |
| Repetitions | loopback ${meta.reps.loopback ?? 0} (asked ${REPS}), proxy ${meta.reps.proxy ?? 0} (asked ${PROXY_REPS}); growth bodies at most ${GROWTH_REPS}; sweep points that are not main-table rows at most ${SWEEP_REPS}${FULL_SWEEP ? ' (full sweep, `--sweep`)' : ''}; budget ${BUDGET_MS / 1000} s |
| Total time | ${fmt(meta.totalS)} s, of which quiet-gate waits ${fmt(meta.gateS)} s |
| Extension host | ${extLine} |

## Results (${mib(MAIN_SIZE)}${SMALL_SIZE > 0 ? ` and ${mib(SMALL_SIZE)}` : ''})

Default rows run \`lark-dl download\` without \`--concurrency\`/\`--part-size\`; the part size in their label is what
the engine picks for that file.

${meta.mainTable}
${errors}
\\* Extension host rows: the wall time is measured inside the extension host around
\`executeCommand('larkDownloader.downloadResource', …)\`; "host" RSS and CPU are those of the whole extension host
process (every built-in extension included), so they are not comparable with the CLI's, and "other load" there
includes code-server and Chromium.

## How time and memory grow with size (loopback, medians)

${meta.growthTable}

${meta.growthSummary}

The ${mib(MAIN_SIZE)} rows are those of the results table above. CPU s per GiB = median CPU (user + sys) ÷ body size; a
${mib(GROWTH[0].size)} download pays Node's start-up, the token request and the probe like a large one, so small bodies
show the fixed costs. The growth bodies ran at most ${GROWTH_REPS} time${GROWTH_REPS === 1 ? '' : 's'} each (the OK runs column says how often).

## Concurrency and part size sweep (${mib(MAIN_SIZE)})

${meta.sweepTable}

Speed-up = sequential (\`--concurrency 1 --part-size 8388608\`) median wall through the proxy ÷ this row's.
The proxy caps each connection, not the sum, so through it N connections may carry up to N × ${RATE_MIBPS} MiB/s; on
this machine the CPU (client, proxy and server share ${m.nproc} cores) and the request budget limit the rest.

${meta.recommendation.text}

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
	log(`download bench: ${Object.values(BODIES).map(mib).join(' + ')}, phases ${PHASES.join(',')}, budget ${BUDGET_MS / 1000} s, ${CONFIGS.length} configurations${FULL_SWEEP ? ' (full sweep)' : ''}, defaults c=${DEFAULTS.concurrency} p=auto ${DEFAULTS.partSize / MiB}–${DEFAULTS.maxPartSize / MiB} MiB (${mib(autoPart(MAIN_SIZE, DEFAULTS.concurrency))} for ${mib(MAIN_SIZE)})`);
	const resourceArgs = Object.entries(BODIES).flatMap(([name, size]) => ['--resource', `file_bench_${name}=${size}`]);
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
		bodies: Object.fromEntries(Object.keys(BODIES).map((name) => [name, { key: `file_bench_${name}`, ...res[`file_bench_${name}`] }])),
		token: '',
	};
	const tok = await httpJson(env.serverPort, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { app_id: server.info.appId, app_secret: server.info.appSecret });
	env.token = tok.tenant_access_token;
	log(`server pid ${server.child.pid} :${env.serverPort}, proxy pid ${proxy.child.pid} :${env.proxyPort}`);

	const meta = { reps: {}, calib: undefined, ext: undefined };
	const perMiB = MAIN_SIZE / MiB;
	// Rough costs (≈ 200 MiB/s + 1.5 s of start-up, checks and gate per run) used only to keep room for later
	// phases when deciding on extra repetitions.
	const minLoopReps = Math.min(3, REPS);
	const loopMinMs = CONFIGS.filter((c) => c.net === 'loopback').reduce((a, c) => a + Math.min(minLoopReps, c.growth ? GROWTH_REPS : c.kind === 'sweep' ? SWEEP_REPS : minLoopReps) * (c.size / MiB / 200 + 1.5) * 1000, 0);
	const extMs = PHASES.includes('ext') && EXT_MODE !== 'off' ? (60 + EXT_REPS * (perMiB / 150 + 3)) * 1000 : 0;
	try {
		if (PHASES.includes('calib')) {
			meta.calib = await calibrate(env);
		}
		// Untimed warm-up: page cache, the CLI bundle in the OS cache, the server's JIT.
		for (const w of [{ id: 'warmup-curl', client: 'curl', kind: 'ref' }, { id: 'warmup-cli', client: 'cli', kind: 'default' }]) {
			const rec = await measure({ ...w, net: 'loopback', body: 'main', size: MAIN_SIZE }, env);
			if (!rec.ok) {
				log(`[warm-up] ${w.id} FAILED: ${rec.error}`);
				warmupErrors.push(`${w.id}: ${rec.error}`);
			}
		}
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
				minReps: minLoopReps,
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

	const saved = {
		bodies: Object.values(env.bodies),
		server: { appId: env.server.appId, appSecret: env.server.appSecret, messageId: env.server.messageId },
		totalS: (Date.now() - t0) / 1000,
		reps: meta.reps,
		calib: meta.calib,
		ext: meta.ext,
		warmupErrors,
	};
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
		growthTable: growthTable(rows),
		growthSummary: growthSummary(rows),
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
		process.stdout.write(`${full.mainTable}\n\n${full.growthTable}\n\n${full.sweepTable}\n\n${full.recommendation.text}\n\n${targetSummary(full.targets)}\n${full.targets.map((t) => `- ${t.what}: ${t.text}: ${verdict(t)}`).join('\n')}\n`);
		log(`wrote ${path.relative(process.cwd(), path.resolve(OUT)) || OUT}`);
	}
	log(`total ${fmt(full.totalS)} s (quiet-gate waits ${fmt(full.gateS)} s)`);
	// Any failed run (wrong size or SHA-256, bytes re-sent, non-zero exit), warm-ups included, fails the bench.
	const failed = records.filter((r) => !r.ok);
	const shaFailed = failed.filter((r) => r.error.startsWith('SHA-256'));
	const warmups = saved.warmupErrors ?? [];
	if (failed.length || warmups.length || ext?.status === 'failed') {
		log(`FAILED: ${failed.length} measured run(s)${shaFailed.length ? ` (${shaFailed.length} with a wrong SHA-256: ${[...new Set(shaFailed.map((r) => r.id))].join(', ')})` : ''}, ${warmups.length} warm-up(s)${ext?.status === 'failed' ? ', the extension host' : ''}`);
		process.exitCode = 1;
	}
}

await main();
