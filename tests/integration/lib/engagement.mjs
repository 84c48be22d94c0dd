// engagement.mjs: a whole engagement with every role, built through the API: an audit
// firm's admin and member, the client's admin and member, and, once a confirmation is
// sent, the respondent organisation's admin (the addressee) and a member it invites.
import assert from 'node:assert/strict';
import {
	newFirm, newProject, addMember, enterCode, uniqueEmail, tokenFromMail, accept, signIn, canary,
} from './world.mjs';

export const ITEMS = [
	{ label: '普通預金', reference: '001-1234567', currency: 'JPY', amount: '1250000' },
	{ label: 'USD current account', reference: 'US-9', currency: 'USD', amount: '1042.50' },
];

export function confirmationBody(email, extra = {}) {
	return {
		type: 'bank', form: 'positive',
		respondent: { organization: 'みなと銀行 本店', email, name: '残高確認ご担当者' },
		as_of: '2026-03-31', due_date: '2026-04-30', items: ITEMS, ...extra,
	};
}

/** Audit admin, audit member, client admin, client member of a new project, all past the
 * first-access code. */
export async function engagement() {
	const aa = await newFirm();
	const project = await newProject(aa);
	const code = project.first_access_code;
	const am = await addMember(aa, project.id, 'audit', false);
	const ca = await addMember(aa, project.id, 'client', true);
	for (const c of [am, ca]) await enterCode(c, project.id, code);
	// The client admin invites its own staff (docs/api.md: client admins manage the client side).
	const cm = await addMember(ca, project.id, 'client', false);
	await enterCode(cm, project.id, code);
	return { project, code, aa, am, ca, cm };
}

/** Create a confirmation as `by`; resolves with it. */
export async function createConfirmation(by, projectId, body) {
	const res = await by.request('POST', `/api/v1/projects/${projectId}/confirmations`, { body });
	assert.equal(res.status, 201, res.body);
	return res.json().confirmation;
}

export async function act(client, cid, verb, body, want = 200) {
	const res = await client.request('POST', `/api/v1/confirmations/${cid}/${verb}`, body === undefined ? {} : { body });
	assert.equal(res.status, want, `${verb}: ${res.status} ${res.body}`);
	return res;
}

/** Take an authorised confirmation through the address check to sent, the respondent's
 * code read out on the phone; resolves with the send's answer ({confirmation, code_issued,
 * code_channel, respondent_code}). */
export async function sendConfirmation(e, conf, channel = 'phone') {
	await act(e.aa, conf.id, 'address-check', { method: 'phone', note: '代表番号に架電し担当部署を確認' }, 201);
	const sent = (await act(e.aa, conf.id, 'send', { code_channel: channel })).json();
	canary(sent.respondent_code);
	return sent;
}

/** Take a new confirmation to sent; the addressee opens its account from the mail and
 * enters its organisation's first-access code (not the client's: docs/api.md).  Resolves
 * with {conf, ra, email, code}: ra is the respondent admin's client, and code (also
 * ra.respondentCode) its organisation's code.  `prepare`, if given, runs on the draft
 * before it is submitted (a client's file, say). */
export async function sendToRespondent(e, email = uniqueEmail('bank'), prepare = null) {
	const conf = await createConfirmation(e.aa, e.project.id, confirmationBody(email));
	if (prepare) await prepare(conf);
	await act(e.aa, conf.id, 'submit');
	await act(e.ca, conf.id, 'authorize');
	const sent = await sendConfirmation(e, conf);
	assert.equal(sent.code_issued, true, JSON.stringify(sent));
	const code = sent.respondent_code;
	const token = await tokenFromMail(email, '/invitation');
	const { password } = await accept(token, { name: '銀行 花子' });
	const ra = await signIn(email, password);
	await enterCode(ra, e.project.id, code);
	ra.respondentCode = code;
	return { conf, ra, email, code };
}

/** The respondent admin invites a member of its organisation, who enters the
 * organisation's code. */
export async function respondentMember(e, ra) {
	const rm = await addMember(ra, e.project.id, 'respondent', false);
	await enterCode(rm, e.project.id, ra.respondentCode);
	rm.respondentCode = ra.respondentCode;
	return rm;
}

/** A new firm's project named `name` with its client admin past the first-access code and
 * one confirmation sent to a new respondent: what the benchmark and sqlmap seeds start from
 * (tests/bench/seed.mjs, tests/security/sqlmap-seed.mjs). */
export async function seededEngagement(name) {
	const aa = await newFirm();
	const project = await newProject(aa, name);
	const ca = await addMember(aa, project.id, 'client', true);
	await enterCode(ca, project.id, project.first_access_code);
	const e = { aa, ca, project, code: project.first_access_code };
	const { conf, ra } = await sendToRespondent(e);
	return { aa, ca, project, conf, ra };
}

/** The Cookie header and CSRF token of a signed-in client, for tools outside node (wrk,
 * sqlmap). */
export function sessionOf(c) {
	const value = c.jar['__Host-bgw_session'];
	if (!value || !c.csrf) throw new Error('no session after sign-in');
	return { cookie: `__Host-bgw_session=${value}`, csrf: c.csrf };
}
