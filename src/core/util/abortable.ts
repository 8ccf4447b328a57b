import { cancelledError } from '../errors';

/**
 * Waits for `promise`, but lets this caller stop waiting when `signal` aborts. The work itself goes on
 * (others may share it); its outcome is always observed, so a late rejection is never unhandled.
 */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
	if (signal === undefined) {
		return promise;
	}
	if (signal.aborted) {
		promise.catch(() => undefined);
		return Promise.reject(cancelledError(signal.reason));
	}
	return new Promise<T>((resolve, reject) => {
		const onAbort = (): void => reject(cancelledError(signal.reason));
		signal.addEventListener('abort', onAbort, { once: true });
		promise.then(
			(value) => {
				signal.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(error instanceof Error ? error : new Error(String(error)));
			},
		);
	});
}
