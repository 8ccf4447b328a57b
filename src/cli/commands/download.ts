import { parseArgs } from 'node:util';
import type { ConflictPolicy } from '../../core/download/commitFile';
import { intactDownload, recordDownload } from '../../core/app/recordDownload';
import { validateRelativeOutput } from '../../core/download/pathSafety';
import { validateResourceRef } from '../../core/download/resource';
import { LarkError } from '../../core/errors';
import { cliDownloadEngine, openSession, parseIdentityChoice, type CliContext } from '../context';
import { printSuccess } from '../output';
import { createProgressRenderer } from '../progressRenderer';
import { describeDryRun } from '../../core/app/dryRun';

export const DOWNLOAD_USAGE = 'lark-dl download --message-id om_… --file-key KEY --type image|file [--output PATH] [--as auto|user|bot] [--dry-run] [--force] [--on-conflict rename|overwrite|fail] [--part-size BYTES] [--concurrency N]';

export function parseConflictPolicy(value: string | undefined): ConflictPolicy {
	const policy = (value ?? 'rename').trim();
	if (policy !== 'rename' && policy !== 'overwrite' && policy !== 'fail') {
		throw new LarkError('validation', `Invalid --on-conflict ${JSON.stringify(value)}: use rename, overwrite or fail.`);
	}
	return policy;
}

export function parsePositiveInteger(name: string, value: string | undefined, min: number, max: number): number | undefined {
	if (value === undefined) {
		return undefined;
	}
	const n = Number(value);
	if (!Number.isSafeInteger(n) || n < min || n > max) {
		throw new LarkError('validation', `Invalid ${name} ${JSON.stringify(value)}: use an integer from ${min} to ${max}.`);
	}
	return n;
}

export async function runDownload(args: string[], context: CliContext): Promise<number> {
	const { values } = parseArgs({
		args,
		strict: true,
		allowPositionals: false,
		options: {
			'message-id': { type: 'string' },
			'file-key': { type: 'string' },
			type: { type: 'string' },
			output: { type: 'string' },
			as: { type: 'string' },
			'dry-run': { type: 'boolean' },
			force: { type: 'boolean' },
			'on-conflict': { type: 'string' },
			'part-size': { type: 'string' },
			concurrency: { type: 'string' },
		},
	});
	// Everything is validated before the first request.
	const ref = validateResourceRef({ messageId: values['message-id'], fileKey: values['file-key'], type: values.type });
	const output = values.output === undefined ? undefined : validateRelativeOutput(values.output);
	const choice = parseIdentityChoice(values.as);
	const onConflict = parseConflictPolicy(values['on-conflict']);
	const partSize = parsePositiveInteger('--part-size', values['part-size'], 64 * 1024, 1024 * 1024 * 1024);
	const concurrency = parsePositiveInteger('--concurrency', values.concurrency, 1, 32);
	const session = openSession(context, choice);
	const engine = cliDownloadEngine(session);
	const options = {
		root: context.cwd,
		output,
		onConflict,
		partSize,
		concurrency,
		signal: context.signal,
		onEvent: createProgressRenderer(context.io.stderr),
	};
	try {
		if (values['dry-run'] === true) {
			const plan = await engine.plan(ref, options);
			context.io.stderr.write('=== Dry Run (no request sent, nothing written) ===\n');
			printSuccess(context.io, { ok: true, ...describeDryRun(plan) });
			return 0;
		}
		// The folder's record says whether this resource is here already: reported, not copied again as "(1)".
		const already = values.force === true ? undefined : await intactDownload(context.cwd, ref);
		if (already !== undefined) {
			context.io.stderr.write(`Already downloaded: ${already.absolutePath} (use --force to download it again).\n`);
			printSuccess(context.io, { ok: true, data: { saved_path: already.absolutePath, size_bytes: already.entry.size, sha256: already.entry.sha256, already_downloaded: true } });
			return 0;
		}
		const result = await engine.download(ref, options);
		const recorded = await recordDownload(context.cwd, ref, result, { keepDuplicates: true, signal: context.signal });
		printSuccess(context.io, { ok: true, identity: result.identity, data: { saved_path: recorded.savedPath, size_bytes: result.sizeBytes } });
		return 0;
	} finally {
		await session.http.close();
	}
}
