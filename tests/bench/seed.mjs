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
import { seededEngagement, sessionOf } from '../integration/lib/engagement.mjs';

const out = process.argv[2];
if (!out) throw new Error('usage: node tests/bench/seed.mjs OUT.json');

const { aa, ca, project, conf, ra } = await seededEngagement('Benchmark engagement');

fs.writeFileSync(out, JSON.stringify({
	project_id: project.id,
	confirmation_id: conf.id,
	audit: sessionOf(aa),
	respondent: sessionOf(ra),
	login: { email: ca.email, password: ca.password },
}, null, 2), { mode: 0o600 });
