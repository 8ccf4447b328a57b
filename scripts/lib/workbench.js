// Drives VS Code's web workbench through its UI with playwright-core, the way a user does: the command
// palette, quick picks, input boxes, notifications and the Lark view. Used by the .vsix suite and the
// screenshots. Selectors are VS Code's own DOM classes (stable across 1.9x–1.13x).
'use strict';

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (text) => new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`);

class Workbench {
	/** @param {import('playwright-core').Page} page */
	constructor(page, log = () => {}) {
		this.page = page;
		this.log = log;
	}

	async open(url) {
		await this.page.goto(url);
		await this.page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
		// the folder is open and the remote connection is up once the explorer shows it
		await this.page.waitForSelector('.explorer-folders-view, .welcome-view', { timeout: 120_000 });
	}

	get quickInput() {
		return this.page.locator('.quick-input-widget');
	}

	/** A row of the open quick pick whose label is exactly `label`. */
	row(label) {
		return this.quickInput.locator('.quick-input-list .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) }).first();
	}

	/**
	 * Runs a command from the palette by its exact title. The palette's list is computed when it opens, so a
	 * command whose extension has not registered yet is missing: close, wait and reopen until it is listed.
	 */
	async runCommand(title, { attempts = 30 } = {}) {
		for (let attempt = 1; attempt <= attempts; attempt++) {
			await this.page.keyboard.press('F1');
			const input = this.quickInput.locator('.quick-input-box input');
			await input.waitFor({ state: 'visible', timeout: 20_000 });
			await input.fill(`>${title}`);
			const listed = await this.row(title).waitFor({ timeout: 2000 }).then(() => true, () => false);
			if (listed) {
				await this.row(title).click();
				this.log(`ran "${title}" (palette attempt ${attempt})`);
				return;
			}
			await this.page.keyboard.press('Escape');
			await this.page.waitForTimeout(1000);
		}
		throw new Error(`"${title}" never appeared in the command palette`);
	}

	/** Waits for an input box whose prompt contains `prompt`, types `value` and accepts it. */
	async answer(prompt, value) {
		const message = this.quickInput.locator('.quick-input-message', { hasText: prompt });
		await message.waitFor({ state: 'visible', timeout: 30_000 });
		const input = this.quickInput.locator('.quick-input-box input');
		await input.fill(value);
		// validateInput runs on every change; Enter is ignored while a validation message is shown
		await this.page.waitForTimeout(200);
		await input.press('Enter');
		await message.waitFor({ state: 'hidden', timeout: 30_000 }).catch(() => {});
		this.log(`answered "${prompt}"`);
	}

	/** Waits for the quick pick to offer `label` and picks it. */
	async pick(label) {
		await this.row(label).waitFor({ timeout: 30_000 });
		await this.row(label).click();
		this.log(`picked "${label}"`);
	}

	/** The notification toast whose message matches `text`. */
	notification(text) {
		return this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
	}

	async waitForNotification(text, timeout = 60_000) {
		await this.notification(text).waitFor({ state: 'visible', timeout });
		return this.notification(text);
	}

	/** Opens the activity bar container whose title is `title` (e.g. "Lark"). */
	async openContainer(title) {
		const item = this.page.locator(`.activitybar .action-item a[aria-label^="${title}"], .activitybar .action-item[aria-label^="${title}"]`).first();
		await item.waitFor({ timeout: 60_000 });
		const checked = await item.evaluate((el) => (el.closest('.action-item')?.classList.contains('checked') ?? false));
		if (!checked) {
			await item.click();
		}
	}

	/** A row of the tree in the visible side bar whose label contains `label` (a string or RegExp). */
	treeRow(label) {
		return this.page.locator('.sidebar .monaco-list-row', { has: this.page.locator('.label-name', { hasText: label }) }).first();
	}
}

module.exports = { Workbench, exactly };
