import { promises as fs } from 'node:fs';

/** True when something (file, folder or link, even a dangling one) is at `file`. */
export async function pathExists(file: string): Promise<boolean> {
	try {
		await fs.lstat(file);
		return true;
	} catch {
		return false;
	}
}
