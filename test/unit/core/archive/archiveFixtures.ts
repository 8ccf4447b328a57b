import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ManifestResource } from '../../../../src/core/archive/manifestFormat';

export function sha256(data: Buffer | string): string {
	return createHash('sha256').update(data).digest('hex');
}

/** A complete, valid entry for `<messageId>/<fileKey>`; tests override what they look at. */
export function entry(overrides: Partial<ManifestResource> = {}): ManifestResource {
	return {
		messageId: 'om_1',
		fileKey: 'file_v3_1',
		type: 'file',
		path: 'General/report.pdf',
		size: 3,
		sha256: sha256('abc'),
		savedAt: '2024-05-01T10:00:00.000Z',
		...overrides,
	};
}

/** Writes `data` at `relPath` under `root` and returns the entry that records it. */
export async function saveFile(root: string, relPath: string, data: Buffer | string, overrides: Partial<ManifestResource> = {}): Promise<ManifestResource> {
	const file = path.join(root, ...relPath.split('/'));
	await fs.mkdir(path.dirname(file), { recursive: true });
	await fs.writeFile(file, data);
	return entry({ path: relPath, size: Buffer.byteLength(data), sha256: sha256(data), ...overrides });
}
