import { LarkError } from '../errors';

export const SIGN_IN_AGAIN_HINT = 'Sign in again as a user.';

/**
 * The user's session is over (refresh token revoked, expired, already used, or never granted): only a
 * new sign-in helps, so nothing retries it. The extension can catch this type to offer sign-in.
 */
export class SignInRequiredError extends LarkError {
	constructor(reason: string, details: { code?: number; logId?: string; httpStatus?: number } = {}) {
		super('auth', `The Lark sign-in is no longer valid (${reason}); sign in again.`, { ...details, reason: 'sign-in-again', hint: SIGN_IN_AGAIN_HINT, retryable: false });
		this.name = 'SignInRequiredError';
	}
}
