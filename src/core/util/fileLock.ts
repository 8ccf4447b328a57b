import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import { LarkError, type ErrorReason } from '../errors';
import { readJsonFile } from './readJsonFile';
import { sleep } from './sleep';

const UNREADABLE_LOCK_AGE_MS = 5000;

/**
 * A lock between processes: a lock file created exclusively, holding the owner's pid and host. A lock whose
 * process is gone (kill -9, a crash, a reboot) is stale and taken over. Used for one download of a resource at
 * a time (refused when busy) and for refreshing a signed-in session (waited for). Two processes that find the
 * same stale lock in the same instant could both take it over; a stale lock only exists after a crash.
 */
export interface FileLock {
	release(): Promise<void>;
}

export interface LockOptions {
	/** What the lock protects, for the "busy" message. */
	what: string;
	/** How long to wait for a live owner; 0 (the default) refuses at once. */
	waitMs?: number;
	/** The "busy" hint. */
	hint?: string;
	/** The "busy" reason, for a front end's words (default `busy`: a download of the same resource). */
	reason?: ErrorReason;
}

interface Owner {
	pid: number;
	host: string;
}

export async function acquireFileLock(lockPath: string, options: LockOptions): Promise<FileLock> {
	const deadline = Date.now() + (options.waitMs ?? 0);
	for (let attempt = 0; ; attempt++) {
		if (await tryCreate(lockPath)) {
			return { release: () => fs.rm(lockPath, { force: true }) };
		}
		const owner = await readOwner(lockPath);
		if (owner === undefined) {
			// Gone or unreadable: released (and maybe taken again) since our attempt, or planted. Ours are written
			// whole, so only an old unreadable one is removed — never a new owner's lock that a race made look missing.
			if (await isOldUnreadable(lockPath)) {
				await fs.rm(lockPath, { force: true });
			} else {
				await sleep(20);
			}
			continue;
		}
		if (!isAlive(owner)) {
			await fs.rm(lockPath, { force: true }); // stale: its process is gone
			continue;
		}
		if (Date.now() >= deadline) {
			throw new LarkError('io', `${options.what} is busy: another run (process ${owner.pid}) is using it.`, {
				reason: options.reason ?? 'busy',
				params: { pid: owner.pid },
				hint: options.hint ?? 'Wait for the other run to finish, then try again.',
			});
		}
		await sleep(Math.min(50 * 2 ** Math.min(attempt, 4), 500));
	}
}

/** True while a live process holds the lock at `lockPath` (a lock left by a crash is not held). */
export async function isLockHeld(lockPath: string): Promise<boolean> {
	const owner = await readOwner(lockPath);
	return owner !== undefined && isAlive(owner);
}

/** Written whole under a private name, then linked into place: the lock never exists without its owner. */
async function tryCreate(lockPath: string): Promise<boolean> {
	const temp = `${lockPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
	try {
		await fs.writeFile(temp, JSON.stringify({ pid: process.pid, host: os.hostname() } satisfies Owner), { flag: 'wx', mode: 0o600 });
		await fs.link(temp, lockPath); // like O_EXCL: fails on an existing name and never follows a link
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
			return false;
		}
		throw error;
	} finally {
		await fs.rm(temp, { force: true });
	}
}

/** An unreadable lock older than any write of ours could take: planted or corrupt, so not a live owner's. */
async function isOldUnreadable(lockPath: string): Promise<boolean> {
	const stat = await fs.lstat(lockPath).catch(() => undefined);
	return stat !== undefined && Date.now() - stat.mtimeMs > UNREADABLE_LOCK_AGE_MS && (await readOwner(lockPath)) === undefined;
}

/** The lock's owner; undefined when it is gone or unreadable. */
async function readOwner(lockPath: string): Promise<Owner | undefined> {
	const value = (await readJsonFile(lockPath, 4096)) as Partial<Owner> | undefined;
	return typeof value?.pid === 'number' && typeof value.host === 'string' ? { pid: value.pid, host: value.host } : undefined;
}

function isAlive(owner: Owner): boolean {
	if (owner.host !== os.hostname()) {
		return true; // another machine (a shared folder): we cannot tell, so we never take it over
	}
	try {
		process.kill(owner.pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
	}
}
