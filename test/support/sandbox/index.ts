// The sandbox Lark tenant: the tests' LarkTestServer with the IM routes of imFixtures, serving the
// catalog's chats, messages and generated files, under its own app credentials. Used by
// `npm run sandbox` (main.ts), `npm run demo`, the screenshots and the .vsix test.
import { installImRoutes } from '../imFixtures';
import { LarkTestServer, sendJson, type AnsweredRequest, type Fault } from '../larkServer';
import { buildCatalog, type SandboxCatalog, type SandboxResource } from './catalog';
import { prng, sha256Of } from './content';

/** The sandbox app's credentials: fixed, so a browser that signed in once keeps working across restarts. */
export const SANDBOX_APP_ID = 'cli_a5e9sandbox0dl';
export const SANDBOX_APP_SECRET = 'sandbox-secret-8f3c1a7e9b2d4f60';
/** A user access token the sandbox accepts: signing in with it lists p2p chats too (the bot cannot). */
export const SANDBOX_USER_TOKEN = 'u-sandbox.0a9f3c7e5b1d4e2f8a6c';

export interface SandboxOptions {
	/** Port on 127.0.0.1 (default: a free one). */
	port?: number;
	/** Realistic latency: 60–250 ms before every answer. */
	latency?: boolean;
	/** Bytes per second per resource response (default with `latency`: 4 MiB/s; 0: unthrottled). */
	bytesPerSecond?: number;
	/**
	 * Fault mode: this share of resource requests (and half of it of API requests) fails the way Lark
	 * and its CDN do — 503, 429 with x-ogw-ratelimit-reset, connection resets, truncated bodies, an
	 * HTML 502 — and one external file always answers 234002 (no permission). 0 or undefined: off.
	 */
	faultRate?: number;
	/** Seed for latency and faults, so a run can be repeated. */
	seed?: number;
	/** Called for every answered request (an access log). */
	onAnswered?: (request: AnsweredRequest) => void;
	/** Anchors message times (default: now). */
	now?: number;
}

export interface Sandbox {
	server: LarkTestServer;
	baseUrl: string;
	appId: string;
	appSecret: string;
	userAccessToken: string;
	catalog: SandboxCatalog;
	/** The resource whose sender's file name is `name` (or whose key is `name`). */
	resource(name: string): SandboxResource;
	/** SHA-256 (hex) of a resource's bytes, computed by streaming them. */
	sha256(resource: SandboxResource): Promise<string>;
	/** Changes the bandwidth cap while running (the screenshots slow one download down). */
	setBytesPerSecond(bytesPerSecond: number | undefined): void;
	stop(): Promise<void>;
}

export const MiB = 1024 * 1024;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const random = prng(options.seed ?? 20240506);
	const catalog = buildCatalog(options.now);
	const bytesPerSecond = options.bytesPerSecond ?? (options.latency === true ? 4 * MiB : 0);
	const server = new LarkTestServer({
		appId: SANDBOX_APP_ID,
		appSecret: SANDBOX_APP_SECRET,
		...(options.port === undefined ? {} : { port: options.port }),
		...(options.latency === true ? { delay: () => Math.round(60 + random() ** 2 * 190) } : {}),
		...(bytesPerSecond > 0 ? { bytesPerSecond } : {}),
		...(options.onAnswered === undefined ? {} : { onAnswered: options.onAnswered }),
	});
	server.validTokens.add(SANDBOX_USER_TOKEN);

	const faultRate = options.faultRate ?? 0;
	if (faultRate > 0) {
		// Registered before the IM routes, so it sees their requests first and falls through when it passes.
		server.route('GET', /^\/open-apis\/im\/v1\/(chats|messages)/, (_req, res) => {
			if (random() >= faultRate / 2) {
				return false;
			}
			if (random() < 0.5) {
				sendJson(res, 429, { code: 99991400, msg: 'request trigger frequency limit' }, { 'x-ogw-ratelimit-reset': '1' });
			} else {
				sendJson(res, 500, { code: 1500, msg: 'internal error, please retry' });
			}
			return true;
		});
	}
	installImRoutes(server, catalog.fixtures);

	for (const resource of catalog.resources) {
		server.addStreamedResource({
			messageId: resource.messageId,
			fileKey: resource.fileKey,
			type: resource.type,
			contentType: resource.contentType,
			...(resource.contentDisposition === undefined ? {} : { contentDisposition: resource.contentDisposition }),
			get size() {
				return resource.file.size;
			},
			stream: (start, end) => resource.file.stream(start, end),
			...(faultRate > 0 ? { fault: randomFault(resource, faultRate, random) } : {}),
		});
	}
	if (faultRate > 0) {
		const denied = catalog.resources.find((r) => r.name === 'Mutual NDA (signed).pdf');
		const served = denied === undefined ? undefined : server.streamedResources.get(denied.fileKey);
		if (served !== undefined) {
			served.fault = () => ({ kind: 'status', status: 400, code: 234002, msg: 'No permission to access the resource.' });
		}
	}

	await server.start();
	return {
		server,
		baseUrl: server.baseUrl,
		appId: server.appId,
		appSecret: server.appSecret,
		userAccessToken: SANDBOX_USER_TOKEN,
		catalog,
		resource(name: string): SandboxResource {
			const found = catalog.resources.find((r) => r.name === name || r.fileKey === name);
			if (found === undefined) {
				throw new Error(`The sandbox has no resource named ${name}`);
			}
			return found;
		},
		sha256: (resource) => sha256Of(resource.file),
		setBytesPerSecond(value) {
			server.bytesPerSecond = value === undefined || value <= 0 ? undefined : value;
		},
		stop: () => server.stop(),
	};
}

/** Transient faults only: each is one the engine retries or resumes from. */
function randomFault(resource: SandboxResource, rate: number, random: () => number): (request: { index: number }) => Fault | undefined {
	return () => {
		if (random() >= rate) {
			return undefined;
		}
		const size = resource.file.size;
		const pick = random();
		if (pick < 0.3) {
			return { kind: 'status', status: 503, code: 503, msg: 'service unavailable' };
		}
		if (pick < 0.5) {
			return { kind: 'status', status: 429, code: 99991400, msg: 'request trigger frequency limit', headers: { 'x-ogw-ratelimit-reset': '1' } };
		}
		if (pick < 0.7) {
			return { kind: 'reset' };
		}
		if (pick < 0.85 && size > 4096) {
			return { kind: 'truncate', after: Math.floor(random() * 4096) };
		}
		return { kind: 'html', status: 502 };
	};
}
