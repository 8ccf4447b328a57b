import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, Transform } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';

/** One scripted misbehaviour for one resource request. */
export type Fault =
	| { kind: 'status'; status: number; code?: number; msg?: string; headers?: Record<string, string>; extra?: Record<string, unknown> }
	| { kind: 'html'; status: number }
	| { kind: 'ignoreRange' }
	| { kind: 'shift'; by: number }
	| { kind: 'short'; bytes: number }
	| { kind: 'truncate'; after: number }
	| { kind: 'overflow'; extra: number }
	/** Answers without Content-Length and ends cleanly after `bytes` bytes (fewer or more than the resource). */
	| { kind: 'unframed'; bytes: number }
	| { kind: 'total'; total: number }
	| { kind: 'reset' }
	| { kind: 'redirect'; to: string }
	| { kind: 'stall'; afterBytes: number };

/** What every served resource has besides its bytes. */
export interface ResourceMeta {
	messageId: string;
	fileKey: string;
	type: 'image' | 'file';
	contentType?: string;
	contentDisposition?: string;
	/** Sent as ETag on every answer (Lark sends none; tests use it to change a resource in place). */
	etag?: string;
	/** Sent as Last-Modified on every answer (no source says Lark sends it; tests use it as the only validator). */
	lastModified?: string;
	/** Always answer 200 with the whole body. */
	ignoreRange?: boolean;
	/** Compress every answer (a misbehaving proxy). */
	gzip?: boolean;
	/** Decides a fault per request (index counts this resource's requests from 0). */
	fault?: (request: { index: number; range: string | undefined }) => Fault | undefined;
}

/** A resource whose bytes are held in memory (what the tests use). */
export interface ServedResource extends ResourceMeta {
	data: Buffer;
}

/**
 * A resource whose bytes are produced on demand, never held whole in memory (the sandbox's files of
 * a few hundred MB). `stream(start, end)` must yield exactly bytes start..end (inclusive) of the same
 * content every time it is called; it is called once per answered request.
 */
export interface StreamedResource extends ResourceMeta {
	size: number;
	stream(start: number, end: number): Readable;
}

/** What the server logs when it has answered a request (for a sandbox's access log). */
export interface AnsweredRequest {
	method: string;
	path: string;
	status: number;
	ms: number;
}

export interface LoggedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: http.IncomingHttpHeaders;
	host: string;
	at: number;
}

/** An extra endpoint; return false to fall through to the built-in routes. */
export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL, server: LarkTestServer) => boolean | void;

export interface LarkServerOptions {
	appId?: string;
	appSecret?: string;
	tokenExpireSeconds?: number;
	/** Resource requests need no Authorization (stands in for a CDN host behind a redirect). */
	open?: boolean;
	/** Host name used in `baseUrl` (e.g. "localhost" to act as another host). */
	hostName?: string;
	/** Port on 127.0.0.1 (default: a free one). */
	port?: number;
	/** Milliseconds to wait before handling each request (realistic latency); 0 or undefined: none. */
	delay?: (request: { method: string; path: string }) => number;
	/** Caps each streamed resource response at this many bytes per second (Buffer resources are never throttled). */
	bytesPerSecond?: number;
	/** Called when a response has been sent (or the connection closed before that). */
	onAnswered?: (request: AnsweredRequest) => void;
}

/**
 * A loopback (127.0.0.1) Lark-compatible server for tests: the tenant-token endpoint and the
 * message-resource endpoint with real Range semantics, plus scripted faults and a request log.
 * Resources are in-memory Buffers (addResource) or produced on demand (addStreamedResource); the
 * sandbox (test/support/sandbox) adds latency, a bandwidth cap and an access log through the options.
 */
export class LarkTestServer {
	readonly requests: LoggedRequest[] = [];
	readonly resources = new Map<string, ServedResource>();
	readonly streamedResources = new Map<string, StreamedResource>();
	readonly validTokens = new Set<string>();
	readonly appId: string;
	readonly appSecret: string;
	private readonly server: http.Server;
	private readonly counters = new Map<string, number>();
	private readonly routes: { method: string; pattern: RegExp; handler: RouteHandler }[] = [];
	private tokenSerial = 0;
	private port = 0;

	constructor(private readonly options: LarkServerOptions = {}) {
		this.appId = options.appId ?? 'cli_test_app';
		this.appSecret = options.appSecret ?? `secret-${randomBytes(6).toString('hex')}`;
		this.server = http.createServer((req, res) => this.dispatch(req, res));
	}

	/** Bytes per second for streamed resources; undefined: unthrottled. May be changed while running. */
	get bytesPerSecond(): number | undefined {
		return this.options.bytesPerSecond;
	}

	set bytesPerSecond(value: number | undefined) {
		this.options.bytesPerSecond = value;
	}

	get baseUrl(): string {
		return `http://${this.options.hostName ?? '127.0.0.1'}:${this.port}`;
	}

	async start(): Promise<this> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port ?? 0, '127.0.0.1', () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		this.port = (this.server.address() as AddressInfo).port;
		return this;
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** Adds an endpoint (chats, messages, OAuth …) without touching this file. */
	route(method: string, pattern: RegExp, handler: RouteHandler): this {
		this.routes.push({ method, pattern, handler });
		return this;
	}

	/** True when the request carries a token this server issued (and has not expired). */
	isAuthorized(req: http.IncomingMessage): boolean {
		const header = req.headers.authorization;
		return header !== undefined && header.startsWith('Bearer ') && this.validTokens.has(header.slice('Bearer '.length));
	}

	addResource(resource: ServedResource): ServedResource {
		this.resources.set(resource.fileKey, resource);
		return resource;
	}

	/** Serves bytes produced on demand (see StreamedResource); same endpoint, Range and faults. */
	addStreamedResource(resource: StreamedResource): StreamedResource {
		this.streamedResources.set(resource.fileKey, resource);
		return resource;
	}

	/** A user access token the server accepts. */
	issueUserToken(): string {
		const token = `u-test-${randomBytes(8).toString('hex')}`;
		this.validTokens.add(token);
		return token;
	}

	/** Makes the server reject `token` as expired from now on. */
	expireToken(token: string): void {
		this.validTokens.delete(token);
	}

	resourceRequests(fileKey?: string): LoggedRequest[] {
		return this.requests.filter((r) => r.path.includes('/resources/') && (fileKey === undefined || r.path.endsWith(`/${encodeURIComponent(fileKey)}`)));
	}

	tokenRequests(): LoggedRequest[] {
		return this.requests.filter((r) => r.path === '/open-apis/auth/v3/tenant_access_token/internal');
	}

	private dispatch(req: http.IncomingMessage, res: http.ServerResponse): void {
		const { delay, onAnswered } = this.options;
		if (onAnswered !== undefined) {
			const started = Date.now();
			res.once('close', () => onAnswered({ method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0] ?? '/', status: res.statusCode, ms: Date.now() - started }));
		}
		const wait = delay?.({ method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0] ?? '/' }) ?? 0;
		if (wait > 0) {
			setTimeout(() => this.handle(req, res), wait);
		} else {
			this.handle(req, res);
		}
	}

	private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		this.requests.push({
			method: req.method ?? 'GET',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: req.headers,
			host: req.headers.host ?? '',
			at: Date.now(),
		});
		for (const route of this.routes) {
			if (route.method === req.method && route.pattern.test(url.pathname) && route.handler(req, res, url, this) !== false) {
				return;
			}
		}
		if (url.pathname === '/open-apis/auth/v3/tenant_access_token/internal' && req.method === 'POST') {
			this.handleTenantToken(req, res);
			return;
		}
		const match = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/.exec(url.pathname);
		if (match !== null && req.method === 'GET') {
			this.handleResource(req, res, decodeURIComponent(match[1] ?? ''), decodeURIComponent(match[2] ?? ''), url.searchParams.get('type'));
			return;
		}
		sendJson(res, 404, { code: 404, msg: 'not found' });
	}

	private handleTenantToken(req: http.IncomingMessage, res: http.ServerResponse): void {
		readBody(req, (body) => {
			let parsed: { app_id?: unknown; app_secret?: unknown } = {};
			try {
				parsed = JSON.parse(body) as typeof parsed;
			} catch {
				sendJson(res, 400, { code: 9499, msg: 'bad json' });
				return;
			}
			if (parsed.app_id !== this.appId || parsed.app_secret !== this.appSecret) {
				sendJson(res, 200, { code: 10014, msg: 'app secret invalid' });
				return;
			}
			const token = `t-test-${++this.tokenSerial}-${randomBytes(4).toString('hex')}`;
			this.validTokens.add(token);
			sendJson(res, 200, { code: 0, msg: 'ok', tenant_access_token: token, expire: this.options.tokenExpireSeconds ?? 7200 });
		});
	}

	private authorize(req: http.IncomingMessage, res: http.ServerResponse): boolean {
		if (this.options.open === true) {
			return true;
		}
		const header = req.headers.authorization;
		if (header === undefined || !header.startsWith('Bearer ')) {
			sendJson(res, 401, { code: 99991661, msg: 'Missing access token for authorization.' });
			return false;
		}
		const token = header.slice('Bearer '.length);
		if (!this.validTokens.has(token)) {
			const code = token.startsWith('u-') ? 99991677 : 99991663;
			sendJson(res, 401, { code, msg: 'Invalid access token for authorization.', error: { log_id: 'log-auth-1' } });
			return false;
		}
		return true;
	}

	private handleResource(req: http.IncomingMessage, res: http.ServerResponse, messageId: string, fileKey: string, type: string | null): void {
		if (!this.authorize(req, res)) {
			return;
		}
		const resource = this.resources.get(fileKey) ?? this.streamedResources.get(fileKey);
		if (resource === undefined || resource.messageId !== messageId) {
			sendJson(res, 400, { code: 234003, msg: 'File not in msg.', error: { log_id: 'log-234003' } });
			return;
		}
		if (type !== resource.type) {
			sendJson(res, 400, { code: 234001, msg: 'Invalid request param.' });
			return;
		}
		const index = this.counters.get(fileKey) ?? 0;
		this.counters.set(fileKey, index + 1);
		const range = req.headers.range;
		const fault = resource.fault?.({ index, range });
		if ('data' in resource) {
			serveResource(req, res, resource, range, fault);
		} else {
			serveStreamedResource(req, res, resource, range, fault, this.options.bytesPerSecond);
		}
	}
}

/** Status, headers and byte range of an answer, once the faults that answer without a body are handled. */
interface Plan {
	status: number;
	headers: Record<string, string>;
	/** First and last byte (inclusive) of the body. */
	bodyStart: number;
	end: number;
}

/** Handles the faults that replace the answer and an unsatisfiable Range; otherwise plans the body. */
function plan(req: http.IncomingMessage, res: http.ServerResponse, resource: ResourceMeta, size: number, rangeHeader: string | undefined, fault: Fault | undefined): Plan | undefined {
	const headers: Record<string, string> = { 'content-type': resource.contentType ?? 'application/octet-stream' };
	if (resource.contentDisposition !== undefined) {
		headers['content-disposition'] = resource.contentDisposition;
	}
	if (resource.etag !== undefined) {
		headers.etag = resource.etag;
	}
	if (resource.lastModified !== undefined) {
		headers['last-modified'] = resource.lastModified;
	}
	switch (fault?.kind) {
		case 'status':
			sendJson(res, fault.status, { code: fault.code ?? fault.status, msg: fault.msg ?? 'injected error', error: { log_id: `log-${fault.code ?? fault.status}` }, ...(fault.extra ?? {}) }, fault.headers);
			return undefined;
		case 'html':
			res.writeHead(fault.status, { 'content-type': 'text/html' });
			res.end(`<html><head><title>${fault.status} Bad Gateway</title></head><body><h1>${fault.status} Bad Gateway</h1><hr>nginx</body></html>`);
			return undefined;
		case 'reset':
			req.socket.destroy();
			return undefined;
		case 'redirect':
			res.writeHead(302, { location: fault.to + (req.url ?? '') });
			res.end();
			return undefined;
		default:
			break;
	}
	// RFC 9110 If-Range: a validator that no longer matches means "send me all of it".
	const condition = req.headers['if-range'];
	const stale = condition !== undefined && condition !== resource.etag && condition !== resource.lastModified;
	const ignoreRange = resource.ignoreRange === true || fault?.kind === 'ignoreRange' || stale;
	let start = 0;
	let end = size - 1;
	let status = 200;
	if (rangeHeader !== undefined && !ignoreRange) {
		const m = /^bytes=(\d+)-(\d*)$/.exec(rangeHeader);
		if (m === null || size === 0 || Number(m[1]) >= size) {
			res.writeHead(416, { 'content-range': `bytes */${size}`, 'content-type': 'application/json' });
			res.end(JSON.stringify({ code: 416, msg: 'Range Not Satisfiable' }));
			return undefined;
		}
		start = Number(m[1]);
		end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
		status = 206;
	}
	let total = size;
	let bodyStart = start;
	if (status === 206) {
		if (fault?.kind === 'short') {
			end = Math.min(end, start + fault.bytes - 1);
		}
		if (fault?.kind === 'shift') {
			bodyStart = start + fault.by;
			end = Math.min(size - 1, end + fault.by);
		}
		if (fault?.kind === 'total') {
			total = fault.total;
		}
		headers['content-range'] = `bytes ${bodyStart}-${end}/${total}`;
	}
	return { status, headers, bodyStart, end };
}

function serveResource(req: http.IncomingMessage, res: http.ServerResponse, resource: ServedResource, rangeHeader: string | undefined, fault: Fault | undefined): void {
	const planned = plan(req, res, resource, resource.data.length, rangeHeader, fault);
	if (planned === undefined) {
		return;
	}
	const { status, headers, bodyStart, end } = planned;
	let body = resource.data.subarray(bodyStart, end + 1);
	if (resource.gzip === true) {
		body = gzipSync(body);
		headers['content-encoding'] = 'gzip';
	}
	if (fault?.kind === 'overflow') {
		res.writeHead(status, headers); // no Content-Length: chunked, so the extra bytes arrive
		res.end(Buffer.concat([body, Buffer.alloc(fault.extra, 0x41)]));
		return;
	}
	if (fault?.kind === 'unframed') {
		res.writeHead(status, headers); // chunked: the end of the body is the only length there is
		res.end(fault.bytes <= body.length ? body.subarray(0, fault.bytes) : Buffer.concat([body, Buffer.alloc(fault.bytes - body.length, 0x42)]));
		return;
	}
	headers['content-length'] = String(body.length);
	res.writeHead(status, headers);
	if (fault?.kind === 'truncate') {
		res.write(body.subarray(0, fault.after), () => setTimeout(() => req.socket.destroy(), 20));
		return;
	}
	if (fault?.kind === 'stall') {
		res.write(body.subarray(0, fault.afterBytes)); // then say nothing more
		return;
	}
	res.end(body);
}

/** The same answers as serveResource, with the body streamed (and optionally throttled) instead of sliced. */
function serveStreamedResource(req: http.IncomingMessage, res: http.ServerResponse, resource: StreamedResource, rangeHeader: string | undefined, fault: Fault | undefined, bytesPerSecond: number | undefined): void {
	const planned = plan(req, res, resource, resource.size, rangeHeader, fault);
	if (planned === undefined) {
		return;
	}
	const { status, headers, bodyStart, end } = planned;
	let length = end - bodyStart + 1;
	if (fault?.kind === 'truncate') {
		length = Math.min(length, fault.after);
	} else if (fault?.kind === 'stall') {
		length = Math.min(length, fault.afterBytes);
	}
	const stages: NodeJS.ReadWriteStream[] = [];
	if (bytesPerSecond !== undefined && bytesPerSecond > 0) {
		stages.push(throttle(bytesPerSecond));
	}
	if (resource.gzip === true) {
		stages.push(createGzip());
		headers['content-encoding'] = 'gzip';
	} else if (fault?.kind !== 'overflow') {
		headers['content-length'] = String(end - bodyStart + 1);
	}
	res.writeHead(status, headers);
	let source: NodeJS.ReadableStream = length > 0 ? resource.stream(bodyStart, bodyStart + length - 1) : Readable.from([]);
	for (const stage of stages) {
		source = source.pipe(stage);
	}
	const abort = (): void => {
		for (const stream of [source, ...stages]) {
			(stream as Readable).destroy?.();
		}
	};
	res.once('close', abort); // the client went away: stop producing
	source.on('error', () => req.socket.destroy());
	source.pipe(res, { end: false });
	source.once('end', () => {
		if (fault?.kind === 'truncate') {
			setTimeout(() => req.socket.destroy(), 20);
		} else if (fault?.kind === 'overflow') {
			res.end(Buffer.alloc(fault.extra, 0x41));
		} else if (fault?.kind !== 'stall') {
			res.end(); // a stall says nothing more
		}
	});
}

/** Passes bytes on at no more than `bytesPerSecond`, in slices of at most 1/20 s worth. */
function throttle(bytesPerSecond: number): Transform {
	const slice = Math.max(1024, Math.floor(bytesPerSecond / 20));
	const began = Date.now();
	let sent = 0;
	return new Transform({
		transform(chunk: Buffer, _encoding, done) {
			let offset = 0;
			const next = (): void => {
				if (offset >= chunk.length) {
					done();
					return;
				}
				const part = chunk.subarray(offset, offset + slice);
				offset += part.length;
				sent += part.length;
				this.push(part);
				const due = began + (sent / bytesPerSecond) * 1000;
				setTimeout(next, Math.max(0, due - Date.now()));
			};
			next();
		},
	});
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), 'x-tt-logid': 'header-log-id', ...headers });
	res.end(text);
}

export function readBody(req: http.IncomingMessage, done: (body: string) => void): void {
	const chunks: Buffer[] = [];
	req.on('data', (chunk: Buffer) => chunks.push(chunk));
	req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
}
