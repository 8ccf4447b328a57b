// The extension-host half of `npm run bench` (bench/download-bench.mjs): an `extensionTestsPath` module,
// run by scripts/run-integration-tests.js with LARK_IT_SUITE=out/test/bench/extensionHost.js. It is not
// part of the integration suite (that one only loads out/test/integration/**/*.test.js).
//
// It signs in to the benchmark's loopback Lark server, points larkDownloader.baseUrl at it, and times
// `larkDownloader.downloadResource` (the palette command, arguments given so nothing is prompted) with the
// extension's default settings. Each saved file is checked for size and SHA-256, then deleted.
//
// Input, through LARK_INTEGRATION_ENV:
//   LARK_BENCH_PLAN  JSON {appId, appSecret, messageId, fileKey, size, sha256, rounds: [{label, baseUrl, reps}],
//                          warmup?: {fileKey, size}, settleMs?}
// The optional warm-up is one untimed download (of a smaller file) after the first sign-in, followed by a pause
// of settleMs, so that the timed runs do not also measure the workbench still starting up and the JIT warming up.
// Output: one line per download, `LARK_BENCH {"label","rep","ms","bytes","sha","cpuMs","maxRssKiB"}`, then
// the runner's closing "N passed, N failed, N skipped" line. Lines are prefixed with $LARK_IT_LOG_PREFIX
// so that the code-server route relays them (see test/integration/index.ts).
import { createHash } from 'crypto';
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { pipeline } from 'stream/promises';
import * as util from 'util';
import * as vscode from 'vscode';

interface Round {
	label: string;
	baseUrl: string;
	reps: number;
}

interface Plan {
	appId: string;
	appSecret: string;
	messageId: string;
	fileKey: string;
	size: number;
	sha256: string;
	rounds: Round[];
	warmup?: { fileKey: string; size: number };
	settleMs?: number;
}

function log(...args: unknown[]): void {
	const prefix = process.env.LARK_IT_LOG_PREFIX ?? '';
	for (const line of util.format(...args).split('\n')) {
		console.log(prefix + line);
	}
}

function readPlan(): Plan {
	const raw = process.env.LARK_BENCH_PLAN;
	if (raw === undefined || raw === '') {
		throw new Error('LARK_BENCH_PLAN is not set (run this through `npm run bench`)');
	}
	const plan = JSON.parse(raw) as Plan;
	if (!Array.isArray(plan.rounds) || typeof plan.sha256 !== 'string' || !Number.isSafeInteger(plan.size)) {
		throw new Error('LARK_BENCH_PLAN is incomplete');
	}
	return plan;
}

async function sha256File(file: string): Promise<string> {
	const hash = createHash('sha256');
	await pipeline(fs.createReadStream(file, { highWaterMark: 1024 * 1024 }), hash);
	return hash.digest('hex');
}

async function setBaseUrl(value: string | undefined): Promise<void> {
	await vscode.workspace.getConfiguration('larkDownloader').update('baseUrl', value, vscode.ConfigurationTarget.Global);
}

async function downloadOnce(plan: Plan, round: Round, rep: number): Promise<boolean> {
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	const saved = await vscode.commands.executeCommand<string | undefined>('larkDownloader.downloadResource', {
		messageId: plan.messageId,
		fileKey: plan.fileKey,
		type: 'file',
	});
	const ms = performance.now() - t0;
	const cpu = process.cpuUsage(cpu0);
	const result: Record<string, unknown> = {
		label: round.label,
		rep,
		ms: Math.round(ms * 10) / 10,
		cpuMs: Math.round((cpu.user + cpu.system) / 1000),
		maxRssKiB: process.resourceUsage().maxRSS,
		node: process.version,
	};
	let ok = false;
	if (typeof saved !== 'string' || saved === '') {
		result.error = 'the command returned no path (see the extension log)';
	} else {
		try {
			result.bytes = (await fs.promises.stat(saved)).size;
			result.sha = await sha256File(saved);
			ok = result.bytes === plan.size && result.sha === plan.sha256;
			if (!ok) {
				result.error = `got ${String(result.bytes)} bytes with SHA-256 ${String(result.sha)}`;
			}
		} finally {
			await fs.promises.rm(saved, { force: true });
		}
	}
	result.ok = ok;
	log(`LARK_BENCH ${JSON.stringify(result)}`);
	return ok;
}

async function warmUp(plan: Plan, warmup: { fileKey: string; size: number }): Promise<void> {
	const t0 = performance.now();
	const saved = await vscode.commands.executeCommand<string | undefined>('larkDownloader.downloadResource', { messageId: plan.messageId, fileKey: warmup.fileKey, type: 'file' });
	if (typeof saved !== 'string' || saved === '') {
		throw new Error('the warm-up download returned no path (see the extension log)');
	}
	const { size } = await fs.promises.stat(saved);
	await fs.promises.rm(saved, { force: true });
	if (size !== warmup.size) {
		throw new Error(`the warm-up download has ${size} bytes, expected ${warmup.size}`);
	}
	log(`LARK_BENCH_WARMUP ${JSON.stringify({ ms: Math.round(performance.now() - t0) })}`);
}

export async function run(): Promise<void> {
	let passed = 0;
	let failed = 0;
	try {
		const plan = readPlan();
		const extension = vscode.extensions.getExtension('lark-downloader.lark-downloader');
		if (extension === undefined) {
			throw new Error('the extension is not loaded in this extension host');
		}
		await extension.activate();
		let warm = plan.warmup === undefined;
		for (const round of plan.rounds) {
			await setBaseUrl(round.baseUrl);
			await vscode.commands.executeCommand('larkDownloader.signIn', { brand: 'feishu', appId: plan.appId, appSecret: plan.appSecret });
			if (!warm && plan.warmup !== undefined) {
				await warmUp(plan, plan.warmup);
				await new Promise((resolve) => setTimeout(resolve, plan.settleMs ?? 0));
				warm = true;
			}
			for (let rep = 0; rep < round.reps; rep++) {
				if (await downloadOnce(plan, round, rep)) {
					passed++;
				} else {
					failed++;
				}
			}
		}
		await vscode.commands.executeCommand('larkDownloader.signOut');
		await setBaseUrl(undefined);
	} catch (error) {
		failed++;
		log(`LARK_BENCH_ERROR ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	}
	log(`${passed} passed, ${failed} failed, 0 skipped`);
	if (failed > 0) {
		throw new Error(`${failed} benchmark download(s) failed`);
	}
}
