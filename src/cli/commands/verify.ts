import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { MANIFEST_FILE_NAME } from '../../core/archive/manifestFormat';
import { manifestPath } from '../../core/archive/manifestStore';
import { verifyArchive } from '../../core/archive/verifyArchive';
import { pathExists } from '../../core/util/pathExists';
import { validateRelativeFolder } from '../../core/download/pathSafety';
import { LarkError } from '../../core/errors';
import type { CliContext } from '../context';
import { printSuccess } from '../output';

export const VERIFY_USAGE = 'lark-dl verify [DIR]';

/** Exit status when a recorded file is missing or changed. */
export const EXIT_NOT_INTACT = 1;

/** Re-hashes the download folder against its manifest: missing, changed and unknown files. No request is made. */
export async function runVerify(args: string[], context: CliContext): Promise<number> {
	const { positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: {} });
	if (positionals.length > 1) {
		throw new LarkError('validation', 'Give at most one folder to verify.');
	}
	const folder = path.resolve(context.cwd, validateRelativeFolder(positionals[0] ?? '.'));
	if (!(await pathExists(manifestPath(folder)))) {
		throw new LarkError('validation', `No download record (${MANIFEST_FILE_NAME}) in ${folder}: nothing to verify.`, { hint: 'Give the folder that `lark-dl download-all --into DIR` or `lark-dl sync --into DIR` saved into.' });
	}
	const report = await verifyArchive(folder, { signal: context.signal });
	context.io.stderr.write(`${report.intact ? 'Intact' : 'NOT intact'}: ${report.ok.length} files as recorded, ${report.missing.length} missing, ${report.changed.length} changed, ${report.unknown.length} not in the record.\n`);
	printSuccess(context.io, {
		ok: report.intact,
		data: {
			folder,
			checked: report.checked,
			intact: report.intact,
			missing: report.missing.map((resource) => ({ path: resource.path, message_id: resource.messageId, key: resource.fileKey, size_bytes: resource.size })),
			changed: report.changed.map(({ resource, actualSize, actualSha256 }) => ({ path: resource.path, message_id: resource.messageId, key: resource.fileKey, size_bytes: resource.size, actual_size_bytes: actualSize, ...(actualSha256 === undefined ? {} : { actual_sha256: actualSha256 }), sha256: resource.sha256 })),
			unknown: report.unknown,
		},
	});
	return report.intact ? 0 : EXIT_NOT_INTACT;
}
