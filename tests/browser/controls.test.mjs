// controls.test.mjs: the pages of a project's controls (issue 22 item 1) in Debian's Chromium,
// in Japanese and English, without JavaScript needed: project settings (reminder schedule,
// retention, a new access code), the audit log viewer (filters; a tampered event flagged as
// `bgw-admin audit-verify` names it), project documents (upload, list, download), the
// undeliverable list with the address correction, and member removal by a client admin.
// Each page is axe-clean and fits a phone (shot()); screenshots docs/screenshots/controls-*.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { env } from '../integration/lib/stack.mjs';
import { useBrowser, contextFor, axe, shot, noProblems, bothLanguages } from './lib/harness.mjs';
import { sql, uniqueEmail } from '../integration/lib/world.mjs';
import { engagement, sendToRespondent } from '../integration/lib/engagement.mjs';

useBrowser();

// As audit-anchor.test.mjs: a write that skips the table's triggers, as an attacker with the
// database's owner rights would.
const sqlAsAttacker = (text) => sql(`SET session_replication_role = replica; ${text}`);

function adminRun(...args) {
	const r = spawnSync(process.env.BGW_ADMIN, ['--config', process.env.BGW_CONFIG, ...args],
		{ encoding: 'utf8' });
	return { status: r.status, out: r.stdout, err: r.stderr };
}

/** bothLanguages (harness.mjs), after the page answers c with 200. */
async function openBoth(c, urlPath, name) {
	assert.equal((await c.request('GET', urlPath)).status, 200, name);
	return bothLanguages(c, urlPath, name);
}

let e;

test('set up: an engagement with a sent confirmation', async () => {
	e = await engagement();
	e.sent = await sendToRespondent(e);
});

test('the project page links the controls for the audit admin, fewer for others', async () => {
	const links = async (c) => {
		const { ctx, page } = await contextFor(c, 'en');
		await page.goto(`${env.baseUrl}/projects/${e.project.id}`);
		const hrefs = await page.$$eval('a', (as) => as.map((a) => a.getAttribute('href')));
		await ctx.close();
		return ['settings', 'audit-log', 'documents', 'undeliverable']
			.filter((s) => hrefs.includes(`/projects/${e.project.id}/${s}`));
	};
	assert.deepEqual(await links(e.aa), ['settings', 'audit-log', 'documents', 'undeliverable']);
	assert.deepEqual(await links(e.am), ['settings', 'documents']);
	assert.deepEqual(await links(e.ca), ['settings', 'documents']);
});

test('settings: reminder schedule and retention saved through the form, read back by the API', async () => {
	const path = `/projects/${e.project.id}/settings`;
	await openBoth(e.aa, path, 'controls-settings');
	for (const c of [e.am, e.ca, e.cm]) {
		const body = new URLSearchParams({ csrf_token: c.csrf, retention_days: '1' });
		assert.equal((await c.request('POST', path, { body })).status, 403);
	}
	// Others read the settings, without a form to change them.
	for (const [c, lang] of [[e.am, 'ja'], [e.ca, 'en']]) {
		const { ctx, page } = await contextFor(c, lang);
		await page.goto(`${env.baseUrl}${path}`);
		assert.equal(await page.isDisabled('#f-settings-retention-days'), true);
		assert.equal(await page.inputValue('#f-settings-retention-days'), '3650');
		assert.equal(await page.locator(`form[action="${path}"]`).count(), 0);
		assert.equal(await page.locator('form[action$="/access-code"]').count(), 0);
		await axe(page, `settings read-only ${lang}`);
		await ctx.close();
	}

	const { ctx, page } = await contextFor(e.aa, 'ja');
	await page.goto(`${env.baseUrl}${path}`);
	await page.fill('#f-settings-days-before', '5');
	await page.fill('#f-settings-days-after', '2');
	await page.fill('#f-settings-every-days', ''); // off
	await page.fill('#f-settings-retention-days', '2000');
	await page.click(`form[action="${path}"] button[type=submit]`);
	assert.match(page.url(), /\/settings\?m=msg\.saved$/);
	assert.equal(await page.inputValue('#f-settings-days-before'), '5');
	assert.equal(await page.inputValue('#f-settings-every-days'), '');
	// Out of range: the form comes back with the error, nothing changed.
	await page.fill('#f-settings-retention-days', '0');
	await page.click(`form[action="${path}"] button[type=submit]`);
	assert.equal(await page.getAttribute('#f-settings-retention-days', 'aria-invalid'), 'true');
	await axe(page, 'settings with an error');
	await ctx.close();
	const r = (await e.aa.request('GET', `/api/v1/projects/${e.project.id}/reminders`)).json().reminders;
	assert.deepEqual(r, { days_before: 5, days_after: 2, every_days: null });
	const p = (await e.aa.request('GET', `/api/v1/projects/${e.project.id}`)).json().project;
	assert.equal(p.retention_days, 2000);
	assert.equal(p.mfa_required, false);
	noProblems();
});

test('audit log: filters, and the event audit-verify finds tampered is flagged', async () => {
	const path = `/projects/${e.project.id}/audit-log`;
	await openBoth(e.aa, path, 'controls-audit-log');
	assert.equal((await e.am.request('GET', path)).status, 403);

	const { ctx, page } = await contextFor(e.aa, 'en');
	await page.goto(`${env.baseUrl}${path}?action=conf.create`);
	const actions = await page.$$eval('tbody tr td:nth-child(4)', (tds) => tds.map((t) => t.textContent));
	assert.ok(actions.length >= 1);
	assert.deepEqual([...new Set(actions)], ['conf.create']);
	await page.goto(`${env.baseUrl}${path}?confirmation=${e.sent.conf.id}`);
	const objects = await page.$$eval('tbody tr td:nth-child(5)', (tds) => tds.map((t) => t.textContent));
	assert.ok(objects.length >= 3, objects.join());
	await page.goto(`${env.baseUrl}${path}?from=2000-01-01&to=2000-12-31`);
	assert.equal(await page.$$eval('tbody tr', (trs) => trs.length), 0);
	await page.goto(`${env.baseUrl}${path}`);
	assert.equal(await page.$$eval('tr.tampered', (trs) => trs.length), 0);
	assert.equal(await page.$$eval('.alert.err', (a) => a.length), 0);

	const pid = e.project.id;
	const was = sql(`SELECT action FROM bgw.audit_events WHERE project_id = '${pid}' AND seq = 2`);
	sqlAsAttacker(`UPDATE bgw.audit_events SET action = 'conf.edit' WHERE project_id = '${pid}' AND seq = 2`);
	try {
		const v = adminRun('audit-verify', '--project', pid);
		assert.equal(v.status, 1, v.out + v.err);
		const seq = v.out.match(new RegExp(`^chain ${pid}: BAD at seq (\\d+)`, 'm'));
		assert.ok(seq, v.out);
		await page.goto(`${env.baseUrl}${path}`);
		assert.equal(await page.$$eval('.alert.err', (a) => a.length), 1);
		const flagged = await page.$$eval('tr.tampered td:first-child', (tds) => tds.map((t) => t.textContent));
		assert.equal(flagged.length, 1);
		assert.match(flagged[0], new RegExp(`^${seq[1]}\\b.*Tampered`));
		await axe(page, 'audit log tampered en');
		await shot(page, 'controls-audit-log-tampered-en');
		// A filter that hides the tampered event still says the chain is broken.
		await page.goto(`${env.baseUrl}${path}?action=project.settings`);
		assert.equal(await page.$$eval('.alert.err', (a) => a.length), 1);
		await page.goto(`${env.baseUrl}${path}?lang=ja`);
		assert.match(await page.textContent('tr.tampered'), /改ざんの疑い/);
	} finally {
		sqlAsAttacker(`UPDATE bgw.audit_events SET action = '${was}' WHERE project_id = '${pid}' AND seq = 2`);
	}
	assert.equal(adminRun('audit-verify', '--project', pid).out.match(/BAD/), null);
	await ctx.close();
	noProblems();
});

test('project documents: uploaded through the page, listed, downloaded; the client sees them', async () => {
	const path = `/projects/${e.project.id}/documents`;
	const { ctx, page } = await contextFor(e.aa, 'ja');
	await page.goto(`${env.baseUrl}${path}`);
	await page.setInputFiles('#f-doc-file', { name: '監査計画.pdf', mimeType: 'application/pdf',
		buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
	await page.click(`form[action="${path}"] button[type=submit]`);
	await page.waitForURL(/\/documents\?m=msg\.saved$/); // app.js posts it and follows the 303
	const link = page.locator('a[download]', { hasText: '監査計画.pdf' });
	assert.equal(await link.count(), 1);
	const href = await link.getAttribute('href');
	assert.match(href, /^\/api\/v1\/documents\/[A-Za-z0-9_-]+$/);
	const got = await e.aa.request('GET', href);
	assert.equal(got.status, 200);
	assert.match(got.body, /^%PDF-1\.4/);
	await ctx.close();
	// Without JavaScript the form simply posts.
	const { ctx: c0, page: p0 } = await contextFor(e.am, 'en', { javaScriptEnabled: false });
	await p0.goto(`${env.baseUrl}${path}`);
	await p0.setInputFiles('#f-doc-file', { name: 'plan-nojs.pdf', mimeType: 'application/pdf',
		buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
	await p0.click(`form[action="${path}"] button[type=submit]`);
	assert.match(p0.url(), /\/documents\?m=msg\.saved$/);
	assert.equal(await p0.locator('a[download]', { hasText: 'plan-nojs.pdf' }).count(), 1);
	await c0.close();
	await openBoth(e.aa, path, 'controls-documents');
	const { ctx: c2, page: p2 } = await contextFor(e.cm, 'en');
	await p2.goto(`${env.baseUrl}${path}`);
	assert.equal(await p2.locator('a[download]', { hasText: '監査計画.pdf' }).count(), 1);
	await c2.close();
	assert.equal((await e.sent.ra.request('GET', path)).status, 404);
	noProblems();
});

test('undeliverable: listed with its correction form; corrected and sent again', async () => {
	const path = `/projects/${e.project.id}/undeliverable`;
	const { conf } = e.sent;
	sql(`UPDATE bgw.confirmations SET undeliverable = true WHERE id = '${conf.id}'`);
	await openBoth(e.aa, path, 'controls-undeliverable');
	assert.equal((await e.am.request('GET', path)).status, 403);

	const next = uniqueEmail('corrected');
	const { ctx, page } = await contextFor(e.aa, 'en', { javaScriptEnabled: false });
	await page.goto(`${env.baseUrl}${path}`);
	const form = page.locator(`form[action="/confirmations/${conf.id}/addressee"]`);
	assert.equal(await form.count(), 1);
	await form.locator('input[name=email]').fill(next);
	await form.locator('input[name=method]').fill('phone');
	await form.locator('textarea[name=note]').fill('Called the bank on its listed number; new address confirmed.');
	await form.locator('button[type=submit]').click();
	assert.match(page.url(), /\/undeliverable\?m=msg\.saved$/);
	assert.equal(await page.locator(`form[action="/confirmations/${conf.id}/addressee"]`).count(), 0);
	await ctx.close();
	const c = (await e.aa.request('GET', `/api/v1/confirmations/${conf.id}`)).json().confirmation;
	assert.equal(c.respondent.email, next);
	assert.equal(c.undeliverable, false);
	assert.equal(c.address_check.valid, true);
	noProblems();
});

test('member removal: a client admin removes its own staff from the members page, not the audit team', async () => {
	const path = `/projects/${e.project.id}/members`;
	const { ctx, page } = await contextFor(e.ca, 'en', { javaScriptEnabled: false });
	await page.goto(`${env.baseUrl}${path}`);
	const remove = (uid) => page.locator(`form[action="${path}/${uid}/remove"]`);
	assert.equal(await remove(e.am.user.id).count(), 0, 'no button for the audit side');
	assert.equal(await remove(e.aa.user.id).count(), 0);
	assert.equal(await remove(e.cm.user.id).count(), 1);
	await remove(e.cm.user.id).locator('button').click();
	assert.equal(await remove(e.cm.user.id).count(), 0);
	await ctx.close();
	const members = (await e.aa.request('GET', `/api/v1/projects/${e.project.id}/members`)).json().items;
	assert.equal(members.some((m) => m.user.id === e.cm.user.id), false);
	noProblems();
});
