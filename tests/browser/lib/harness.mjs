// The browser tests' common ground: Debian's Chromium through playwright-core, contexts
// signed in as an API client, and the checks every page gets (no dialog, no CSP violation,
// no page error; axe-core; screenshots at desktop and phone width that also prove the page
// fits a phone).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { env } from '../../integration/lib/stack.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const SHOTS = path.join(process.env.BGW_SRCDIR ?? '.', 'docs', 'screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** A payload that would raise a dialog if any page ran it instead of showing it as text. */
export const XSS = (tag) => `<img src=x onerror=alert('${tag}')>"'><script>alert('${tag}')</script>`;

/** A SQL string literal (test-only SQL). */
export const q = (v) => `'${v.replace(/'/g, "''")}'`;

let browser;
const problems = [];

/** Start Chromium before the file's tests and close it after them; call once per file. */
export function useBrowser() {
	before(async () => {
		// launch() gives every run a fresh, throw-away user-data directory of its own.
		browser = await chromium.launch({
			executablePath: '/usr/bin/chromium',
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
				'--disable-component-update', '--no-first-run', '--disable-sync'],
		});
		fs.mkdirSync(SHOTS, { recursive: true });
	});
	after(async () => {
		await browser?.close();
	});
}

/** Record any dialog (an XSS payload that ran), CSP violation or page error of page. */
export function watch(page) {
	page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
	page.on('console', (m) => {
		if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
}

/** A watched browser context in lang, signed in as API client c (or anonymous); options
 * go to newContext (e.g. { javaScriptEnabled: false } for the pages without scripting). */
export async function contextFor(c, lang = 'ja', options = {}) {
	const ctx = await browser.newContext({ ignoreHTTPSErrors: true,
		locale: lang === 'en' ? 'en-GB' : 'ja-JP', viewport: DESKTOP, ...options });
	if (c) {
		await ctx.addCookies([{ name: '__Host-bgw_session', value: c.jar['__Host-bgw_session'],
			url: env.baseUrl, secure: true, httpOnly: true, sameSite: 'Strict' }]);
	}
	const page = await ctx.newPage();
	watch(page);
	return { ctx, page };
}

/** axe-core on the current page: no serious or critical violation. */
export async function axe(page, label) {
	await page.evaluate(AXE);
	const res = await page.evaluate(async () => await globalThis.axe.run(document, {
		runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
	const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [],
		`axe on ${label}`);
}

// A page's screenshot stops this far down: a list that grows with the test data (the
// operator's firms after a whole run) would otherwise make a picture of megabytes.
const SHOT_MAX_PX = 4000;

/** The whole page into file, cut at SHOT_MAX_PX. */
async function capture(page, file) {
	const opts = { path: file, fullPage: true };
	const height = await page.evaluate(() => document.documentElement.scrollHeight);
	if (height > SHOT_MAX_PX) opts.clip = { x: 0, y: 0, width: page.viewportSize().width, height: SHOT_MAX_PX };
	await page.screenshot(opts);
}

/** Screenshots docs/screenshots/NAME-desktop.png and -phone.png; at phone width nothing may
 * be wider than the screen (tables scroll inside their own box). */
export async function shot(page, name) {
	await capture(page, path.join(SHOTS, `${name}-desktop.png`));
	await page.setViewportSize(PHONE);
	const wide = await page.evaluate(() => document.documentElement.scrollWidth);
	if (wide > PHONE.width) {
		// Name the innermost elements that stick out (outside any scrolling box), to fix.
		const culprits = await page.evaluate((w) => [...document.querySelectorAll('body *')]
			.filter((e) => !e.closest('.scroll') && e.getBoundingClientRect().right > w + 1 &&
				![...e.children].some((c) => c.getBoundingClientRect().right > w + 1))
			.slice(0, 6).map((e) => e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') +
				(typeof e.className === 'string' && e.className ? `.${e.className.split(' ').join('.')}` : '')),
		PHONE.width);
		assert.fail(`${name}: page is ${wide}px wide at phone width: ${culprits.join(', ')}`);
	}
	await capture(page, path.join(SHOTS, `${name}-phone.png`));
	await page.setViewportSize(DESKTOP);
}

/** Nothing was recorded by watch() since the last call. */
export function noProblems() {
	assert.deepEqual(problems.splice(0), []);
}

/** Open path in both languages: axe, a screenshot each, and the h1 of each. */
export async function bothLanguages(c, urlPath, name) {
	const h1 = {};
	for (const lang of ['ja', 'en']) {
		const { ctx, page } = await contextFor(c, lang);
		const sep = urlPath.includes('?') ? '&' : '?';
		await page.goto(`${env.baseUrl}${urlPath}${sep}lang=${lang}`);
		assert.equal(await page.getAttribute('html', 'lang'), lang);
		h1[lang] = (await page.textContent('h1')).trim();
		await axe(page, `${name} ${lang}`);
		await shot(page, `${name}-${lang}`);
		await ctx.close();
	}
	assert.notEqual(h1.ja, h1.en, `${name}: the two languages differ`);
	return h1;
}
