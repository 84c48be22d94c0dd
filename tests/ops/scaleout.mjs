// scaleout.mjs - run by tests/ops/run.sh with BGW_BASE_URL pointing at an nginx whose
// upstream is two worker pools: a whole engagement (sign-in, project, members, first-access
// codes, a confirmation through submit, authorise, address check and send, the addressee's
// invitation and sign-in) must work while requests alternate between the pools.
import { engagement, sendToRespondent } from '../integration/lib/engagement.mjs';

const e = await engagement();
const { conf, ra } = await sendToRespondent(e);
const res = await ra.request('GET', `/api/v1/confirmations/${conf.id}`);
if (res.status !== 200) throw new Error(`respondent read: ${res.status} ${res.body}`);
const again = await e.aa.request('GET', `/api/v1/projects/${e.project.id}`);
if (again.status !== 200) throw new Error(`auditor read: ${again.status}`);
console.log(`scaleout ok ${conf.id}`);
