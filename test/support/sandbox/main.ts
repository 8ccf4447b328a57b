// `npm run sandbox`: a Lark-compatible Open API on 127.0.0.1 with a believable tenant, for trying the
// extension and the CLI without a Lark account. Prints where it listens and how to sign in; Ctrl-C stops it.
//
//   npm run sandbox -- [--port N] [--latency] [--bandwidth MIB_PER_S] [--faults] [--fault-rate 0.1] [--quiet]
import { parseArgs } from 'node:util';
import { MiB, startSandbox } from './index';

const HELP = `usage: npm run sandbox -- [options]

  --port N              listen on 127.0.0.1:N (default: a free port)
  --latency             realistic latency: 60-250 ms per answer, downloads capped at 4 MiB/s per connection
  --bandwidth MIB       cap each download response at MIB MiB/s (0: no cap; implies nothing else)
  --faults              fault mode: ~10% of downloads fail transiently (503, 429, resets, truncation, HTML 502),
                        5% of list calls get 429/500, and one external file always answers 234002
  --fault-rate R        fault mode with share R (0-1) instead of 0.1
  --quiet               no access log
  -h, --help            this help
`;

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			port: { type: 'string' },
			latency: { type: 'boolean', default: false },
			bandwidth: { type: 'string' },
			faults: { type: 'boolean', default: false },
			'fault-rate': { type: 'string' },
			quiet: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h', default: false },
		},
	});
	if (values.help) {
		process.stdout.write(HELP);
		return;
	}
	const number = (name: string, raw: string | undefined, min: number, max: number): number | undefined => {
		if (raw === undefined) {
			return undefined;
		}
		const value = Number(raw);
		if (!Number.isFinite(value) || value < min || value > max) {
			throw new Error(`--${name} must be a number from ${min} to ${max}, not "${raw}"`);
		}
		return value;
	};
	const port = number('port', values.port, 1, 65535);
	const bandwidth = number('bandwidth', values.bandwidth, 0, 100_000);
	const faultRate = number('fault-rate', values['fault-rate'], 0, 1) ?? (values.faults ? 0.1 : 0);
	const started = Date.now();
	const sandbox = await startSandbox({
		latency: values.latency,
		faultRate,
		...(port === undefined ? {} : { port }),
		...(bandwidth === undefined ? {} : { bytesPerSecond: bandwidth * MiB }),
		...(values.quiet ? {} : {
			onAnswered: (r) => process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${r.method} ${r.path} → ${r.status} ${r.ms} ms\n`),
		}),
	});
	const { catalog } = sandbox;
	const messages = [...catalog.fixtures.containers.values()].reduce((sum, list) => sum + list.length, 0);
	const cap = sandbox.server.bytesPerSecond;
	const example = sandbox.resource('Launch deck 发布会 v5.pdf');
	const big = sandbox.resource('产品发布会录像 Launch keynote (full).mp4');
	process.stdout.write([
		`Lark sandbox: a Feishu/Lark-compatible Open API on ${sandbox.baseUrl}  (up in ${Date.now() - started} ms)`,
		'',
		`  app id      ${sandbox.appId}`,
		`  app secret  ${sandbox.appSecret}`,
		`  user token  ${sandbox.userAccessToken}   (optional; with it the p2p chat is listed too)`,
		`  tenant      ${catalog.fixtures.chats.length} chats, ${messages} messages, ${catalog.resources.length} files from a few KB to ${Math.round(big.file.size / 1e6)} MB, generated on the fly`,
		`  latency     ${values.latency ? '60-250 ms per answer' : 'off (--latency)'};  bandwidth ${cap === undefined ? 'unlimited' : `${(cap / MiB).toFixed(1)} MiB/s per download`};  faults ${faultRate > 0 ? `${Math.round(faultRate * 100)}% of downloads` : 'off (--faults)'}`,
		'',
		'The CLI:',
		`  export LARK_BASE_URL=${sandbox.baseUrl} LARK_APP_ID=${sandbox.appId} LARK_APP_SECRET=${sandbox.appSecret}`,
		'  node dist/cli.js chats',
		`  node dist/cli.js messages --chat-id ${catalog.chats.design}`,
		`  node dist/cli.js download --message-id ${example.messageId} --file-key ${example.fileKey} --type file`,
		'',
		'VS Code: set "larkDownloader.baseUrl" to the URL above in your user settings, run "Lark: Sign In" with the app id',
		'and secret (and the user token), or paste this line into "Lark: Download Message Resource…":',
		`  ${big.messageId} ${big.fileKey} file`,
		'',
		'Ctrl-C stops the sandbox.',
		'',
	].join('\n'));
	let stopping = false;
	const stop = (): void => {
		if (stopping) {
			return;
		}
		stopping = true;
		void sandbox.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
