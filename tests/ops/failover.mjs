// failover.mjs - the application's half of tests/ops/failover.sh.  BGW_BASE_URL points at an
// nginx whose pool connects with a two-host conninfo (target_session_attrs=read-write);
// BGW_CONFIG is that pool's configuration (bgw-admin firm-create goes to the same cluster).
//
//   node failover.mjs before STATE   a firm admin signs in and makes a project; the session
//                                    and the project id are written to STATE
//   node failover.mjs probe STATE    one read with that session; prints the status
//   node failover.mjs after STATE    with the same session (a row written before the
//                                    failover): read the project back, then write again
import fs from 'node:fs';
import { Client, settle } from '../integration/lib/stack.mjs';
import { newFirm, newProject } from '../integration/lib/world.mjs';

const [phase, state] = process.argv.slice(2);
const NAME = 'Failover drill FY2026';
const WAIT_MS = 60000;

function restore() {
	const s = JSON.parse(fs.readFileSync(state, 'utf8'));
	const c = new Client({ source: s.source });
	c.jar = s.jar;
	c.csrf = s.csrf;
	return { c, s };
}

if (phase === 'before') {
	const c = await newFirm();
	const p = await newProject(c, NAME);
	fs.writeFileSync(state, JSON.stringify({ source: c.source, jar: c.jar, csrf: c.csrf, project: p.id }));
	console.log(`before ok ${p.id}`);
} else if (phase === 'probe') {
	const { c, s } = restore();
	console.log((await c.request('GET', `/api/v1/projects/${s.project}`)).status);
} else if (phase === 'after') {
	const { c, s } = restore();
	// The first requests may meet the worker's dead connection (503) before its next
	// db_ensure finds the new primary: retry for a while, and report what was seen.
	const seen = [];
	let res;
	for (const t0 = Date.now(); Date.now() - t0 < WAIT_MS; await settle(500)) {
		res = await c.request('GET', `/api/v1/projects/${s.project}`);
		seen.push(res.status);
		if (res.status !== 503) break;
	}
	console.log(`statuses until the new primary answered: ${seen.join(' ')}`);
	if (res.status !== 200) throw new Error(`project read after failover: ${res.status} ${res.body}`);
	if (res.json().project.name !== NAME) throw new Error(`project came back as ${res.body}`);
	const p2 = await newProject(c, 'After the failover');
	const list = await c.request('GET', '/api/v1/projects');
	const ids = list.json().items.map((p) => p.id);
	if (!ids.includes(s.project) || !ids.includes(p2.id)) throw new Error(`project list: ${list.body}`);
	console.log(`after ok ${p2.id}`);
} else {
	throw new Error('usage: node failover.mjs before|probe|after STATE');
}
