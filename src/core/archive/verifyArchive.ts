import type { Dirent } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cancelledError } from '../errors';
import { compareWithEntry, observeFile } from './fileState';
import type { ManifestResource } from './manifestFormat';
import { readManifest } from './manifestStore';

/**
 * Re-hashes every file the manifest records and lists what else lies in the folder. Read-only: nothing is
 * repaired, moved or deleted, and no symlink is followed.
 */

export interface ChangedResource {
	resource: ManifestResource;
	actualSize: number;
	/** Only when the size matched and the bytes did not. */
	actualSha256?: string;
}

export interface VerifyReport {
	/** No recorded file is missing or changed (unknown files do not count). */
	intact: boolean;
	/** Distinct files checked (entries that share a file through `sameAs` count once). */
	checked: number;
	/** Paths whose every entry matched. */
	ok: string[];
	missing: ManifestResource[];
	changed: ChangedResource[];
	/** Files and links no entry references, bookkeeping of ours left out. */
	unknown: string[];
}

export interface VerifyOptions {
	signal?: AbortSignal;
	onProgress?(filesDone: number, filesTotal: number): void;
}

/** Our own files, never reported as unknown: `.part` files, resume records and resource locks (with their temps). */
const ENGINE_FILE = /(\.part|^\.lark-dl-[0-9a-f]{16}\.(resume\.json|lock)(\.\d+\.[0-9a-f]{12}\.tmp)?)$/;
/** The manifest, its lock and their temps, at the root only. */
const MANIFEST_FILE = /^\.lark-manifest\.json(\.lock)?(\.\d+\.[0-9a-f]{12}\.tmp)?$/;

export async function verifyArchive(root: string, options: VerifyOptions = {}): Promise<VerifyReport> {
	const { signal } = options;
	const manifest = await readManifest(root);
	const byPath = new Map<string, ManifestResource[]>();
	for (const resource of Object.values(manifest.resources)) {
		byPath.set(resource.path, [...(byPath.get(resource.path) ?? []), resource]);
	}
	const paths = [...byPath.keys()].sort();
	const report: VerifyReport = { intact: true, checked: 0, ok: [], missing: [], changed: [], unknown: [] };
	options.onProgress?.(0, paths.length);
	for (const relPath of paths) {
		throwIfAborted(signal);
		const entries = byPath.get(relPath) ?? [];
		// Hashed once for all its entries; when they agree on the size (the normal case), a file of another size is not read.
		const sizes = new Set(entries.map((e) => e.size));
		const observed = await observeFile(root, relPath, { hash: true, expectedSize: sizes.size === 1 ? entries[0]?.size : undefined, signal });
		let allOk = true;
		for (const entry of entries) {
			const state = compareWithEntry(entry, observed);
			if (state.state === 'missing') {
				report.missing.push(entry);
			} else if (state.state === 'changed') {
				report.changed.push({ resource: entry, actualSize: state.actualSize, ...(state.actualSha256 === undefined ? {} : { actualSha256: state.actualSha256 }) });
			}
			allOk &&= state.state === 'present';
		}
		if (allOk) {
			report.ok.push(relPath);
		}
		report.checked++;
		options.onProgress?.(report.checked, paths.length);
	}
	report.unknown = (await listFolder(root, '', signal)).filter((relPath) => !byPath.has(relPath) && !isBookkeeping(relPath)).sort();
	report.intact = report.missing.length === 0 && report.changed.length === 0;
	return report;
}

/** True for a file the downloader itself keeps in the folder (docs/manifest.md lists them). */
export function isBookkeeping(relPath: string): boolean {
	const name = relPath.slice(relPath.lastIndexOf('/') + 1);
	return ENGINE_FILE.test(name) || (name === relPath && MANIFEST_FILE.test(name));
}

/** Every non-folder under `folder` (relative POSIX paths); symlinks are listed, never descended through. */
async function listFolder(root: string, folder: string, signal?: AbortSignal): Promise<string[]> {
	throwIfAborted(signal);
	let entries: Dirent[];
	try {
		entries = await fs.readdir(path.join(root, ...folder.split('/')), { withFileTypes: true });
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (folder !== '' && (code === 'ENOENT' || code === 'ENOTDIR')) {
			return []; // removed while we walked
		}
		throw error;
	}
	const found: string[] = [];
	for (const entry of entries) {
		const relPath = folder === '' ? entry.name : `${folder}/${entry.name}`;
		if (entry.isDirectory()) {
			found.push(...(await listFolder(root, relPath, signal)));
		} else {
			found.push(relPath);
		}
	}
	return found;
}

function throwIfAborted(signal?: AbortSignal): void {
	if (signal?.aborted) {
		throw cancelledError(signal.reason);
	}
}
