// seed.mjs: the people and the one project the benchmarks need, made through the API the
// way users make them (the integration harness: admin command line, invitation mails,
// sign-in), on the dev stack's main HTTPS server.  The bulk rows (10,000 confirmations,
// fresh ones to answer) are then copied from the confirmation made here by run.sh with SQL
// as the superuser: 10,000 confirmations through the API would take longer than the
// benchmarks themselves.
//
//   node tests/bench/seed.mjs OUT.json
//
// OUT.json: {project_id, confirmation_id, audit: {cookie, csrf}, respondent: {cookie, csrf},
// login: {email, password}}.  The login account (the client admin) is used only by the
// sign-in benchmark, so its many new sessions disturb nobody.
import fs from 'node:fs';
import { newFirm, newProject, addMember, enterCode } from '../integration/lib/world.mjs';
import { sendToRespondent } from '../integration/lib/engagement.mjs';

const SESSION_COOKIE = '__Host-bgw_session';

function session(c) {
	const value = c.jar[SESSION_COOKIE];
	if (!value || !c.csrf) throw new Error('no session after sign-in');
	return { cookie: `${SESSION_COOKIE}=${value}`, csrf: c.csrf };
}

const out = process.argv[2];
if (!out) throw new Error('usage: node tests/bench/seed.mjs OUT.json');

const aa = await newFirm();
const project = await newProject(aa, 'Benchmark engagement');
const ca = await addMember(aa, project.id, 'client', true);
await enterCode(ca, project.id, project.first_access_code);
const e = { aa, ca, project, code: project.first_access_code };
const { conf, ra } = await sendToRespondent(e);

fs.writeFileSync(out, JSON.stringify({
	project_id: project.id,
	confirmation_id: conf.id,
	audit: session(aa),
	respondent: session(ra),
	login: { email: ca.email, password: ca.password },
}, null, 2), { mode: 0o600 });
