/**
 * Every secret this process holds or obtains — the app secret, tenant tokens, user access and refresh tokens,
 * device codes — registered where it enters the process, so that every output (CLI JSON, progress lines, the
 * extension's log and messages) can be scrubbed of all of them, including when a server echoes one back in
 * an error message. Process-wide on purpose: a secret that one component obtained must not leak through
 * another component's output.
 */
const MIN_SECRET_LENGTH = 4; // shorter values would scrub ordinary words
const secrets = new Set<string>();
/** Bearer tokens in text we did not register (e.g. an echoed header): Lark's tokens are t-… / u-… / cli_…. */
const BEARER = /Bearer\s+[A-Za-z0-9._~+/=-]+/g;

export function registerSecret(value: string | undefined): void {
	const trimmed = value?.trim();
	if (trimmed !== undefined && trimmed.length >= MIN_SECRET_LENGTH) {
		secrets.add(trimmed);
	}
}

/** The text with every registered secret replaced by "***" (longest first, so no part of one survives). */
export function redactSecrets(text: string): string {
	let result = text.replace(BEARER, 'Bearer ***');
	for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
		if (result.includes(secret)) {
			result = result.split(secret).join('***');
		}
	}
	return result;
}

/** For tests: forget what earlier cases registered. */
export function clearSecretsForTesting(): void {
	secrets.clear();
}
