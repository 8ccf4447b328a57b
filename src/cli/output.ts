import { LarkError, type ErrorType } from '../core/errors';
import { redactSecrets } from '../core/secrets/secretRegistry';
import { cliErrorJson } from './errorHints';

/** Exit status per error type, so scripts can branch without parsing JSON. */
const EXIT_CODES: Record<ErrorType, number> = {
	validation: 2,
	auth: 3,
	permission: 3,
	scope: 3,
	not_found: 4,
	rate_limit: 5,
	network: 5,
	protocol: 6,
	api: 6,
	io: 7,
	cancelled: 130,
};

export interface Io {
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export function printSuccess(io: Io, payload: unknown): void {
	io.stdout.write(`${redactSecrets(JSON.stringify(payload, null, 2))}\n`);
}

/** One JSON object on stderr; returns the exit status. */
export function printFailure(io: Io, error: LarkError): number {
	io.stderr.write(`${redactSecrets(JSON.stringify({ ok: false, error: cliErrorJson(error) }, null, 2))}\n`);
	return EXIT_CODES[error.type];
}
