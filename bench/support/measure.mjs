// How the bench drivers (bench/download-bench.mjs, bench/http-clients.mjs) measure: helper servers and every
// measured client run as processes of their own, a client under GNU `/usr/bin/time -v` (peak RSS, CPU), its
// output checked by SHA-256, and the CPU other processes used meanwhile read from /proc so noisy runs show.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';

export const MiB = 1024 * 1024;
export const HAVE_PROC = fs.existsSync('/proc/stat');
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

// ---------------------------------------------------------------- small helpers

export const log = (msg) => process.stderr.write(`${msg}\n`);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const epochMs = () => performance.timeOrigin + performance.now();
/** Median of the finite values; NaN when there are none (a figure the platform could not measure). */
export const median = (xs) => {
	const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
	if (s.length === 0) {
		return NaN;
	}
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const fmt = (x, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

// ---------------------------------------------------------------- processes

/** Starts a helper script as its own process and resolves with the JSON of its first stdout line. */
export function startHelper(script, args) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
		const rl = readline.createInterface({ input: child.stdout });
		const onExit = (code) => reject(new Error(`${path.basename(script)} exited early (${code})`));
		rl.once('line', (line) => {
			child.off('exit', onExit);
			try {
				resolve({ child, info: JSON.parse(line), lines: rl });
			} catch (err) {
				reject(err instanceof Error ? err : new Error(String(err)));
			}
		});
		child.once('exit', onExit);
		child.once('error', reject);
	});
}

/** One request to a helper server's JSON endpoint (a fresh connection, so it never shares the client's). */
export function httpJson(port, method, urlPath, body) {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent: false, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (d) => (text += d));
			res.on('end', () => {
				try {
					resolve(JSON.parse(text));
				} catch (err) {
					reject(err instanceof Error ? err : new Error(String(err)));
				}
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(body ? JSON.stringify(body) : undefined);
	});
}

let liveChild = null;
/** The process `run` is waiting for, if any: what Ctrl-C must kill. */
export const runningChild = () => liveChild;

/** Spawns argv (cwd/env optional), collects output, kills it by pid after `timeoutMs`. */
export function run(cmd, { cwd, env, timeoutMs, onLine }) {
	return new Promise((resolve) => {
		const startEpoch = epochMs();
		const t0 = performance.now();
		const child = spawn(cmd[0], cmd.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		liveChild = child;
		let stdout = '';
		let stderr = '';
		if (onLine) {
			readline.createInterface({ input: child.stdout }).on('line', (line) => {
				stdout += `${line}\n`;
				onLine(line);
			});
		} else {
			child.stdout.on('data', (d) => (stdout += d));
		}
		child.stderr.on('data', (d) => {
			stderr += d;
			if (stderr.length > 200_000) {
				stderr = stderr.slice(-100_000);
			}
		});
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			liveChild = null;
			resolve({ code, signal, stdout, stderr, wallMs: performance.now() - t0, startEpoch, endEpoch: epochMs() });
		});
		child.on('error', (err) => {
			clearTimeout(timer);
			liveChild = null;
			resolve({ code: -1, signal: null, stdout, stderr: `${stderr}${err.message}`, wallMs: NaN, startEpoch, endEpoch: epochMs() });
		});
	});
}

let liveTmpDir = null;

/**
 * Runs `fn(dir)` in a fresh temp dir under `parent`, removed afterwards (and on Ctrl-C: cleanUpOnInterrupt).
 * `rec` is the run's record: `ok` once `fn` resolves, else its `error`.
 */
export async function measureInTempDir(parent, prefix, rec, fn) {
	const dir = fs.mkdtempSync(path.join(parent, prefix));
	liveTmpDir = dir;
	try {
		await fn(dir);
		rec.ok = true;
	} catch (err) {
		rec.error = err instanceof Error ? err.message : String(err);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
		liveTmpDir = null;
	}
	return rec;
}

/** On Ctrl-C / SIGTERM: remove the run's temp dir (up to 1 GiB), kill the run, then the helpers; exit 130. */
export function cleanUpOnInterrupt(helpers) {
	for (const sig of ['SIGINT', 'SIGTERM']) {
		process.on(sig, () => {
			if (liveTmpDir) {
				fs.rmSync(liveTmpDir, { recursive: true, force: true });
			}
			liveChild?.kill('SIGKILL');
			for (const h of helpers()) {
				h.kill('SIGTERM');
			}
			process.exit(130);
		});
	}
}

// ---------------------------------------------------------------- checks and GNU time

export async function sha256File(file) {
	const h = createHash('sha256');
	await pipeline(fs.createReadStream(file, { highWaterMark: MiB }), h);
	return h.digest('hex');
}

export const detectGnuTime = () => fs.existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-v', 'true']).status === 0;

/** `inner` under `/usr/bin/time -v`, its report written to `timeFile`; `inner` itself without GNU time. */
export const underGnuTime = (haveGnuTime, timeFile, inner) => (haveGnuTime ? ['/usr/bin/time', '-v', '-o', timeFile, ...inner] : inner);

export function parseGnuTime(text) {
	const num = (re) => {
		const m = re.exec(text);
		return m ? Number(m[1]) : NaN;
	};
	return {
		rssKiB: num(/Maximum resident set size \(kbytes\):\s*(\d+)/),
		cpuS: num(/User time \(seconds\):\s*([\d.]+)/) + num(/System time \(seconds\):\s*([\d.]+)/),
	};
}

// ---------------------------------------------------------------- the machine

export function machine() {
	const cpus = os.cpus();
	return {
		nproc: os.availableParallelism ? os.availableParallelism() : cpus.length,
		cpu: cpus[0]?.model?.trim() ?? '?',
		memGiB: os.totalmem() / 1024 ** 3,
		os: `${os.type()} ${os.release()} ${os.arch()}`,
	};
}

/** "curl 8.5.0", or "not found". */
export function curlVersion() {
	const curl = spawnSync('curl', ['--version'], { encoding: 'utf8' });
	return curl.status === 0 ? curl.stdout.split('\n')[0].split(' ').slice(0, 2).join(' ') : 'not found';
}

// ---------------------------------------------------------------- CPU accounting (Linux /proc)

/** Busy CPU seconds summed over all CPUs since boot (everything but idle + iowait; steal counts as busy). */
function systemBusyS() {
	if (!HAVE_PROC) {
		return NaN;
	}
	const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
	return (f.reduce((a, b) => a + b, 0) - f[3] - f[4]) / CLK_TCK;
}

/** user+sys CPU seconds of one process (0 if unreadable). */
function procCpuS(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(f[11]) + Number(f[12])) / CLK_TCK; // fields 14 (utime) and 15 (stime)
	} catch {
		return 0;
	}
}

const selfCpuS = () => {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1e6;
};

/** Snapshot for "CPU used by other processes" = system busy − helpers (server, proxy) − harness − client. */
export function cpuSnapshot(helperPids) {
	return { t: performance.now(), busy: systemBusyS(), helpers: helperPids.reduce((a, pid) => a + procCpuS(pid), 0), self: selfCpuS() };
}

/** Cores other processes kept busy between two snapshots, the client's own `clientCpuS` taken out. */
export function otherCores(a, b, clientCpuS) {
	const secs = (b.t - a.t) / 1000;
	return Math.max(0, b.busy - a.busy - (b.helpers - a.helpers) - (b.self - a.self) - clientCpuS) / secs;
}

/**
 * Before each run, waits until other processes use less than `quietCores`, but at most `gateMs` per run and
 * `budgetMs` in all. `wait` resolves with the last sample (NaN without /proc or with the gate off).
 */
export function quietGate({ quietCores, gateMs, budgetMs }) {
	let spentMs = 0;
	return {
		spentMs: () => spentMs,
		async wait(helperPids) {
			if (!HAVE_PROC || gateMs <= 0) {
				return NaN;
			}
			const start = performance.now();
			for (;;) {
				const a = cpuSnapshot(helperPids);
				await sleep(500);
				const load = otherCores(a, cpuSnapshot(helperPids), 0);
				const waited = performance.now() - start;
				if (load < quietCores || waited >= gateMs || spentMs + waited >= budgetMs) {
					spentMs += Math.max(0, waited - 500);
					return load;
				}
			}
		},
	};
}
