// sqlmap-seed.mjs: the real ids and sessions the sqlmap check needs, made through the API
// the way users make them (the integration harness), on the test stack's main server.
//
//   node tests/security/sqlmap-seed.mjs OUT.json
//
// OUT.json: {project_id, confirmation_id (a draft of the audit firm), sent_confirmation_id,
// sent_item_id (an item of the sent one), reference (the sent one's verify reference),
// document_id (a PDF on the draft), user_id (the audit admin), member_user_id (the client
// admin), victim_user_id (an audit member the operator routes lock and unlock),
// audit / respondent / operator: {cookie, csrf}, login: {email, password}}.
// sqlmap signs in as the audit firm's admin, who can reach every project and confirmation
// route; as the sent confirmation's respondent admin for the answer routes; as an operator
// (with MFA, from 127.0.0.1, inside the test stack's operator_networks) for the operator
// routes.  The login account (the client admin) is used only for the sign-in route's
// fields, so that the failed sign-ins sqlmap makes (and any lockout they cause) disturb
// nobody else.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { seededEngagement, sessionOf, createConfirmation, confirmationBody }
	from '../integration/lib/engagement.mjs';
import { addMember, admin, accept, signIn, totp } from '../integration/lib/world.mjs';

const out = process.argv[2];
if (!out) throw new Error('usage: node tests/security/sqlmap-seed.mjs OUT.json');

const { aa, ca, ra, project, conf: sent } = await seededEngagement('sqlmap engagement');
const draft = await createConfirmation(aa, project.id, confirmationBody('draft@example.com'));
const victim = await addMember(aa, project.id, 'audit', false);

// A document, for GET /api/v1/documents/{id}.
const boundary = 'bgwsqlmapseed0123456789';
const up = await aa.request('POST', `/api/v1/confirmations/${draft.id}/documents`, {
	body: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; `
		+ `filename="seed.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n%%EOF\n\r\n`
		+ `--${boundary}--\r\n`),
	headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
assert.equal(up.status, 201, up.body);

// The sent confirmation as its respondent sees it: an item id for the answer routes.
const got = await ra.request('GET', `/api/v1/confirmations/${sent.id}`);
assert.equal(got.status, 200, got.body);
const sentConf = got.json().confirmation ?? got.json();
assert.ok(sentConf.items?.length, `no items in ${got.body}`);

// An operator, signed in with MFA as the operator routes require.
const email = `operator.sqlmap.${crypto.randomBytes(4).toString('hex')}@example.test`;
const link = admin('operator-create', '--email', email).trim();
const { password } = await accept(new URL(link).searchParams.get('token'));
const op = await signIn(email, password);
const { secret } = (await op.request('POST', '/api/v1/me/mfa')).json();
const step = Math.floor(Date.now() / 30000);
const v = await op.request('POST', '/api/v1/me/mfa/verify', { body: { otp: totp(secret, step) } });
assert.ok(v.status < 300, `mfa verify: ${v.status} ${v.body}`);
const operator = await signIn(email, password, { otp: totp(secret, step + 1) });
const opCheck = await operator.request('GET', '/api/v1/operator/users');
assert.equal(opCheck.status, 200, `operator session: ${opCheck.status} ${opCheck.body}`);

fs.writeFileSync(out, JSON.stringify({
	project_id: project.id,
	confirmation_id: draft.id,
	sent_confirmation_id: sent.id,
	sent_item_id: sentConf.items[0].id,
	reference: sentConf.reference ?? sent.reference,
	document_id: up.json().id,
	user_id: aa.user.id,
	member_user_id: ca.user.id,
	victim_user_id: victim.user.id,
	audit: sessionOf(aa),
	respondent: sessionOf(ra),
	operator: sessionOf(operator),
	// The respondent admin's organisation (cgi/routes_org.c).
	org_id: (await ra.request('GET', '/api/v1/org')).json().organization_id,
	login: { email: ca.email, password: ca.password },
}, null, 2), { mode: 0o600 });
