import { runCli } from './run';

const controller = new AbortController();
let interrupts = 0;
const onSignal = (): void => {
	// First Ctrl-C cancels cleanly (the .part stays for resume); a second one exits at once.
	if (++interrupts > 1) {
		process.exit(130);
	}
	controller.abort(new Error('Interrupted'));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

runCli(process.argv.slice(2), process.env, process.cwd(), { stdout: process.stdout, stderr: process.stderr }, controller.signal)
	.then((status) => {
		process.exitCode = status;
	})
	.catch((error: unknown) => {
		process.stderr.write(`${JSON.stringify({ ok: false, error: { type: 'api', message: String(error) } })}\n`);
		process.exitCode = 1;
	});
