import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { LarkError, toLarkError } from '../errors';
import { classifyLarkCode } from '../larkErrorCodes';
import type { ApiSession, RetryNotice } from '../http/apiSession';
import { discardBody, type HttpResponse } from '../http/httpClient';
import { commitPartFile, openFreePart } from './commitFile';
import { formatRange, parseContentRange } from './contentRange';
import { DEFAULT_CONCURRENCY, DEFAULT_PART_SIZE, DEFAULT_PROBE_SIZE, type DownloadOptions, type DownloadResult, type Target } from './downloadOptions';
import { plannedRelativePath } from './fileName';
import { resolveInsideRoot } from './pathSafety';
import { pathExists } from '../util/pathExists';
import { fetchParts } from './partPool';
import { RangeSet } from './rangeSet';
import { resourcePath, type ResourceRef } from './resource';
import { openExistingPart } from './partFile';
import { writeResumeRecord } from './resumeState';
import { assertIdentityEncoding, checkedTotal, checkPartAnswer, contentLength, RangeIgnored, ResourceChanged, sizeChanged, unexpectedStatus } from './responseChecks';
import { ifRange, validatorsOf, type Validators } from './validators';
import { writeBodyAt } from './writeBody';

const RESUMABLE_TYPES = new Set(['cancelled', 'network', 'rate_limit']);

/** One run of one download; owns the open .part file and the progress count. */
export class Transfer {
	private file: FileHandle | undefined;
	private completed = new RangeSet();
	private total: number | undefined;
	/** The probe's strong ETag, if the server sends one; every later part must carry the same. */
	private validators: Validators = {};
	private bytesDone = 0;
	private ranged = true;
	private persistChain: Promise<void> = Promise.resolve();
	/** Frees the claimed name for other downloads of this process (see openFreePart). */
	private releaseName: () => void = () => undefined;
	private readonly url: string;
	private readonly signal: AbortSignal | undefined;

	constructor(
		private readonly session: ApiSession,
		private readonly ref: ResourceRef,
		private readonly options: DownloadOptions,
		private target: Target,
	) {
		this.url = session.url(resourcePath(ref), { type: ref.type });
		this.signal = options.signal;
	}

	/** Continues from a resume record; 'changed' when the resource's size is no longer the same. */
	async resume(total: number, completed: RangeSet, validators: Validators): Promise<DownloadResult | 'changed'> {
		this.total = total;
		this.validators = validators;
		this.completed = completed;
		this.bytesDone = completed.size;
		const resumedBytes = completed.size;
		try {
			this.file = await openExistingPart(this.target.partPath, { truncate: false });
			this.emitStarted(resumedBytes);
			await this.fetchMissingParts();
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

	async fresh(output: string | undefined): Promise<DownloadResult> {
		const probe = await this.probe();
		try {
			await fs.mkdir(this.target.directory, { recursive: true });
			const requestedName = path.basename(plannedRelativePath({
				fileKey: this.ref.fileKey,
				output,
				contentDisposition: probe.headers['content-disposition'],
				contentType: probe.headers['content-type'],
			}));
			let policy = this.options.onConflict ?? 'rename';
			const existing = path.join(this.target.directory, requestedName);
			if (this.options.askOnConflict !== undefined && policy !== 'overwrite' && (await pathExists(existing))) {
				policy = await this.options.askOnConflict(existing);
			}
			const claimed = await openFreePart(this.target.directory, requestedName, policy, this.options.savedThisRun);
			this.releaseName = claimed.release;
			this.target = { ...this.target, fileName: claimed.fileName, partPath: path.join(this.target.directory, `${claimed.fileName}.part`) };
			this.file = claimed.file;
			this.ranged = probe.status === 206;
			await this.persist();
			this.emitStarted(0);
			if (this.ranged) {
				await this.writeProbe(probe);
				await this.fetchMissingParts();
			} else {
				await this.streamWhole(probe);
			}
			return await this.finish(0);
		} catch (error) {
			discardBody(probe.body);
			throw await this.fail(toLarkError(error, this.signal));
		}
	}

	/** First request: a small range tells the size; 400/416 (e.g. an empty file) falls back to a plain GET. */
	private async probe(): Promise<HttpResponse> {
		const probeSize = this.options.probeSize ?? DEFAULT_PROBE_SIZE;
		let response: HttpResponse;
		try {
			response = await this.request({ range: formatRange(0, probeSize - 1) });
		} catch (error) {
			const failure = toLarkError(error, this.signal);
			// A 400 that carries a Lark code we know (no access, card not served, too large, ...) is an answer about
			// the resource, not about the Range header: asking again without Range would only repeat it.
			const knownCode = failure.code !== undefined && classifyLarkCode(failure.code) !== undefined;
			const rangeRefused = failure.httpStatus === 416 || (failure.httpStatus === 400 && !knownCode && (failure.type === 'api' || failure.code === undefined));
			if (!rangeRefused) {
				throw failure;
			}
			response = await this.request({});
		}
		try {
			assertIdentityEncoding(response);
			this.validators = validatorsOf(response);
			if (response.status === 206) {
				const range = parseContentRange(response.headers['content-range']);
				if (range.start !== 0) {
					throw new LarkError('protocol', `The first ranged response started at byte ${range.start}, not 0.`, { retryable: true });
				}
				this.total = checkedTotal(range.total);
			} else if (response.status === 200) {
				const length = contentLength(response);
				this.total = length === undefined ? undefined : checkedTotal(length);
			} else {
				throw unexpectedStatus(response.status);
			}
		} catch (error) {
			discardBody(response.body);
			throw error;
		}
		return response;
	}

	/** Sends one authorized GET with retries; 2xx/3xx below 400 come back, errors are thrown typed. */
	private request(extraHeaders: { range?: string }, signal = this.signal): Promise<HttpResponse> {
		return this.session.withRetries(() => this.sendOnce(extraHeaders, signal), signal, (notice) => this.emitRetry(notice));
	}

	private sendOnce(extraHeaders: { range?: string }, signal: AbortSignal | undefined): Promise<HttpResponse> {
		// With a validator, a ranged request is conditional: a file that changed comes back whole (200), never spliced.
		const condition = extraHeaders.range === undefined ? undefined : ifRange(this.validators);
		return this.session.send({
			url: this.url,
			headers: {
				'accept-encoding': 'identity',
				...(extraHeaders.range === undefined ? {} : { range: extraHeaders.range }),
				...(condition === undefined ? {} : { 'if-range': condition }),
			},
			signal,
		});
	}

	private async writeProbe(probe: HttpResponse): Promise<void> {
		const range = parseContentRange(probe.headers['content-range']);
		const declared = range.end - range.start + 1;
		const result = await writeBodyAt(probe.body, this.requireFile(), 0, declared, (n) => this.countBytes(n), this.signal);
		this.completed.add(0, result.written);
		if (result.error !== undefined && !result.error.retryable) {
			throw result.error;
		}
		// A probe cut short is just a gap: the part planner requests what is missing.
		await this.persist();
	}

	private async fetchMissingParts(): Promise<void> {
		const gaps = this.completed.missing(this.requireTotal());
		try {
			await fetchParts(gaps, this.options.partSize ?? DEFAULT_PART_SIZE, this.options.concurrency ?? DEFAULT_CONCURRENCY, this.signal, (start, end, signal) => this.fetchPart(start, end, signal));
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

	/** Fetches [start, end] (inclusive), continuing after short or truncated answers. */
	private async fetchPart(start: number, end: number, signal: AbortSignal): Promise<void> {
		const total = this.requireTotal();
		let position = start;
		let responses = 0;
		while (position <= end) {
			await this.session.withRetries(async () => {
				if (++responses > 64) {
					throw new LarkError('protocol', `Gave up on bytes ${position}-${end}: the server kept answering with tiny parts.`);
				}
				const response = await this.sendOnce({ range: formatRange(position, end) }, signal);
				let declared: number;
				try {
					declared = checkPartAnswer(response, position, total, this.validators);
				} catch (error) {
					discardBody(response.body);
					throw error;
				}
				const result = await writeBodyAt(response.body, this.requireFile(), position, declared, (n) => this.countBytes(n), signal);
				this.completed.add(position, position + result.written);
				position += result.written;
				if (result.error !== undefined) {
					await this.persist();
					throw result.error;
				}
			}, signal, (notice) => this.emitRetry(notice));
		}
		await this.persist();
	}

	/** Whole-body mode for servers without Range; a broken transfer restarts from byte 0. */
	private async streamWhole(first: HttpResponse | undefined): Promise<void> {
		const expectedTotal = this.total;
		let pending = first;
		await this.session.withRetries(async () => {
			const response = pending ?? (await this.sendOnce({}, this.signal));
			pending = undefined;
			if (response.status !== 200) {
				discardBody(response.body);
				throw unexpectedStatus(response.status);
			}
			try {
				assertIdentityEncoding(response);
			} catch (error) {
				discardBody(response.body);
				throw error;
			}
			const length = contentLength(response);
			if (expectedTotal !== undefined && length !== undefined && length !== expectedTotal) {
				discardBody(response.body);
				throw sizeChanged(expectedTotal, length);
			}
			const file = this.requireFile();
			await file.truncate(0);
			this.completed = new RangeSet();
			this.bytesDone = 0;
			// A size the probe declared is the size: a restart without Content-Length may not deliver more or less.
			const expected = length ?? expectedTotal;
			const result = await writeBodyAt(response.body, file, 0, expected, (n) => this.countBytes(n), this.signal);
			if (result.error !== undefined) {
				throw result.error;
			}
			this.total = result.written;
			this.completed.add(0, result.written);
		}, this.signal, (notice) => this.emitRetry(notice));
	}

	private async finish(resumedBytes: number): Promise<DownloadResult> {
		const file = this.requireFile();
		const { size } = await file.stat();
		const total = this.requireTotal();
		if (size !== total || this.completed.size !== total) {
			throw new LarkError('protocol', `File size mismatch: expected ${total} bytes, have ${this.completed.size} verified of ${size} on disk.`, {
				hint: 'The transfer was incomplete; run the command again to continue.',
				retryable: true,
			});
		}
		await file.sync();
		await file.close();
		this.file = undefined;
		// Check the folder again right before the rename: a symlink swapped in meanwhile must not redirect the file.
		const root = await fs.realpath(this.options.root);
		await resolveInsideRoot(root, path.relative(root, path.join(this.target.directory, this.target.fileName)));
		const savedPath = await commitPartFile(this.target.partPath, path.join(this.target.directory, this.target.fileName), this.options.onConflict ?? 'rename');
		this.options.savedThisRun?.add(savedPath);
		this.releaseName();
		await fs.rm(this.target.recordPath, { force: true });
		this.options.onEvent?.({ kind: 'finished', savedPath, sizeBytes: size });
		return { savedPath, sizeBytes: size, identity: this.session.identity, resumedBytes };
	}

	/** Keeps a resumable .part (with its record) after cancel or network trouble; removes everything else. */
	private async fail(error: LarkError): Promise<LarkError> {
		if (this.target.partPath === '') {
			await this.closeFile();
			return error;
		}
		const keep = this.ranged && this.total !== undefined && this.completed.size > 0 && (RESUMABLE_TYPES.has(error.type) || error.retryable);
		if (keep) {
			await this.persist().catch(() => undefined); // while the .part is open: it is synced first
			await this.closeFile();
		} else {
			await this.discard();
		}
		return error;
	}

	private async closeFile(): Promise<void> {
		await this.file?.close().catch(() => undefined);
		this.file = undefined;
		this.releaseName();
	}

	private async discard(): Promise<void> {
		await this.closeFile();
		await fs.rm(this.target.partPath, { force: true });
		await fs.rm(this.target.recordPath, { force: true });
	}

	/** Records verified ranges; serialised so concurrent parts never interleave writes of the record. */
	/**
	 * Records which resource the .part belongs to and which bytes are verified. Written from the moment the .part
	 * is claimed, so a .part of ours always has a record (a rerun then knows it may reuse or clean it); a
	 * whole-body download is recorded as not resumable (total null).
	 */
	private persist(): Promise<void> {
		if (this.target.partPath === '') {
			return this.persistChain;
		}
		const resumable = this.ranged && this.total !== undefined;
		const snapshot = {
			resource: this.target.identity,
			requested: this.target.requested,
			fileName: this.target.fileName,
			partName: path.basename(this.target.partPath),
			total: resumable ? this.total ?? null : null,
			...(this.validators.etag === undefined || !resumable ? {} : { validator: this.validators.etag }),
			...(this.validators.lastModified === undefined || !resumable ? {} : { lastModified: this.validators.lastModified }),
			completed: resumable ? this.completed.toJSON() : [],
		};
		// The record only ever claims bytes already on the disk: the .part is synced before it is written.
		const file = this.file;
		this.persistChain = this.persistChain.then(async () => {
			try {
				await file?.datasync();
			} catch {
				return; // not durable (e.g. closed meanwhile): the previous record, which claims less, stays
			}
			await writeResumeRecord(this.target.recordPath, snapshot);
		});
		return this.persistChain;
	}

	private countBytes(n: number): void {
		this.bytesDone += n;
		const bytesDone = this.total === undefined ? this.bytesDone : Math.min(this.bytesDone, this.total);
		this.options.onEvent?.({ kind: 'progress', bytesDone, totalBytes: this.total });
	}

	private emitStarted(resumedBytes: number): void {
		this.options.onEvent?.({ kind: 'started', fileName: this.target.fileName, totalBytes: this.total, resumedBytes });
	}

	private emitRetry(notice: RetryNotice): void {
		this.options.onEvent?.({ kind: 'retrying', attempt: notice.attempt, delayMs: notice.delayMs, reason: notice.error.message });
	}

	private requireFile(): FileHandle {
		if (this.file === undefined) {
			throw new LarkError('io', 'The .part file is not open.');
		}
		return this.file;
	}

	private requireTotal(): number {
		if (this.total === undefined) {
			throw new LarkError('protocol', 'The resource size is unknown.');
		}
		return this.total;
	}
}
