import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { RawConnection, type ByteReader } from '../../../../src/core/http/rawConnection';
import { bytes, sha256 } from '../../../support/fixtures';

// The connection under the lean reader: plain sockets read straight into the reader's memory (onread), TLS sockets
// copy decrypted chunks. Either way every byte must reach the reader once, in order, across pauses; a byte that
// arrives while nobody reads is a connection out of step and drops it.

const TLS_DIR = path.resolve(__dirname, '..', '..', '..', '..', '..', 'test', 'fixtures', 'tls');
const CA = readFileSync(path.join(TLS_DIR, 'cert.pem'));

/** A server that answers the first bytes it gets with `payload`, in chunks of every size, and keeps the socket open. */
async function startServer(secure: boolean, payload: Buffer, onConnect?: (socket: net.Socket) => void): Promise<{ url: URL; close: () => Promise<void> }> {
	const sockets = new Set<net.Socket>();
	const serve = (socket: net.Socket): void => {
		sockets.add(socket);
		socket.on('error', () => undefined);
		onConnect?.(socket);
		socket.once('data', () => {
			for (let offset = 0, size = 1; offset < payload.length; offset += size, size = (size * 7) % 200_003 + 1) {
				socket.write(payload.subarray(offset, offset + size));
			}
		});
	};
	const server = secure ? tls.createServer({ cert: CA, key: readFileSync(path.join(TLS_DIR, 'key.pem')) }, serve) : net.createServer(serve);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	return {
		url: new URL(`${secure ? 'https' : 'http'}://127.0.0.1:${port}/`),
		close: async () => {
			for (const socket of sockets) {
				socket.destroy();
			}
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** Takes bytes into regions of changing size and pauses the connection every few deliveries, resuming a little later. */
class PausingReader implements ByteReader {
	readonly received: Buffer[] = [];
	total = 0;
	pauses = 0;
	private readonly scratch = Buffer.alloc(64 * 1024);
	private deliveries = 0;
	private done: (() => void) | undefined;

	constructor(
		private readonly connection: () => RawConnection,
		private readonly expected: number,
	) {}

	whenComplete(): Promise<void> {
		return new Promise((resolve) => {
			this.done = resolve;
		});
	}

	region(): Buffer {
		return this.scratch.subarray(0, 1 + ((this.deliveries * 7919) % this.scratch.length));
	}

	delivered(n: number): boolean {
		this.received.push(Buffer.from(this.scratch.subarray(0, n)));
		this.total += n;
		if (this.total >= this.expected) {
			this.done?.();
			return true;
		}
		if (++this.deliveries % 5 === 0) {
			this.pauses++;
			setTimeout(() => this.connection().resume(), 1);
			return false;
		}
		return true;
	}

	ended(error: Error | undefined): void {
		throw error ?? new Error('the connection ended early');
	}
}

describe('raw connections of the lean reader', () => {
	for (const secure of [false, true]) {
		it(`delivers every byte once and in order across pauses, over ${secure ? 'TLS' : 'plain TCP'}, the first ones read before the reader was attached`, async () => {
			const payload = bytes(3 * 1024 * 1024 + 5);
			const server = await startServer(secure, payload);
			const connection = new RawConnection(server.url, CA);
			try {
				const reader = new PausingReader(() => connection, payload.length);
				const complete = reader.whenComplete();
				// Node asked for the first read's memory at connect time, before any reader: those bytes are copied over.
				await new Promise<void>((resolve) => connection.socket.once(secure ? 'secureConnect' : 'connect', () => resolve()));
				connection.attach(reader);
				connection.socket.write('go');
				await complete;
				assert.equal(reader.total, payload.length);
				assert.equal(sha256(Buffer.concat(reader.received)), sha256(payload));
				assert.ok(reader.pauses > 10, `paused and resumed ${reader.pauses} times`);
				assert.ok(connection.usable);
			} finally {
				connection.attach(undefined);
				connection.destroy();
				await server.close();
			}
		});
	}

	it('a byte that arrives while no request owns the connection drops it', async () => {
		const server = await startServer(false, Buffer.alloc(0), (socket) => setTimeout(() => socket.write('x'), 20));
		const connection = new RawConnection(server.url, undefined);
		try {
			await new Promise<void>((resolve) => connection.socket.once('close', () => resolve()));
			assert.equal(connection.usable, false);
		} finally {
			connection.destroy();
			await server.close();
		}
	});
});
