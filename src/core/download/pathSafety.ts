import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LarkError } from '../errors';

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const MAX_SEGMENT_BYTES = 240;

function refuse(message: string, reason: 'bad-output-path' | 'path-outside-folder', given: string): LarkError {
	return new LarkError('validation', message, {
		reason,
		params: { path: given },
		hint: 'Give a relative path that stays inside the download folder after resolving .. and symlinks.',
	});
}

/**
 * Validates a user-supplied output path before any request: relative, no control characters, and
 * not escaping the root lexically. Returns it normalised with forward slashes.
 */
export function validateRelativeOutput(output: string): string {
	const trimmed = output.trim();
	if (trimmed === '') {
		throw refuse('The output path is empty.', 'bad-output-path', trimmed);
	}
	if (CONTROL_CHARS.test(trimmed)) {
		throw refuse('The output path contains control characters.', 'bad-output-path', trimmed);
	}
	if (path.posix.isAbsolute(trimmed) || path.win32.isAbsolute(trimmed) || /^[a-zA-Z]:/.test(trimmed)) {
		throw refuse(`The output path must be relative, got an absolute path: ${trimmed}`, 'path-outside-folder', trimmed);
	}
	const normalised = path.posix.normalize(trimmed.replace(/\\/g, '/'));
	if (normalised === '..' || normalised.startsWith('../')) {
		throw refuse(`The output path escapes the download folder: ${trimmed}`, 'path-outside-folder', trimmed);
	}
	if (normalised === '.' || normalised.endsWith('/')) {
		throw refuse(`The output path must name a file, got: ${trimmed}`, 'bad-output-path', trimmed);
	}
	for (const segment of normalised.split('/')) {
		// Checked before any request: file systems refuse names over 255 bytes (ENAMETOOLONG), and the name
		// needs room for " (99)" and ".part".
		if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
			throw new LarkError('io', `The name "${segment.slice(0, 40)}…" is ${Buffer.byteLength(segment)} bytes long; file systems allow 255, and ${MAX_SEGMENT_BYTES} leave room for the download's own suffixes.`, {
				reason: 'name-too-long',
				params: { name: segment },
				hint: 'Choose a shorter name.',
			});
		}
	}
	return normalised;
}

/**
 * A folder the user names (`--into`, the download-folder setting): like an output path, but trailing
 * slashes are fine and `.` or nothing means the root itself ('.').
 */
export function validateRelativeFolder(folder: string): string {
	const trimmed = folder.trim().replace(/[/\\]+$/, '');
	return trimmed === '' || trimmed === '.' ? '.' : validateRelativeOutput(trimmed);
}

/** True when `child` is `parent` or inside it (both absolute, already resolved). */
export function isInside(parent: string, child: string): boolean {
	const relative = path.relative(parent, child);
	return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The real path of `target`, resolving symlinks of its nearest existing ancestor when it does not exist yet. */
export async function resolveThroughExisting(target: string): Promise<string> {
	const pending: string[] = [];
	let current = target;
	for (;;) {
		try {
			const real = await fs.realpath(current);
			return path.join(real, ...pending.reverse());
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
				throw error;
			}
			const parent = path.dirname(current);
			if (parent === current) {
				return target;
			}
			pending.push(path.basename(current));
			current = parent;
		}
	}
}

/**
 * The absolute path for `relative` under `root`, refused if it resolves (through symlinks) outside
 * the real root. Called before writing and again right before the final rename.
 */
export async function resolveInsideRoot(root: string, relative: string): Promise<string> {
	const realRoot = await fs.realpath(root).catch(() => {
		throw new LarkError('io', `The download folder does not exist: ${root}`, { reason: 'folder-missing', params: { path: root } });
	});
	const candidate = path.resolve(realRoot, relative);
	if (!isInside(realRoot, candidate)) {
		throw refuse(`The output path escapes the download folder: ${relative}`, 'path-outside-folder', relative);
	}
	const resolved = await resolveThroughExisting(candidate);
	if (!isInside(realRoot, resolved)) {
		throw refuse(`The output path resolves outside the download folder through a symlink: ${relative}`, 'path-outside-folder', relative);
	}
	return resolved;
}
