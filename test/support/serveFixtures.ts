// Serves the IM fixtures on a loopback port until interrupted, for trying the CLI by hand and for
// capturing docs/cli-listing.md:
//   npm run compile-tests && node out/test/support/serveFixtures.js [--deny FILE_KEY]
// It prints the environment to export; --deny makes that resource answer 234002 (no permission).
import { parseArgs } from 'node:util';
import { installImFixtures } from './imFixtures';
import { LarkTestServer } from './larkServer';

async function main(): Promise<void> {
	const { values } = parseArgs({ options: { deny: { type: 'string', multiple: true } } });
	const server = await new LarkTestServer().start();
	const fixtures = installImFixtures(server);
	for (const key of values.deny ?? []) {
		const resource = fixtures.resources.get(key);
		if (resource === undefined) {
			throw new Error(`No fixture resource ${key}.`);
		}
		resource.fault = () => ({ kind: 'status', status: 400, code: 234002, msg: 'No permission to the resource.' });
	}
	process.stdout.write([
		`export LARK_BASE_URL=${server.baseUrl}`,
		`export LARK_APP_ID=${server.appId}`,
		`export LARK_APP_SECRET=${server.appSecret}`,
		`# for --as user: export LARK_USER_ACCESS_TOKEN=${server.issueUserToken()}`,
		'',
	].join('\n'));
	const stop = (): void => {
		void server.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	process.stderr.write(`${String(error)}\n`);
	process.exit(1);
});
