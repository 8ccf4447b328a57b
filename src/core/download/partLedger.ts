import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { Target } from './downloadOptions';
import { RangeSet, type Interval } from './rangeSet';
import { writeResumeRecord } from './resumeState';
import type { Validators } from './validators';

/** What makes a .part resumable: the size of the resource and what tells its versions apart. */
export interface Resumable {
	total: number;
	validators: Validators;
}

interface QueuedSave {
	file: FileHandle | undefined;
	resumable: Resumable | undefined;
	done: Promise<void>;
}

type ResumeSnapshot = Parameters<typeof writeResumeRecord>[1];

/**
 * Which bytes of one .part are verified, and the resume record that tells a rerun about them. The record is
 * written from the moment the .part is claimed, so a .part of ours always has one (a rerun then knows it may
 * reuse or clean it); a whole-body download is recorded as not resumable (total null).
 */
export class PartLedger {
	/** Saves run one after another, so concurrent parts never interleave writes of the record. */
	private saving: Promise<void> = Promise.resolve();
	private queued: QueuedSave | undefined;

	constructor(
		private readonly target: Target,
		private completed: RangeSet = new RangeSet(),
	) {}

	/** Where the written bytes from 0 on end. */
	get prefixEnd(): number {
		return this.completed.prefixEnd;
	}

	get verifiedBytes(): number {
		return this.completed.size;
	}

	missing(total: number): Interval[] {
		return this.completed.missing(total);
	}

	/** Bytes [start, end) are written to the .part; the next save syncs them before claiming them. */
	add(start: number, end: number): void {
		this.completed.add(start, end);
	}

	/** A whole body of `size` bytes was written from byte 0 over whatever the .part held. */
	replaceWithWhole(size: number): void {
		this.completed = new RangeSet();
		this.completed.add(0, size);
	}

	/**
	 * Records the verified ranges (none when not `resumable`); the record only ever claims bytes already on the disk:
	 * what it claims is read when the save starts, before the sync. Saves asked for while one with the same
	 * arguments still waits to start are that one (it will claim everything written by then).
	 */
	save(file: FileHandle | undefined, resumable: Resumable | undefined): Promise<void> {
		const queued = this.queued;
		if (queued !== undefined && queued.file === file && queued.resumable === resumable) {
			return queued.done;
		}
		const next: QueuedSave = { file, resumable, done: Promise.resolve() };
		next.done = this.saving.then(async () => {
			if (this.queued === next) {
				this.queued = undefined;
			}
			const snapshot = this.snapshot(resumable);
			try {
				await file?.datasync(); // the .part is synced before the record that claims its bytes is written
			} catch {
				return; // not durable (e.g. closed meanwhile): the previous record, which claims less, stays
			}
			await writeResumeRecord(this.target.recordPath, snapshot);
		});
		this.queued = next;
		this.saving = next.done.catch(() => undefined);
		return next.done;
	}

	/** Resolves when no save is running or waiting. */
	settled(): Promise<void> {
		return this.saving;
	}

	private snapshot(resumable: Resumable | undefined): ResumeSnapshot {
		return {
			resource: this.target.identity,
			requested: this.target.requested,
			fileName: this.target.fileName,
			partName: path.basename(this.target.partPath),
			total: resumable?.total ?? null,
			...(resumable?.validators.etag === undefined ? {} : { validator: resumable.validators.etag }),
			...(resumable?.validators.lastModified === undefined ? {} : { lastModified: resumable.validators.lastModified }),
			completed: resumable === undefined ? [] : this.completed.toJSON(),
		};
	}

	/** The file is committed: nothing is left to resume. */
	async remove(): Promise<void> {
		await this.saving; // a background save must not bring the record back afterwards
		await fs.rm(this.target.recordPath, { force: true });
	}

	/** Nothing of this download is worth keeping: the .part goes, then its record. */
	async discard(): Promise<void> {
		await this.saving;
		await fs.rm(this.target.partPath, { force: true });
		await fs.rm(this.target.recordPath, { force: true });
	}
}
