import { parseArgs } from 'node:util';
import { selectTokenProvider } from '../../core/auth/credentials';
import { completeDeviceSignIn, DEFAULT_SCOPES, startDeviceAuthorization, type DeviceAuthorization, type DevicePollOptions } from '../../core/auth/deviceFlow';
import { OAuthClient } from '../../core/auth/oauthClient';
import { oauthAppOf } from '../../core/auth/oauthEndpoints';
import { freshnessOf, type UserTokenSet } from '../../core/auth/userTokens';
import { LarkError } from '../../core/errors';
import { registerSecret } from '../../core/secrets/secretRegistry';
import { HttpClient } from '../../core/http/httpClient';
import { USER_AGENT } from '../../core/version';
import type { CliContext } from '../context';
import { printSuccess } from '../output';
import { belongsTo, signedInUser } from '../signedInUser';
import { TokenFile } from '../tokenStore';

export const AUTH_USAGE_LINES: readonly string[] = [
	'lark-dl auth login [--no-wait | --device-code CODE] [--scope "SCOPE …"]',
	'lark-dl auth status',
	'lark-dl auth logout',
];

const SCOPE_PATTERN = /^[A-Za-z0-9_.:-]+$/;

export async function runAuth(args: string[], context: CliContext): Promise<number> {
	const [subcommand, ...rest] = args;
	switch (subcommand) {
		case 'login':
			return runLogin(rest, context);
		case 'status':
			return runStatus(rest, context);
		case 'logout':
			return runLogout(rest, context);
		default:
			throw new LarkError('validation', `Unknown auth command ${JSON.stringify(subcommand ?? '')}: use login, status or logout.`, { hint: AUTH_USAGE_LINES.join('\n') });
	}
}

/** Device sign-in: the URL and code go to stderr for the human, the result to stdout as JSON. */
async function runLogin(args: string[], context: CliContext): Promise<number> {
	const { values } = parseArgs({
		args,
		strict: true,
		allowPositionals: false,
		options: {
			'no-wait': { type: 'boolean' },
			'device-code': { type: 'string' },
			scope: { type: 'string', multiple: true },
		},
	});
	const resumeCode = values['device-code']?.trim();
	registerSecret(resumeCode); // a device code is a credential: never echoed back in an error
	if (resumeCode === '') {
		throw new LarkError('validation', '--device-code needs the device_code printed by `lark-dl auth login --no-wait`.');
	}
	if (values['no-wait'] === true && resumeCode !== undefined) {
		throw new LarkError('validation', '--no-wait starts a sign-in and --device-code finishes one: use one of them.');
	}
	const scopes = [...DEFAULT_SCOPES, ...parseScopes(values.scope ?? [])];
	const app = oauthAppOf(context.credentials);
	const http = new HttpClient();
	try {
		const client = new OAuthClient(http, app, USER_AGENT);
		let deviceCode = resumeCode;
		let poll: DevicePollOptions = { signal: context.signal };
		if (deviceCode === undefined) {
			const authorization = await startDeviceAuthorization(client, scopes, { signal: context.signal });
			printInstructions(context, authorization);
			if (values['no-wait'] === true) {
				// The one output that must carry a secret: handing the device code over is this command's job.
				// Everything else, including errors of this very run, is scrubbed of it.
				context.io.stdout.write(`${JSON.stringify({
					ok: true,
					data: {
						verification_url: authorization.verificationUriComplete,
						user_code: authorization.userCode,
						device_code: authorization.deviceCode,
						expires_at: new Date(authorization.expiresAt).toISOString(),
						next: `lark-dl auth login --device-code ${authorization.deviceCode}`,
					},
				}, null, 2)}\n`);
				return 0;
			}
			context.io.stderr.write('Waiting for approval (Ctrl-C to stop)…\n');
			deviceCode = authorization.deviceCode;
			poll = { ...poll, expiresAt: authorization.expiresAt, intervalSeconds: authorization.intervalSeconds };
		}
		const tokens = await completeDeviceSignIn(client, deviceCode, poll);
		const file = TokenFile.of(context.env);
		await file.write({ appId: app.appId, baseUrl: app.baseUrl, tokens });
		context.io.stderr.write(`Signed in as ${tokens.name}.\n`);
		printSuccess(context.io, { ok: true, identity: 'user', data: { ...describeTokens(tokens), token_file: file.path } });
		return 0;
	} finally {
		await http.close();
	}
}

/** Who is signed in and until when, and what `--as auto` would use; never a token. */
async function runStatus(args: string[], context: CliContext): Promise<number> {
	parseArgs({ args, strict: true, allowPositionals: false, options: {} });
	const file = TokenFile.of(context.env);
	const session = await file.read();
	const http = new HttpClient();
	try {
		printSuccess(context.io, {
			ok: true,
			data: {
				signed_in: session !== undefined,
				...(session === undefined
					? {}
					: {
						identity: 'user',
						...describeTokens(session.tokens),
						state: freshnessOf(session.tokens, Date.now()),
						app_id: session.appId,
						base_url: session.baseUrl,
						matches_configuration: belongsTo(session, context.credentials),
					}),
				auto_identity: autoIdentity(context, http),
				token_file: file.path,
			},
		});
		return 0;
	} finally {
		await http.close();
	}
}

async function runLogout(args: string[], context: CliContext): Promise<number> {
	parseArgs({ args, strict: true, allowPositionals: false, options: {} });
	const file = TokenFile.of(context.env);
	const removed = await file.delete();
	printSuccess(context.io, { ok: true, data: { signed_out: removed, token_file: file.path } });
	return 0;
}

function printInstructions(context: CliContext, authorization: DeviceAuthorization): void {
	context.io.stderr.write(
		'To sign in to Lark as yourself:\n'
		+ `  1. open ${authorization.verificationUriComplete}\n`
		+ `  2. check that the page shows the code: ${authorization.userCode}\n`
		+ `  3. approve. The code expires at ${new Date(authorization.expiresAt).toLocaleTimeString()}.\n`,
	);
}

function describeTokens(tokens: UserTokenSet): Record<string, unknown> {
	return {
		open_id: tokens.openId,
		name: tokens.name,
		scope: tokens.scope.split(' ').filter((s) => s !== ''),
		access_token_expires_at: new Date(tokens.expiresAt).toISOString(),
		refresh_token_expires_at: tokens.refreshToken === '' ? null : new Date(tokens.refreshExpiresAt).toISOString(),
	};
}

/** What `--as auto` picks now, by the very selection a command makes (no request is sent). */
function autoIdentity(context: CliContext, http: HttpClient): { identity: string; source: string } | null {
	const user = signedInUser('auto', context.credentials, context.env, http, context.io);
	try {
		const provider = selectTokenProvider('auto', context.credentials, http, USER_AGENT, user);
		const source = provider === user ? 'signed-in user' : provider.identity === 'user' ? 'LARK_USER_ACCESS_TOKEN' : 'app (LARK_APP_ID)';
		return { identity: provider.identity, source };
	} catch {
		return null;
	}
}

/** `--scope` adds to the default scopes; each value may hold several, separated by spaces or commas. */
function parseScopes(values: readonly string[]): string[] {
	const scopes = values.flatMap((value) => value.split(/[\s,]+/)).filter((s) => s !== '');
	const bad = scopes.find((s) => !SCOPE_PATTERN.test(s));
	if (bad !== undefined) {
		throw new LarkError('validation', `Invalid --scope ${JSON.stringify(bad)}: scopes look like im:message:readonly.`);
	}
	return scopes;
}
