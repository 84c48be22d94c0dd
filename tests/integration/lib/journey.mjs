// journey.mjs: the first-time respondent's journey driven over HTTP the way a browser
// without scripting drives it: the request mail's link, one form (code and new password),
// the answer form, the receipt.  Counts what the person does: document navigations (a
// link followed or a form sent; a redirect belongs to the navigation that caused it) and
// the fields they must type (visible text or password fields that are required and come
// empty).  Shared by tests/integration/journey.test.mjs and the benchmark's
// respondent_journey scenario (tests/bench/run.sh).
import assert from 'node:assert/strict';
import { Client } from './stack.mjs';
import { mailTo, mailText, canary } from './world.mjs';

/** The attributes of every <input> of an HTML text (names lower-cased). */
export function inputsOf(html) {
	return [...html.matchAll(/<input\b([^>]*)>/g)].map(([, attrs]) => {
		const a = {};
		for (const [, k, v] of attrs.matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)) a[k.toLowerCase()] = v ?? '';
		return a;
	});
}

const unescape = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
	.replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** The fields a person must type on a page: visible text-like inputs, required and empty. */
export function mustType(html) {
	return inputsOf(html).filter((i) => 'required' in i && (i.value ?? '') === ''
		&& !['hidden', 'radio', 'checkbox', 'submit', 'file'].includes(i.type ?? 'text'));
}

/** The hidden fields of the form whose action ends with `action`. */
export function hiddenFields(html, action) {
	const at = html.indexOf(`action="${action}`);
	assert.ok(at >= 0, `no form posting to ${action}`);
	const form = html.slice(at, html.indexOf('</form>', at));
	return Object.fromEntries(inputsOf(form).filter((i) => i.type === 'hidden')
		.map((i) => [i.name, unescape(i.value ?? '')]));
}

/** A browser's navigation: the request, then every 303 followed with GET. */
async function navigate(c, method, path, body) {
	let res = await c.request(method, path, body ? { body } : {});
	const hops = [path];
	while (res.status === 303 || res.status === 302) {
		const next = res.headers.location.replace(/^https:\/\/[^/]+/, '');
		hops.push(next);
		res = await c.request('GET', next);
	}
	res.path = hops[hops.length - 1];
	return res;
}

/** The link of the request mail to `email` (from the SMTP sink). */
export async function requestLink(email) {
	const [, m] = await mailTo(email, /(\/invitation\?token=([A-Za-z0-9_-]{43}))/);
	canary(m[2]);
	return m[1];
}

/**
 * Walk the journey of addressee `email` from its request mail with `code` (the
 * organisation's first-access code) and `password`; every item is answered "agrees".
 * Resolves with {screens, typedFields, pages: [first, answer, receipt], client}.
 */
export async function walkJourney(email, code, password, { lang } = {}) {
	const c = new Client();
	if (lang) c.jar.lang = lang;
	let screens = 0, typed = 0;
	const link = await requestLink(email);

	const first = await navigate(c, 'GET', link);
	screens++;
	assert.equal(first.status, 200, first.body);
	typed += mustType(first.body).length;
	const form = new URLSearchParams({ ...hiddenFields(first.body, '/invitations/accept'), code, password });

	const answer = await navigate(c, 'POST', '/invitations/accept', form);
	screens++;
	assert.equal(answer.status, 200, answer.body);
	assert.match(answer.path, /^\/confirmations\/[^/]+\/answer/, `the code and password lead to the answer form, not ${answer.path}`);
	typed += mustType(answer.body).length;
	const cid = answer.path.split('/')[2];
	const fields = hiddenFields(answer.body, `/confirmations/${cid}/answer`);
	const body = new URLSearchParams(fields);
	for (const name of Object.keys(fields))
		if (/^items\[\d+\]\.item_id$/.test(name)) body.set(name.replace('item_id', 'agrees'), 'true');
	const responder = inputsOf(answer.body).find((i) => i.name === 'responder.name');
	body.set('responder.name', unescape(responder?.value ?? ''));

	const receipt = await navigate(c, 'POST', `/confirmations/${cid}/answer`, body);
	screens++;
	assert.equal(receipt.status, 200, receipt.body);
	return { screens, typedFields: typed, pages: [first, answer, receipt], client: c, cid, receiptPath: receipt.path };
}

/** The request mail to `email`, decoded: {subject, text}. */
export async function requestMail(email) {
	const [m] = await mailTo(email, /\/invitation\?token=/);
	return { mail: m, text: mailText(m) };
}
