import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { grantedTokensFrom } from '../../../../src/core/auth/userTokens';
import { errorFromResponse } from '../../../../src/core/http/errorResponse';
import { clearSecretsForTesting, redactSecrets, registerSecret } from '../../../../src/core/secrets/secretRegistry';

describe('secret registry', () => {
	beforeEach(() => clearSecretsForTesting());

	it('scrubs every registered secret, the longest first, and any bearer token', () => {
		registerSecret('abcd');
		registerSecret('abcdefgh');
		registerSecret('ab'); // too short to scrub safely: ordinary words would go
		assert.equal(redactSecrets('x abcdefgh y abcd z ab Bearer t-123.456'), 'x *** y *** z ab Bearer ***');
	});

	it('tokens the process obtains are registered where they enter it: user access and refresh tokens', () => {
		grantedTokensFrom({ access_token: 'u-access-0123456789', refresh_token: 'r-refresh-0123456789', expires_in: 7200 }, Date.now());
		assert.equal(redactSecrets('got u-access-0123456789 and r-refresh-0123456789'), 'got *** and ***');
	});

	it('an error message a server wrote never carries a registered secret', async () => {
		registerSecret('t-tenant-0123456789');
		const body = Readable.from([Buffer.from(JSON.stringify({ code: 99991663, msg: 'token t-tenant-0123456789 is invalid' }))]);
		const error = await errorFromResponse({ status: 400, headers: { 'content-type': 'application/json' }, body, url: 'http://127.0.0.1/x' });
		assert.equal(error.message, 'token *** is invalid (Lark code 99991663, HTTP 400)');
	});
});
