import { constants, promises as fs } from 'node:fs';

/**
 * The JSON in a small file of ours (a resume record, a lock), read without following a symlink and only when
 * it is a regular file of at most `maxBytes`; undefined when missing, planted, too large or not JSON.
 */
export async function readJsonFile(file: string, maxBytes = 1024 * 1024): Promise<unknown> {
	let handle;
	try {
		handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
		const stat = await handle.stat();
		if (!stat.isFile() || stat.size > maxBytes) {
			return undefined;
		}
		return JSON.parse(await handle.readFile('utf8')) as unknown;
	} catch {
		return undefined;
	} finally {
		await handle?.close().catch(() => undefined);
	}
}
