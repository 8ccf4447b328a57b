import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { LarkError, toLarkError } from '../errors';
import type { ApiSession } from '../http/apiSession';
import { discardBody, type HttpResponse } from '../http/httpClient';
import { commitPartFile, openFreePart, type ClaimedPart } from './commitFile';
import { autoPartSize, DEFAULT_CONCURRENCY, DEFAULT_PROBE_SIZE, type Destination, type DownloadOptions, type DownloadResult, type EngineSettings, type Target } from './downloadOptions';
import { plannedRelativePath } from './fileName';
import { resolveInsideRoot } from './pathSafety';
import { pathExists } from '../util/pathExists';
import { OpenPart } from './openPart';
import { openExistingPart } from './partFile';
import { PartLedger, type Resumable } from './partLedger';
import { fetchMissingParts, writeProbePart } from './partPool';
import type { RangeSet } from './rangeSet';
import type { ResourceRef } from './resource';
import { ResourceRequests } from './resourceRequests';
import { RangeIgnored, ResourceChanged } from './responseChecks';
import type { Validators } from './validators';
import { streamWholeBody } from './wholeBody';

// The lifecycle of one download: fresh (probe, claim a name) or resume, then finish, or fail.

const RESUMABLE_TYPES = new Set(['cancelled', 'network', 'rate_limit']);

/** Continues from a resume record; 'changed' when the resource's size is no longer the same. */
export async function resumeTransfer(
	session: ApiSession,
	settings: EngineSettings,
	ref: ResourceRef,
	options: DownloadOptions,
	target: Target,
	resumable: Resumable,
	completed: RangeSet,
): Promise<DownloadResult | 'changed'> {
	const requests = new ResourceRequests(session, ref, options.onEvent);
	return new Transfer(requests, settings, options, target, new PartLedger(target, completed), { ...resumable, ranged: true }).resume();
}

/** Downloads from byte 0: probes, names the file from the answer, claims its .part, then fetches the rest. */
export async function freshTransfer(session: ApiSession, settings: EngineSettings, ref: ResourceRef, options: DownloadOptions, destination: Destination, output: string | undefined): Promise<DownloadResult> {
	const requests = new ResourceRequests(session, ref, options.onEvent);
	const probe = await requests.probe(options.probeSize ?? DEFAULT_PROBE_SIZE, options.signal);
	let claimed: ClaimedPart;
	try {
		claimed = await claimName(destination, ref.fileKey, output, probe.response, options);
	} catch (error) {
		discardBody(probe.response.body);
		throw toLarkError(error, options.signal);
	}
	const target: Target = { ...destination, fileName: claimed.fileName, partPath: path.join(destination.directory, `${claimed.fileName}.part`) };
	const known = { total: probe.total, validators: probe.validators, ranged: probe.response.status === 206 };
	return new Transfer(requests, settings, options, target, new PartLedger(target), known, claimed).fresh(probe.response);
}

/** The name the answer gives (or `output`), made free under the conflict policy by creating its .part. */
async function claimName(destination: Destination, fileKey: string, output: string | undefined, probe: HttpResponse, options: DownloadOptions): Promise<ClaimedPart> {
	await fs.mkdir(destination.directory, { recursive: true });
	const requestedName = path.basename(plannedRelativePath({
		fileKey,
		output,
		contentDisposition: probe.headers['content-disposition'],
		contentType: probe.headers['content-type'],
	}));
	let policy = options.onConflict ?? 'rename';
	const existing = path.join(destination.directory, requestedName);
	if (options.askOnConflict !== undefined && policy !== 'overwrite' && (await pathExists(existing))) {
		policy = await options.askOnConflict(existing);
	}
	return openFreePart(destination.directory, requestedName, policy, options.savedThisRun);
}

/** What is known of the resource when a transfer starts. */
interface Known {
	total: number | undefined;
	/** The probe's strong ETag and Last-Modified, if the server sends them; every later part must carry the same. */
	validators: Validators;
	/** False in whole-body mode (the server answered a range with 200): such a .part cannot be resumed. */
	ranged: boolean;
}

/** One run of one download; owns the open .part file and the progress count. */
class Transfer {
	/** The open .part with its one writer (bytes are counted as it writes them) and its hasher. */
	private part: OpenPart | undefined;
	private total: number | undefined;
	private ranged: boolean;
	private readonly validators: Validators;
	private bytesDone: number;
	/** Frees the claimed name for other downloads of this process (see openFreePart). */
	private readonly releaseName: () => void;
	private readonly signal: AbortSignal | undefined;

	constructor(
		private readonly requests: ResourceRequests,
		private readonly settings: EngineSettings,
		private readonly options: DownloadOptions,
		private readonly target: Target,
		private readonly ledger: PartLedger,
		known: Known,
		claimed?: ClaimedPart,
	) {
		this.total = known.total;
		this.validators = known.validators;
		this.ranged = known.ranged;
		this.part = claimed === undefined ? undefined : this.open(claimed.file);
		this.releaseName = claimed?.release ?? ((): void => undefined);
		this.bytesDone = ledger.verifiedBytes;
		this.signal = options.signal;
	}

	async resume(): Promise<DownloadResult | 'changed'> {
		const resumedBytes = this.ledger.verifiedBytes;
		try {
			this.part = this.open(await openExistingPart(this.target.partPath, { truncate: false }));
			this.emitStarted(resumedBytes);
			await this.fetchParts(undefined);
			return await this.finish(resumedBytes);
		} catch (error) {
			const failure = toLarkError(error, this.signal);
			if (failure instanceof ResourceChanged) {
				await this.discard();
				return 'changed';
			}
			throw await this.fail(failure);
		}
	}

	async fresh(probe: HttpResponse): Promise<DownloadResult> {
		try {
			await this.persist();
			this.emitStarted(0);
			if (this.ranged) {
				await this.fetchParts(probe);
			} else {
				await this.streamWhole(probe);
			}
			return await this.finish(0);
		} catch (error) {
			discardBody(probe.body);
			throw await this.fail(toLarkError(error, this.signal));
		}
	}

	/** Ranged mode: the probe's body (fresh) is the first part, then the missing parts through the pool. */
	private async fetchParts(probe: HttpResponse | undefined): Promise<void> {
		const resumable = { total: this.requireTotal(), validators: this.validators };
		const part = this.requirePart();
		const sink = { requests: this.requests, writer: part.writer, file: part.file, ledger: this.ledger, resumable };
		if (probe !== undefined) {
			await writeProbePart(sink, probe, this.signal);
		}
		try {
			const concurrency = this.options.concurrency ?? DEFAULT_CONCURRENCY;
			await fetchMissingParts(sink, this.options.partSize ?? autoPartSize(resumable.total, concurrency), concurrency, this.signal);
		} catch (error) {
			if (!(error instanceof RangeIgnored)) {
				throw toLarkError(error, this.signal);
			}
			// The server stopped honouring Range: never splice; restart with one whole-body GET.
			this.options.onEvent?.({ kind: 'restarted', cause: 'range-ignored', reason: 'The server ignored a range request; downloading the whole file again.' });
			this.ranged = false;
			await this.persist(); // the ranges recorded so far no longer describe the .part
			await this.streamWhole(undefined);
		}
	}

	/** Whole-body mode (wholeBody.ts): what it wrote is the size, and all of it is verified. */
	private async streamWhole(first: HttpResponse | undefined): Promise<void> {
		const sink = {
			requests: this.requests,
			file: this.requirePart().file,
			writer: this.requirePart().writer,
			expectedTotal: this.total,
			onAttempt: async (): Promise<void> => {
				this.bytesDone = 0;
				this.ledger.replaceWithWhole(0); // nothing of the earlier attempt counts
				await this.part?.restartHash();
			},
		};
		const size = await streamWholeBody(sink, first, this.signal);
		this.total = size;
		this.ledger.replaceWithWhole(size);
	}

	private async finish(resumedBytes: number): Promise<DownloadResult> {
		const part = this.requirePart();
		await part.drain();
		await this.ledger.settled();
		const { size } = await part.file.stat();
		const total = this.requireTotal();
		if (size !== total || this.ledger.verifiedBytes !== total) {
			throw new LarkError('protocol', `File size mismatch: expected ${total} bytes, have ${this.ledger.verifiedBytes} verified of ${size} on disk.`, {
				hint: 'The transfer was incomplete; run the command again to continue.',
				retryable: true,
			});
		}
		const sha256 = await part.syncAndClose(total);
		this.part = undefined;
		// Check the folder again right before the rename: a symlink swapped in meanwhile must not redirect the file.
		const root = await fs.realpath(this.options.root);
		await resolveInsideRoot(root, path.relative(root, path.join(this.target.directory, this.target.fileName)));
		const savedPath = await commitPartFile(this.target.partPath, path.join(this.target.directory, this.target.fileName), this.options.onConflict ?? 'rename');
		this.options.savedThisRun?.add(savedPath);
		this.releaseName();
		await this.ledger.remove();
		this.options.onEvent?.({ kind: 'finished', savedPath, sizeBytes: size });
		return { savedPath, sizeBytes: size, identity: this.requests.identity, resumedBytes, sha256 };
	}

	/** Keeps a resumable .part (with its record) after cancel or network trouble; removes everything else. */
	private async fail(error: LarkError): Promise<LarkError> {
		const keep = this.ranged && this.total !== undefined && this.ledger.verifiedBytes > 0 && (RESUMABLE_TYPES.has(error.type) || error.retryable);
		if (keep) {
			await this.persist().catch(() => undefined); // while the .part is open: it is synced first
			await this.closeFile();
		} else {
			await this.discard();
		}
		return error;
	}

	private async closeFile(): Promise<void> {
		await this.part?.close();
		this.part = undefined;
		this.releaseName();
	}

	private async discard(): Promise<void> {
		await this.closeFile();
		await this.ledger.discard();
	}

	/** Saves the record: resumable while ranged with a known size, else a whole-body download's (total null). */
	private persist(): Promise<void> {
		return this.ledger.save(this.part?.file, this.ranged && this.total !== undefined ? { total: this.total, validators: this.validators } : undefined);
	}

	/**
	 * Opens the .part for writing: written bytes feed the ledger, the hasher and the progress count; every ~64 MiB the record is brought up to date in the
	 * background (synced first), so a crash loses little and the final fsync has little left to do.
	 */
	private open(file: FileHandle): OpenPart {
		return new OpenPart(file, this.settings.blockingFileIo === true, this.ledger.prefixEnd, this.total, {
			onWritten: (start, end) => {
				this.ledger.add(start, end);
				this.countBytes(end - start);
				return this.ledger.prefixEnd;
			},
			onSyncDue: () => {
				if (this.ranged) {
					void this.persist().catch(() => undefined);
				}
			},
		});
	}

	private countBytes(n: number): void {
		this.bytesDone += n;
		const bytesDone = this.total === undefined ? this.bytesDone : Math.min(this.bytesDone, this.total);
		this.options.onEvent?.({ kind: 'progress', bytesDone, totalBytes: this.total });
	}

	private emitStarted(resumedBytes: number): void {
		this.options.onEvent?.({ kind: 'started', fileName: this.target.fileName, totalBytes: this.total, resumedBytes });
	}

	private requirePart(): OpenPart {
		if (this.part === undefined) {
			throw new LarkError('io', 'The .part file is not open.');
		}
		return this.part;
	}

	private requireTotal(): number {
		if (this.total === undefined) {
			throw new LarkError('protocol', 'The resource size is unknown.');
		}
		return this.total;
	}
}
