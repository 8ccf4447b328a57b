import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as os from 'node:os';
import { LarkError } from '../errors';

/**
 * One download of a resource into a folder at a time, across processes: a lock file beside the resume
 * record, created exclusively and holding the owner's pid and host. A lock whose process is gone (kill -9,
 * a crash, a reboot) is stale and taken over; a live one makes the second run stop with a clear message
 * instead of adopting the first run's `.part`. (Two reruns that find the same stale lock in the same instant
 * could both take it over; a stale lock only exists after a crash.)
 */
export interface ResourceLock {
	release(): Promise<void>;
}

interface Owner {
	pid: number;
	host: string;
}

export async function lockResource(lockPath: string, what: string): Promise<ResourceLock> {
	for (let attempt = 0; attempt < 3; attempt++) {
		// Written whole under a private name, then linked into place: the lock never exists without its owner
		// (link, like O_EXCL, fails on an existing name and never follows a link).
		const temp = `${lockPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
		try {
			await fs.writeFile(temp, JSON.stringify({ pid: process.pid, host: os.hostname() } satisfies Owner), { flag: 'wx' });
			await fs.link(temp, lockPath);
			return { release: () => fs.rm(lockPath, { force: true }) };
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
				throw error;
			}
		} finally {
			await fs.rm(temp, { force: true });
		}
		const owner = await readOwner(lockPath);
		if (owner !== undefined && isAlive(owner)) {
			throw new LarkError('io', `${what} is already being downloaded into this folder by another run (process ${owner.pid}).`, {
				hint: 'Wait for that download to finish, or stop it; then run this again to use what it saved.',
			});
		}
		await fs.rm(lockPath, { force: true }); // stale: its process is gone
	}
	throw new LarkError('io', `Could not take the download lock ${lockPath}.`);
}

async function readOwner(lockPath: string): Promise<Owner | undefined> {
	try {
		const handle = await fs.open(lockPath, constants.O_RDONLY | constants.O_NOFOLLOW);
		try {
			const value = JSON.parse(await handle.readFile('utf8')) as Partial<Owner>;
			return typeof value.pid === 'number' && typeof value.host === 'string' ? { pid: value.pid, host: value.host } : undefined;
		} finally {
			await handle.close();
		}
	} catch {
		return undefined; // unreadable or half-written: treated as stale, like a lock of a dead process
	}
}

function isAlive(owner: Owner): boolean {
	if (owner.host !== os.hostname()) {
		return true; // another machine (a shared folder): we cannot tell, so we do not take it over
	}
	try {
		process.kill(owner.pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
	}
}
