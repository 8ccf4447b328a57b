import { randomBytes } from 'node:crypto';
import { chmodSync, promises as fs, lstatSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { UserTokenStore } from '../core/auth/userTokenProvider';
import type { UserTokenSet } from '../core/auth/userTokens';
import { LarkError } from '../core/errors';
import { acquireFileLock } from '../core/util/fileLock';

const VERSION = 1;
/** A refresh takes one request; another process holding the session lock longer than this has hung. */
const SESSION_LOCK_WAIT_MS = 30_000;
export const TOKEN_FILE_NAME = 'user-session.json';

/** The token file's content: whose tokens, for which app and which Open API host. */
export interface StoredSession {
	version: number;
	appId: string;
	/** Tokens are only ever sent to the host that issued them. */
	baseUrl: string;
	tokens: UserTokenSet;
}

/** $LARK_DL_CONFIG_DIR, else $XDG_CONFIG_HOME/lark-downloader, else ~/.config/lark-downloader. */
export function configDirOf(env: NodeJS.ProcessEnv): string {
	const explicit = env.LARK_DL_CONFIG_DIR?.trim();
	if (explicit !== undefined && explicit !== '') {
		return path.resolve(explicit);
	}
	const xdg = env.XDG_CONFIG_HOME?.trim();
	// The XDG spec says to ignore a relative XDG_CONFIG_HOME.
	if (xdg !== undefined && path.isAbsolute(xdg)) {
		return path.join(xdg, 'lark-downloader');
	}
	const home = env.HOME?.trim();
	return path.join(home !== undefined && home !== '' ? home : os.homedir(), '.config', 'lark-downloader');
}

/**
 * The signed-in user's tokens in one JSON file, readable by the owner only (0600 in a 0700 folder),
 * replaced atomically so a crash never leaves half a file. Its content is never printed.
 */
export class TokenFile {
	/** `onWarning`: told when the file had to be repaired (its permissions were too open). */
	constructor(readonly path: string, private readonly onWarning: (message: string) => void = () => undefined) {}

	static of(env: NodeJS.ProcessEnv, onWarning?: (message: string) => void): TokenFile {
		return new TokenFile(path.join(configDirOf(env), TOKEN_FILE_NAME), onWarning);
	}

	async read(): Promise<StoredSession | undefined> {
		return Promise.resolve(this.readSync());
	}

	/**
	 * Synchronous because a command's session (and so its identity) is chosen before anything awaits. A symlink
	 * is refused (tokens are never read through a link someone planted); a file others may read is made 0600,
	 * with a warning.
	 */
	readSync(): StoredSession | undefined {
		let text: string;
		try {
			const stat = lstatSync(this.path);
			if (stat.isSymbolicLink() || !stat.isFile()) {
				throw new LarkError('io', `${this.path} is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; the sign-in is not read through it.`, {
					hint: 'Remove it, then sign in again with `lark-dl auth login`.',
				});
			}
			if ((stat.mode & 0o077) !== 0) {
				chmodSync(this.path, 0o600);
				this.onWarning(`${this.path} was readable by other users (mode ${(stat.mode & 0o777).toString(8)}); it is now 0600. Consider signing in again.`);
			}
			text = readFileSync(this.path, 'utf8');
		} catch (error) {
			if (error instanceof LarkError) {
				throw error;
			}
			return this.missingOrThrow(error);
		}
		return parseSession(text);
	}

	async write(session: Omit<StoredSession, 'version'>): Promise<void> {
		const directory = path.dirname(this.path);
		const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
		try {
			await fs.mkdir(directory, { recursive: true, mode: 0o700 });
			// Created 0600 from the first byte: the tokens are never readable by others, not even briefly.
			const handle = await fs.open(temp, 'wx', 0o600);
			try {
				await handle.writeFile(`${JSON.stringify({ version: VERSION, ...session }, null, 2)}\n`);
				await handle.sync();
			} finally {
				await handle.close();
			}
			await fs.rename(temp, this.path);
		} catch (error) {
			await fs.rm(temp, { force: true });
			throw ioError(`Could not save the sign-in to ${this.path}`, error);
		}
	}

	/** Returns whether there was a file to delete. */
	async delete(): Promise<boolean> {
		try {
			await fs.unlink(this.path);
			return true;
		} catch (error) {
			this.missingOrThrow(error);
			return false;
		}
	}

	/**
	 * The store a refreshing provider saves rotated tokens to, keeping this session's app and host. Refreshes
	 * of several lark-dl processes are serialised by a lock file beside the session, and each sees what the
	 * previous one saved (see UserTokenProvider).
	 */
	storeFor(session: Pick<StoredSession, 'appId' | 'baseUrl'>): UserTokenStore {
		return {
			save: (tokens) => this.write({ appId: session.appId, baseUrl: session.baseUrl, tokens }),
			clear: async () => {
				await this.delete();
			},
			exclusive: async (update) => {
				const lock = await acquireFileLock(`${this.path}.lock`, { what: 'The signed-in session', waitMs: SESSION_LOCK_WAIT_MS });
				try {
					const current = await this.read().catch(() => undefined);
					const same = current !== undefined && current.appId === session.appId && current.baseUrl === session.baseUrl;
					return await update(same ? current.tokens : undefined);
				} finally {
					await lock.release();
				}
			},
		};
	}

	private missingOrThrow(error: unknown): undefined {
		if ((error as { code?: unknown } | null)?.code === 'ENOENT') {
			return undefined;
		}
		throw ioError(`Could not read the sign-in from ${this.path}`, error);
	}
}

/** An unreadable or foreign file counts as "not signed in"; a new login replaces it. */
function parseSession(text: string): StoredSession | undefined {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return undefined;
	}
	const session = value as Partial<StoredSession> | null;
	const tokens = session?.tokens as Partial<UserTokenSet> | undefined;
	const valid = session?.version === VERSION && typeof session.appId === 'string' && typeof session.baseUrl === 'string'
		&& typeof tokens?.accessToken === 'string' && typeof tokens.refreshToken === 'string'
		&& typeof tokens.expiresAt === 'number' && typeof tokens.refreshExpiresAt === 'number'
		&& typeof tokens.scope === 'string' && typeof tokens.openId === 'string' && typeof tokens.name === 'string';
	return valid ? (session as StoredSession) : undefined;
}

function ioError(message: string, cause: unknown): LarkError {
	const detail = (cause as { code?: unknown } | null)?.code;
	return new LarkError('io', `${message}${typeof detail === 'string' ? ` (${detail})` : ''}.`, { cause });
}
