import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { UserTokenStore } from '../core/auth/userTokenProvider';
import type { UserTokenSet } from '../core/auth/userTokens';
import { LarkError } from '../core/errors';

const VERSION = 1;
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
	constructor(readonly path: string) {}

	static of(env: NodeJS.ProcessEnv): TokenFile {
		return new TokenFile(path.join(configDirOf(env), TOKEN_FILE_NAME));
	}

	async read(): Promise<StoredSession | undefined> {
		let text: string;
		try {
			text = await fs.readFile(this.path, 'utf8');
		} catch (error) {
			return this.missingOrThrow(error);
		}
		return parseSession(text);
	}

	/** Synchronous because a command's session (and so its identity) is chosen before anything awaits. */
	readSync(): StoredSession | undefined {
		let text: string;
		try {
			text = readFileSync(this.path, 'utf8');
		} catch (error) {
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

	/** The store a refreshing provider saves rotated tokens to, keeping this session's app and host. */
	storeFor(session: Pick<StoredSession, 'appId' | 'baseUrl'>): UserTokenStore {
		return {
			save: (tokens) => this.write({ appId: session.appId, baseUrl: session.baseUrl, tokens }),
			clear: async () => {
				await this.delete();
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
