/**
 * Runs `work` on `items` with at most `concurrency` running at once, taking items in order and lazily (an
 * iterator is never drained up front). Once `shouldStop()` is true no new item is started; the running ones
 * finish. The one worker pool of the core: ranged parts of one file, and the files of a bulk download.
 */
export async function runPool<T>(items: Iterable<T>, concurrency: number, work: (item: T) => Promise<void>, shouldStop: () => boolean = () => false): Promise<void> {
	const iterator = items[Symbol.iterator]();
	const next = (): IteratorResult<T> => (shouldStop() ? { done: true, value: undefined } : iterator.next());
	const worker = async (): Promise<void> => {
		for (let item = next(); item.done !== true; item = next()) {
			await work(item.value);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.floor(concurrency)) }, worker));
}
