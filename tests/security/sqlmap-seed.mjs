// sqlmap-seed.mjs: the real ids and sessions the sqlmap check needs, made through the API
// the way users make them (the integration harness), on the test stack's main server.
//
//   node tests/security/sqlmap-seed.mjs OUT.json
//
// OUT.json: {project_id, confirmation_id (a draft of the audit firm), sent_confirmation_id,
// user_id (the audit admin), member_user_id (the client admin), audit: {cookie, csrf},
// login: {email, password}}.  sqlmap signs in as the audit firm's admin, who can reach
// every project and confirmation route; the login account (the client admin) is used only
// for the sign-in route's fields, so that the failed sign-ins sqlmap makes (and any lockout
// they cause) disturb nobody else.
import fs from 'node:fs';
import { seededEngagement, sessionOf, createConfirmation, confirmationBody }
	from '../integration/lib/engagement.mjs';

const out = process.argv[2];
if (!out) throw new Error('usage: node tests/security/sqlmap-seed.mjs OUT.json');

const { aa, ca, project, conf: sent } = await seededEngagement('sqlmap engagement');
const draft = await createConfirmation(aa, project.id, confirmationBody('draft@example.com'));

fs.writeFileSync(out, JSON.stringify({
	project_id: project.id,
	confirmation_id: draft.id,
	sent_confirmation_id: sent.id,
	user_id: aa.user.id,
	member_user_id: ca.user.id,
	audit: sessionOf(aa),
	login: { email: ca.email, password: ca.password },
}, null, 2), { mode: 0o600 });
