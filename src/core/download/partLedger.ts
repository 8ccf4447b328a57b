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

/**
 * Which bytes of one .part are verified, and the resume record that tells a rerun about them. The record is
 * written from the moment the .part is claimed, so a .part of ours always has one (a rerun then knows it may
 * reuse or clean it); a whole-body download is recorded as not resumable (total null).
 */
export class PartLedger {
	/** Saves run one after another, so concurrent parts never interleave writes of the record. */
	private saving: Promise<void> = Promise.resolve();

	constructor(
		private readonly target: Target,
		private completed: RangeSet = new RangeSet(),
	) {}

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

	/** Records the verified ranges (none when not `resumable`); the record only ever claims bytes already on the disk. */
	save(file: FileHandle | undefined, resumable: Resumable | undefined): Promise<void> {
		const snapshot = {
			resource: this.target.identity,
			requested: this.target.requested,
			fileName: this.target.fileName,
			partName: path.basename(this.target.partPath),
			total: resumable?.total ?? null,
			...(resumable?.validators.etag === undefined ? {} : { validator: resumable.validators.etag }),
			...(resumable?.validators.lastModified === undefined ? {} : { lastModified: resumable.validators.lastModified }),
			completed: resumable === undefined ? [] : this.completed.toJSON(),
		};
		this.saving = this.saving.then(async () => {
			try {
				await file?.datasync(); // the .part is synced before the record that claims its bytes is written
			} catch {
				return; // not durable (e.g. closed meanwhile): the previous record, which claims less, stays
			}
			await writeResumeRecord(this.target.recordPath, snapshot);
		});
		return this.saving;
	}

	/** The file is committed: nothing is left to resume. */
	async remove(): Promise<void> {
		await fs.rm(this.target.recordPath, { force: true });
	}

	/** Nothing of this download is worth keeping: the .part goes, then its record. */
	async discard(): Promise<void> {
		await fs.rm(this.target.partPath, { force: true });
		await fs.rm(this.target.recordPath, { force: true });
	}
}
