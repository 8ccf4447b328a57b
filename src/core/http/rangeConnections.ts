import { RawConnection } from './rawConnection';

/** Idle connections kept per origin; more parts than this at once simply open more. */
const MAX_IDLE_PER_ORIGIN = 16;
/** Servers close idle keep-alive connections after a few seconds (Node's default is 5 s): drop ours first. */
const KEEP_IDLE_MS = 4_000;

/** The keep-alive connections of the lean ranged-GET path, per origin. */
export class RangeConnections {
	private readonly idle = new Map<string, RawConnection[]>();
	/** Origins whose 206 answers are not plain (chunked, compressed): not worth a lean try per part. */
	private readonly notLean = new Set<string>();

	constructor(private readonly trustedCa: string | Buffer | undefined) {}

	/** False once the origin answered a range with a 206 the lean path cannot take. */
	worthTrying(url: URL): boolean {
		return !this.notLean.has(url.origin);
	}

	/** The origin's 206 answers need node:http: from now on its ranges go there directly. */
	markNotLean(url: URL): void {
		this.notLean.add(url.origin);
	}

	/** An idle connection to `url`'s origin, else a new one. */
	acquire(url: URL, idleTimeoutMs: number): RawConnection {
		const list = this.idle.get(url.origin) ?? [];
		let connection = list.pop();
		while (connection !== undefined && !connection.usable) {
			connection = list.pop();
		}
		connection ??= new RawConnection(url, this.trustedCa);
		connection.socket.ref();
		connection.setIdleTimeout(idleTimeoutMs);
		return connection;
	}

	/** A connection whose answer was read to the end and may carry the next request. */
	release(url: URL, connection: RawConnection): void {
		const list = this.idle.get(url.origin) ?? [];
		if (!connection.usable || list.length >= MAX_IDLE_PER_ORIGIN) {
			connection.destroy();
			return;
		}
		connection.attach(undefined);
		connection.setIdleTimeout(KEEP_IDLE_MS);
		connection.socket.unref();
		list.push(connection);
		this.idle.set(url.origin, list);
	}

	close(): void {
		for (const list of this.idle.values()) {
			for (const connection of list) {
				connection.destroy();
			}
		}
		this.idle.clear();
	}
}
