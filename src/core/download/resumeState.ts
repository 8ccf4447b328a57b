import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Interval } from './rangeSet';
import type { ResourceRef } from './resource';

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
	total: number;
	/** The resource's strong ETag when the server sent one. */
	validator?: string;
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

export async function readResumeRecord(file: string, identity: string): Promise<ResumeRecord | undefined> {
	try {
		const record = JSON.parse(await fs.readFile(file, 'utf8')) as ResumeRecord;
		const valid = record.version === VERSION && record.resource === identity && Number.isSafeInteger(record.total)
			&& Array.isArray(record.completed) && typeof record.partName === 'string' && typeof record.fileName === 'string'
			&& path.basename(record.partName) === record.partName && path.basename(record.fileName) === record.fileName;
		return valid ? record : undefined;
	} catch {
		return undefined;
	}
}

/** Written to a temp file and renamed, so a crash never leaves a half-written record. */
export async function writeResumeRecord(file: string, record: Omit<ResumeRecord, 'version'>): Promise<void> {
	const temp = `${file}.${process.pid}.tmp`;
	await fs.writeFile(temp, JSON.stringify({ version: VERSION, ...record }));
	await fs.rename(temp, file);
}
