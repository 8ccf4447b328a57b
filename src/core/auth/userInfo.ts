import { LarkError } from '../errors';
import { readLimited } from '../http/errorResponse';
import { ApiSession } from '../http/apiSession';
import { classifyLarkCode } from '../larkErrorCodes';
import type { OAuthClient } from './oauthClient';
import { USER_INFO_PATH } from './oauthEndpoints';
import { StaticTokenProvider } from './tokenProvider';

export interface UserIdentity {
	openId: string;
	name: string;
}

interface UserInfoBody {
	code?: unknown;
	msg?: unknown;
	data?: { open_id?: unknown; name?: unknown; en_name?: unknown };
}

/** Who owns `accessToken` (`GET /open-apis/authen/v1/user_info`): the name shown for the session. */
export async function fetchUserInfo(client: OAuthClient, accessToken: string, signal?: AbortSignal): Promise<UserIdentity> {
	const session = new ApiSession(client.http, client.app.baseUrl, new StaticTokenProvider('user', accessToken), client.userAgent);
	const response = await session.send({ url: session.url(USER_INFO_PATH), signal });
	let body: UserInfoBody;
	try {
		body = JSON.parse(await readLimited(response.body)) as UserInfoBody;
	} catch {
		throw new LarkError('protocol', 'user_info did not answer with JSON.', { httpStatus: response.status });
	}
	if (body.code !== 0) {
		const code = typeof body.code === 'number' ? body.code : undefined;
		const known = code === undefined ? undefined : classifyLarkCode(code);
		throw new LarkError(known?.type ?? 'api', `Could not read the signed-in user: ${typeof body.msg === 'string' ? body.msg : 'unexpected answer'}${code === undefined ? '' : ` (Lark code ${code})`}`, {
			code, hint: known?.hint, httpStatus: response.status,
		});
	}
	const openId = body.data?.open_id;
	if (typeof openId !== 'string' || openId === '') {
		throw new LarkError('protocol', 'user_info answered without an open_id.', { httpStatus: response.status });
	}
	const name = [body.data?.name, body.data?.en_name].find((n): n is string => typeof n === 'string' && n !== '') ?? openId;
	return { openId, name };
}
