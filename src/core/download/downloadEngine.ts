import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Identity } from '../auth/tokenProvider';
import { acquireFileLock } from '../util/fileLock';
import type { ApiSession } from '../http/apiSession';
import { formatRange } from './contentRange';
import { DEFAULT_PROBE_SIZE, type Destination, type DownloadOptions, type DownloadResult, type EngineSettings, type Target } from './downloadOptions';
import { extensionOf } from './fileName';
import { resolveInsideRoot, validateRelativeOutput } from './pathSafety';
import { RangeSet } from './rangeSet';
import { resourcePath, validateResourceRef, type ResourceRef } from './resource';
import { inspectPriorState } from './priorState';
import { readResumeRecord, resourceIdentity, resourceLockPath, resumeRecordPath } from './resumeState';
import { freshTransfer, resumeTransfer } from './transfer';

export { DEFAULT_CONCURRENCY, DEFAULT_PART_SIZE, DEFAULT_PROBE_SIZE, type DownloadOptions, type DownloadResult } from './downloadOptions';

export interface RequestPlan {
	method: 'GET';
	url: string;
	headers: Record<string, string>;
	identity: Identity;
	plannedOutput: string;
	resumableBytes?: number;
}

/**
 * Downloads one message resource: a ranged probe, then the rest in verified parts (in parallel),
 * streamed into `<name>.part` beside the target, fsynced and moved into place without clobbering.
 * An interrupted ranged download keeps its .part and a small resume record for the next run.
 */
export class DownloadEngine {
	constructor(
		private readonly session: ApiSession,
		private readonly settings: EngineSettings = {},
	) {}

	get identity(): Identity {
		return this.session.identity;
	}

	/** What `download` would request, with the token redacted; makes no request. */
	async plan(refInput: ResourceRef, options: DownloadOptions): Promise<RequestPlan> {
		const ref = validateResourceRef(refInput);
		const output = options.output === undefined ? undefined : validateRelativeOutput(options.output);
		const directory = await this.targetDirectory(options, output);
		const probeSize = options.probeSize ?? DEFAULT_PROBE_SIZE;
		const identity = resourceIdentity(ref, this.session.baseUrl);
		const record = await readResumeRecord(resumeRecordPath(directory, identity), identity);
		const plannedOutput = output === undefined
			? path.join(directory, '<name from Content-Disposition, else the file key + the extension of Content-Type>')
			: path.join(directory, path.basename(output)) + (extensionOf(path.basename(output)) === '' ? ' + the extension from Content-Disposition or Content-Type' : '');
		return {
			method: 'GET',
			url: this.session.url(resourcePath(ref), { type: ref.type }),
			headers: {
				Authorization: `Bearer <${this.session.identity === 'bot' ? 'tenant' : 'user'}_access_token redacted>`,
				Range: formatRange(0, probeSize - 1),
				'Accept-Encoding': 'identity',
				'User-Agent': this.session.userAgent,
			},
			identity: this.session.identity,
			plannedOutput: record === undefined ? plannedOutput : path.join(directory, record.fileName),
			...(record === undefined ? {} : { resumableBytes: new RangeSet(record.completed).size }),
		};
	}

	async download(refInput: ResourceRef, options: DownloadOptions): Promise<DownloadResult> {
		const ref = validateResourceRef(refInput);
		const output = options.output === undefined ? undefined : validateRelativeOutput(options.output);
		const directory = await this.targetDirectory(options, output);
		const identity = resourceIdentity(ref, this.session.baseUrl);
		const recordPath = resumeRecordPath(directory, identity);
		// The lock lives beside the record, so the folder must exist; one we made and left empty goes again.
		const created = await fs.mkdir(directory, { recursive: true });
		try {
			// One download of a resource into a folder at a time: a second run would adopt the first one's .part.
			const lock = await acquireFileLock(resourceLockPath(recordPath), {
				what: `The download of ${ref.messageId}/${ref.fileKey} into this folder`,
				hint: 'Wait for that download to finish, or stop it; then run this again to use what it saved.',
			});
			try {
				return await this.downloadLocked(ref, options, output, directory, identity, recordPath);
			} finally {
				await lock.release();
			}
		} finally {
			if (created !== undefined) {
				await removeEmptyFolders(directory, created);
			}
		}
	}

	private async downloadLocked(ref: ResourceRef, options: DownloadOptions, output: string | undefined, directory: string, identity: string, recordPath: string): Promise<DownloadResult> {
		const requested = output ?? null;
		const prior = await inspectPriorState(directory, recordPath, identity, requested);
		if (prior.kind === 'committed') {
			options.onEvent?.({ kind: 'finished', savedPath: prior.savedPath, sizeBytes: prior.sizeBytes });
			return { savedPath: prior.savedPath, sizeBytes: prior.sizeBytes, identity: this.session.identity, resumedBytes: prior.sizeBytes };
		}
		const destination: Destination = { directory, recordPath, identity, requested };
		if (prior.kind === 'resume') {
			const record = prior.record;
			const target: Target = { ...destination, fileName: record.fileName, partPath: path.join(directory, record.partName) };
			const validators = {
				...(record.validator === undefined ? {} : { etag: record.validator }),
				...(record.lastModified === undefined ? {} : { lastModified: record.lastModified }),
			};
			const resumed = await resumeTransfer(this.session, this.settings, ref, options, target, { total: record.total, validators }, new RangeSet(record.completed));
			if (resumed !== 'changed') {
				return resumed;
			}
			options.onEvent?.({ kind: 'restarted', cause: 'resource-changed', reason: 'The resource changed since the interrupted download; starting over.' });
		}
		return freshTransfer(this.session, this.settings, ref, options, destination, output);
	}

	/** The real folder files land in, refused if it lies outside the root. */
	private async targetDirectory(options: DownloadOptions, output: string | undefined): Promise<string> {
		let relativeDir = '.';
		if (output !== undefined) {
			relativeDir = path.posix.dirname(output);
		} else if (options.directory !== undefined && options.directory.trim() !== '' && options.directory.trim() !== '.') {
			relativeDir = validateRelativeOutput(options.directory);
		}
		return resolveInsideRoot(options.root, relativeDir);
	}
}

/** Removes `directory` and its parents up to and including `topmost` while they are empty (what mkdir made). */
async function removeEmptyFolders(directory: string, topmost: string): Promise<void> {
	for (let current = directory; ; current = path.dirname(current)) {
		try {
			await fs.rmdir(current); // fails on a folder that is not empty: then it, and its parents, stay
		} catch {
			return;
		}
		if (current === topmost || path.dirname(current) === current) {
			return;
		}
	}
}
