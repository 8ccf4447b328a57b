import * as net from 'node:net';
import * as tls from 'node:tls';

/** Where the bytes of a connection go while a request owns it. */
export interface ByteReader {
	/** The memory the next read fills (a plain socket reads straight into it). */
	region(): Buffer;
	/** `n` bytes were put at the start of the last `region()`; false pauses the socket until `resume()`. */
	delivered(n: number): boolean;
	/** The connection failed or the server closed it. */
	ended(error: Error | undefined): void;
}

/** Between requests nothing may arrive: a byte here means the connection is out of step and is dropped. */
const IDLE_BYTES = 1024;

/**
 * One keep-alive connection for ranged GETs. Plain sockets use `onread` so the kernel copies the body straight
 * into the file writer's buffers (no per-chunk allocation, which is what kept node:http's memory high); TLS sockets
 * deliver decrypted chunks, which are copied once.
 */
export class RawConnection {
	readonly socket: net.Socket;
	private reader: ByteReader | undefined;
	private readonly idleBuffer = Buffer.allocUnsafe(IDLE_BYTES);
	private pendingChunk: Buffer | undefined;
	private waiting = false;
	private closed = false;
	private timeoutMs = 0;
	/** Whose region the socket reads into next: a read may land in the buffer of the reader before this one. */
	private regionOwner: ByteReader | undefined;

	constructor(url: URL, trustedCa: string | Buffer | undefined) {
		const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
		const host = url.hostname.replace(/^\[|\]$/g, '');
		if (url.protocol === 'https:') {
			this.socket = tls.connect({
				host,
				port,
				...(net.isIP(host) === 0 ? { servername: host } : {}),
				ALPNProtocols: ['http/1.1'],
				...(trustedCa === undefined ? {} : { ca: trustedCa }),
			});
			this.socket.on('data', (chunk: Buffer) => this.copyIn(chunk));
		} else {
			this.socket = net.connect({
				host,
				port,
				onread: { buffer: () => this.nextRegion(), callback: (n: number, buffer: Uint8Array) => this.deliver(n, buffer) },
			});
		}
		this.socket.setNoDelay(true);
		this.socket.on('timeout', () => this.destroy(Object.assign(new Error(`No data for ${this.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
		this.socket.on('error', (error) => this.end(error));
		this.socket.on('end', () => this.end(undefined));
		this.socket.on('close', () => this.end(undefined));
	}

	get usable(): boolean {
		return !this.closed && !this.socket.destroyed;
	}

	/** No bytes for this long fails the request that owns the connection (or drops an idle one). */
	setIdleTimeout(ms: number): void {
		this.timeoutMs = ms;
		this.socket.setTimeout(ms);
	}

	/** Hands the connection's bytes to `reader` (undefined: idle, nothing may arrive). */
	attach(reader: ByteReader | undefined): void {
		this.reader = reader;
	}

	resume(): void {
		this.waiting = false;
		const chunk = this.pendingChunk;
		this.pendingChunk = undefined;
		if (chunk !== undefined) {
			this.copyIn(chunk);
		}
		if (!this.waiting) {
			this.socket.resume();
		}
	}

	destroy(error?: Error): void {
		this.closed = true;
		this.socket.destroy(error);
	}

	/** Node asks for the next read's memory right after each read (and once at connect). */
	private nextRegion(): Buffer {
		this.regionOwner = this.reader;
		return this.reader?.region() ?? this.idleBuffer;
	}

	private deliver(n: number, buffer: Uint8Array): boolean {
		if (this.reader === undefined) {
			this.destroy();
			return false;
		}
		if (this.regionOwner !== this.reader) {
			// Read into the idle buffer before this reader took the connection (a new request's first bytes).
			this.copyIn(Buffer.from(buffer.subarray(0, n)));
			return !this.waiting;
		}
		return this.reader.delivered(n);
	}

	/** TLS (and a plain read that landed elsewhere): copies a chunk into the reader's regions; keeps the rest while the reader waits. */
	private copyIn(chunk: Buffer): void {
		let offset = 0;
		while (offset < chunk.length) {
			if (this.reader === undefined) {
				this.destroy();
				return;
			}
			const target = this.reader.region();
			const copied = chunk.copy(target, 0, offset, offset + Math.min(target.length, chunk.length - offset));
			offset += copied;
			if (!this.reader.delivered(copied)) {
				this.waiting = true;
				this.pendingChunk = offset < chunk.length ? chunk.subarray(offset) : undefined;
				this.socket.pause();
				return;
			}
		}
	}

	private end(error: Error | undefined): void {
		if (!this.closed) {
			this.closed = true;
			this.socket.destroy();
		}
		const reader = this.reader;
		this.reader = undefined;
		reader?.ended(error);
	}
}
