import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Interval } from './rangeSet';
import type { ResourceRef } from './resource';
import { readJsonFile } from '../util/readJsonFile';

const VERSION = 1;

/** What a rerun needs to continue a download: which file, how big, which bytes are already on disk. */
export interface ResumeRecord {
	version: number;
	/** messageId/fileKey/type/host: a record is only used for the very same resource. */
	resource: string;
	/** Final file name chosen at the first attempt, and its .part beside it (same folder). */
	fileName: string;
	partName: string;
	/** The --output the user asked for (null for a server-named file): another request is another download. */
	requested: string | null;
	/** null: a whole-body download (the server ignored Range), which cannot be resumed. */
	total: number | null;
	/** The resource's strong ETag when the server sent one. */
	validator?: string;
	/** Its Last-Modified when the server sent one. */
	lastModified?: string;
	completed: Interval[];
}

export function resourceIdentity(ref: ResourceRef, baseUrl: string): string {
	return `${new URL(baseUrl).host}/${ref.messageId}/${ref.fileKey}/${ref.type}`;
}

/** The sidecar's path is derived from the resource alone, so a rerun finds it before any request. */
export function resumeRecordPath(directory: string, identity: string): string {
	const digest = createHash('sha256').update(identity).digest('hex').slice(0, 16);
	return path.join(directory, `.lark-dl-${digest}.resume.json`);
}

/** The `.part` names the resume records in `directory` claim, whichever resource they belong to. */
export async function partNamesInRecords(directory: string): Promise<Set<string>> {
	const names = new Set<string>();
	for (const entry of await fs.readdir(directory).catch(() => [] as string[])) {
		if (!RECORD_NAME.test(entry)) {
			continue;
		}
		const record = await readRecordFile(path.join(directory, entry));
		if (record !== undefined && isTrustworthy(record, record.resource)) {
			names.add(record.partName);
		}
	}
	return names;
}

export const RECORD_NAME = /^\.lark-dl-[0-9a-f]{16}\.resume\.json$/;

/** The lock file of a resource's download (core/download/resourceLock), beside its record. */
export function resourceLockPath(recordPath: string): string {
	return recordPath.replace(/\.resume\.json$/, '.lock');
}

/**
 * The record for `identity`, or undefined when there is none or it cannot be trusted. A record is data anyone
 * with access to the folder can edit: it may only name `<its file>.part` beside itself, with sorted ranges
 * inside its total. It is read without following a symlink.
 */
export async function readResumeRecord(file: string, identity: string): Promise<ResumeRecord | undefined> {
	const record = await readRecordFile(file);
	return record !== undefined && isTrustworthy(record, identity) ? record : undefined;
}

async function readRecordFile(file: string): Promise<ResumeRecord | undefined> {
	const value = await readJsonFile(file);
	return typeof value === 'object' && value !== null ? (value as ResumeRecord) : undefined;
}

function isTrustworthy(record: ResumeRecord, identity: string): boolean {
	if (record.version !== VERSION || record.resource !== identity || typeof record.fileName !== 'string' || typeof record.partName !== 'string') {
		return false;
	}
	if (record.fileName === '' || path.basename(record.fileName) !== record.fileName || record.fileName.startsWith('.') || record.partName !== `${record.fileName}.part`) {
		return false;
	}
	if (!Array.isArray(record.completed) || (record.total === null ? record.completed.length > 0 : !Number.isSafeInteger(record.total) || record.total <= 0)) {
		return false;
	}
	const total = record.total ?? 0;
	let previousEnd = 0;
	for (const interval of record.completed) {
		if (!Array.isArray(interval) || interval.length !== 2) {
			return false;
		}
		const [start, end] = interval as unknown[];
		if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || (start as number) < previousEnd || (end as number) <= (start as number) || (end as number) > total) {
			return false;
		}
		previousEnd = end as number;
	}
	const optionalText = (value: unknown): boolean => value === undefined || typeof value === 'string';
	return (record.requested === null || typeof record.requested === 'string') && optionalText(record.validator) && optionalText(record.lastModified);
}

/** The highest byte offset a record claims to hold (its `.part` must be at least this long). */
export function claimedEnd(record: Pick<ResumeRecord, 'completed'>): number {
	return record.completed.reduce((max, [, end]) => Math.max(max, end), 0);
}

/**
 * Written to a new temp file (exclusive create, random name: nothing planted can be written through) and
 * renamed over the record, so a crash never leaves a half-written one; the temp file never outlives a failure.
 */
export async function writeResumeRecord(file: string, record: Omit<ResumeRecord, 'version'>): Promise<void> {
	const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
	try {
		await fs.writeFile(temp, JSON.stringify({ version: VERSION, ...record }), { flag: 'wx' });
		await fs.rename(temp, file);
	} catch (error) {
		await fs.rm(temp, { force: true }).catch(() => undefined);
		throw error;
	}
}

/** A record read with no identity to check against: trusted only if it is self-consistent (for listing). */
export async function readAnyResumeRecord(file: string): Promise<ResumeRecord | undefined> {
	const record = await readRecordFile(file);
	return record !== undefined && typeof record.resource === 'string' && isTrustworthy(record, record.resource) ? record : undefined;
}
