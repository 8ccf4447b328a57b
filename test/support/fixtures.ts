import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LarkError } from '../../src/core/errors';

export function sha256(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

export async function sha256File(file: string): Promise<string> {
	return sha256(await fs.readFile(file));
}

export function bytes(size: number): Buffer {
	return randomBytes(size);
}

/** The LarkError `promise` fails with; fails the test if it succeeds or throws anything else. */
export async function expectLarkError(promise: Promise<unknown>): Promise<LarkError> {
	try {
		await promise;
	} catch (error) {
		assert.ok(error instanceof LarkError, String(error));
		return error;
	}
	assert.fail('expected a failure');
}

/** A fresh temp folder; `cleanup` removes it. */
export async function tempDir(prefix = 'lark-dl-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
	const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), prefix)));
	return { dir, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** Every file under `dir` (relative paths, sorted), hidden ones included. */
export async function listFiles(dir: string): Promise<string[]> {
	const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
	return entries
		.filter((e) => e.isFile() || e.isSymbolicLink())
		.map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
		.sort();
}
