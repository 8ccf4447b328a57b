import { TenantTokenProvider } from '../../src/core/auth/tenantTokenProvider';
import { StaticTokenProvider } from '../../src/core/auth/tokenProvider';
import type { DownloadEvent } from '../../src/core/download/progress';
import { DownloadEngine } from '../../src/core/download/downloadEngine';
import { ApiSession } from '../../src/core/http/apiSession';
import { HttpClient } from '../../src/core/http/httpClient';
import type { RequestBudget } from '../../src/core/http/requestBudget';
import type { RetryPolicy } from '../../src/core/http/retryPolicy';
import { LarkClient } from '../../src/core/lark/larkClient';
import { USER_AGENT } from '../../src/core/version';
import { tempDir } from './fixtures';
import { installImFixtures, type ImFixtures } from './imFixtures';
import { LarkTestServer } from './larkServer';

/** Same shape as the default policy, with millisecond delays so fault tests run fast. */
export const FAST_RETRIES: RetryPolicy = { maxRetries: 4, baseDelayMs: 2, maxDelayMs: 10, maxRateLimitWaitMs: 5_000, totalWaitBudgetMs: 10_000 };

export interface Harness {
	engine: DownloadEngine;
	session: ApiSession;
	events: DownloadEvent[];
	close(): Promise<void>;
}

export function botHarness(server: LarkTestServer, options: { retry?: RetryPolicy; budget?: RequestBudget; idleTimeoutMs?: number } = {}): Harness {
	const http = new HttpClient({ idleTimeoutMs: options.idleTimeoutMs ?? 10_000 });
	const tokens = new TenantTokenProvider(http, server.baseUrl, server.appId, server.appSecret, USER_AGENT);
	const session = new ApiSession(http, server.baseUrl, tokens, USER_AGENT, options.budget, options.retry ?? FAST_RETRIES);
	return { engine: new DownloadEngine(session), session, events: [], close: () => http.close() };
}

export function userHarness(server: LarkTestServer, token: string): Harness {
	const http = new HttpClient();
	const session = new ApiSession(http, server.baseUrl, new StaticTokenProvider('user', token), USER_AGENT, undefined, FAST_RETRIES);
	return { engine: new DownloadEngine(session), session, events: [], close: () => http.close() };
}

/** What most engine suites set up per test: a loopback server, a temp folder, a bot harness on them. */
export interface LoopbackEngine {
	server: LarkTestServer;
	work: { dir: string; cleanup: () => Promise<void> };
	harness: Harness;
}

/** For beforeEach: `({ server, work, harness } = await startLoopbackEngine());`. */
export async function startLoopbackEngine(): Promise<LoopbackEngine> {
	const server = await new LarkTestServer().start();
	return { server, work: await tempDir(), harness: botHarness(server) };
}

/** For afterEach: closes the harness, stops the server, removes the folder. */
export async function stopLoopbackEngine(engine: LoopbackEngine): Promise<void> {
	await engine.harness.close();
	await engine.server.stop();
	await engine.work.cleanup();
}

/** What the listing suites set up per test: a loopback server with the IM fixtures, a bot harness and a client. */
export interface LoopbackIm {
	server: LarkTestServer;
	fixtures: ImFixtures;
	harness: Harness;
	client: LarkClient;
}

/** For beforeEach: `({ server, fixtures, harness, client } = await startLoopbackIm());`. */
export async function startLoopbackIm(): Promise<LoopbackIm> {
	const server = await new LarkTestServer().start();
	const fixtures = installImFixtures(server);
	const harness = botHarness(server);
	return { server, fixtures, harness, client: new LarkClient(harness.session) };
}

/** For afterEach: closes the harness and stops the server. */
export async function stopLoopbackIm(im: Pick<LoopbackIm, 'server' | 'harness'>): Promise<void> {
	await im.harness.close();
	await im.server.stop();
}
