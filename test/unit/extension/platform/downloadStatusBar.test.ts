import * as assert from 'node:assert/strict';
import { RateMeter, secondsLeft } from '../../../../src/extension/platform/rateMeter';
import { installVscodeFake, window } from '../../../support/vscodeFake';

describe('the status bar item of running downloads', () => {
	let fake: ReturnType<typeof installVscodeFake>;
	let DownloadStatusBar: typeof import('../../../../src/extension/platform/downloadStatusBar').DownloadStatusBar;
	let clock = 0;
	const now = () => clock;
	const shown: string[] = [];

	before(async () => {
		fake = installVscodeFake();
		({ DownloadStatusBar } = await import('../../../../src/extension/platform/downloadStatusBar'));
	});
	beforeEach(() => {
		fake.reset();
		clock = 1_000_000;
		shown.length = 0;
	});
	after(() => fake.uninstall());

	const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

	it('shows how many run, the bytes and the speed while downloads run; hidden when idle', async () => {
		const bar = new DownloadStatusBar({ show: () => undefined }, now);
		const item = window.statusBarItems[0];
		assert.ok(item);
		assert.equal(item.visible, false);
		assert.equal(item.command, 'larkDownloader.showDownloads');
		const a = bar.start('季度报告.pdf', () => undefined);
		const b = bar.start('clip.mp4', () => undefined);
		clock += 2000;
		a.update(2 * 1024 * 1024, 10 * 1024 * 1024);
		b.update(1024 * 1024, undefined);
		await settle();
		assert.equal(item.visible, true);
		assert.equal(item.text, '$(cloud-download) 2 · 3.0 MiB · 1.5 MiB/s');
		assert.match(String(item.tooltip), /季度报告\.pdf — 2.0 MiB of 10.0 MiB · 1.0 MiB\/s · 8 s left/);
		a.finish();
		b.finish();
		assert.equal(item.visible, false);
		bar.dispose();
	});

	it('a click lists the running downloads: choosing one cancels it; Show Log is there too', async () => {
		const logged: string[] = [];
		const bar = new DownloadStatusBar({ show: () => logged.push('shown') }, now);
		let cancelled = 0;
		bar.start('季度报告.pdf', () => cancelled++);
		bar.start('Downloading attachments of Finance', () => cancelled += 10);
		window.pickAnswer = (items) => items[0];
		await bar.showDetails();
		assert.deepEqual(window.quickPicks[0]?.map((item) => item.label), ['$(close) 季度报告.pdf', '$(close) Downloading attachments of Finance', '$(stop-circle) Cancel All', '$(output) Show Log']);
		assert.equal(cancelled, 1);
		window.pickAnswer = (items) => items.find((item) => item.label.endsWith('Show Log'));
		await bar.showDetails();
		assert.deepEqual(logged, ['shown']);
		bar.dispose();
	});

	it('speed over the last seconds, time left from bytes or files', () => {
		let t = 0;
		const meter = new RateMeter(() => t, 5000);
		t = 1000;
		meter.sample(1000);
		t = 2000;
		meter.sample(2000);
		assert.equal(meter.bytesPerSecond(), 1000);
		assert.equal(secondsLeft({ bytesDone: 2000, bytesTotal: 12000, bytesPerSecond: 1000, elapsedSeconds: 2 }), 10);
		assert.equal(secondsLeft({ bytesDone: 2000, bytesPerSecond: 1000, elapsedSeconds: 10, filesDone: 2, filesTotal: 6 }), 20);
		assert.equal(secondsLeft({ bytesDone: 0, bytesPerSecond: 0, elapsedSeconds: 1, filesDone: 0, filesTotal: 6 }), undefined);
	});
});
