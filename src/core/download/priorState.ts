import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { plainFileSize } from './partFile';
import { RangeSet } from './rangeSet';
import { claimedEnd, readResumeRecord, type ResumeRecord } from './resumeState';

/** What an earlier run of the same download left in the folder, once made sense of. */
export type PriorState =
	| { kind: 'none' }
	| { kind: 'resume'; record: ResumeRecord & { total: number } }
	/** The earlier run had already put the file in place and died before tidying up. */
	| { kind: 'committed'; savedPath: string; sizeBytes: number };

/**
 * Reads the resume record of this resource and decides, before any request, what to do with it. Only a record
 * we can trust (see readResumeRecord) is acted on, and it can only ever name `<its file>.part`:
 * - its `.part` is a plain file holding at least what it claims, for the same requested output → resume;
 * - the final file is already there as the very file the `.part` was (a crash between committing and
 *   cleaning up) → committed: the stray name and the record are removed, nothing is downloaded again;
 * - anything else (no `.part`, a link, a `.part` shorter than claimed after a power cut, another output, a
 *   whole-body download that cannot resume) → the record and its own `.part` are cleaned, so that the new
 *   download gets the name the user asked for instead of `name (1)`.
 */
export async function inspectPriorState(directory: string, recordPath: string, identity: string, requested: string | null): Promise<PriorState> {
	const record = await readResumeRecord(recordPath, identity);
	if (record === undefined) {
		return { kind: 'none' };
	}
	const partPath = path.join(directory, record.partName);
	const finalPath = path.join(directory, record.fileName);
	const committed = await committedFile(record, partPath, finalPath);
	if (committed !== undefined) {
		if (committed.strayPart) {
			await fs.unlink(partPath); // the same file as the final one: only this second name goes
		}
		await fs.rm(recordPath, { force: true });
		return record.requested === requested ? { kind: 'committed', savedPath: finalPath, sizeBytes: committed.size } : { kind: 'none' };
	}
	const partSize = await plainFileSize(partPath);
	const total = record.total;
	if (total !== null && partSize !== undefined && partSize >= claimedEnd(record) && record.requested === requested) {
		return { kind: 'resume', record: { ...record, total } };
	}
	if (partSize !== undefined) {
		await fs.rm(partPath, { force: true });
	}
	await fs.rm(recordPath, { force: true });
	return { kind: 'none' };
}

async function committedFile(record: ResumeRecord, partPath: string, finalPath: string): Promise<{ size: number; strayPart: boolean } | undefined> {
	const final = await fs.lstat(finalPath).catch(() => undefined);
	if (final?.isFile() !== true || (record.total !== null && final.size !== record.total)) {
		return undefined;
	}
	const part = await fs.lstat(partPath).catch(() => undefined);
	if (part !== undefined) {
		// Linked into place, not yet unlinked: both names are one file (also for a whole-body download).
		return part.isFile() && part.ino === final.ino && part.dev === final.dev ? { size: final.size, strayPart: true } : undefined;
	}
	// Unlinked, record not yet removed: the record says every byte was verified, and the file has that size.
	return record.total !== null && new RangeSet(record.completed).size === record.total ? { size: final.size, strayPart: false } : undefined;
}
