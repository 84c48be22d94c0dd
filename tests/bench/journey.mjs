// journey.mjs: the respondent_journey benchmark (issue 17): a new confirmation sent to a new
// addressee, then the first-time respondent's journey driven over HTTP from the request
// mail's link (read from the SMTP sink) to the sealed receipt, as a browser without
// scripting drives it (tests/integration/lib/journey.mjs).  Prints one JSON line:
// {"screens": N, "typed_fields": N, "seconds": S}: the document navigations the person
// makes, the fields they must type, and the wall time of the three screens.
//
//   node tests/bench/journey.mjs
import { uniqueEmail, newPassword } from '../integration/lib/world.mjs';
import { engagement, createConfirmation, confirmationBody, act, sendConfirmation } from '../integration/lib/engagement.mjs';
import { walkJourney } from '../integration/lib/journey.mjs';

const e = await engagement();
const email = uniqueEmail('bench-journey');
const conf = await createConfirmation(e.aa, e.project.id, confirmationBody(email));
await act(e.aa, conf.id, 'submit');
await act(e.ca, conf.id, 'authorize');
const sent = await sendConfirmation(e, conf);
const start = process.hrtime.bigint();
const walked = await walkJourney(email, sent.respondent_code, newPassword('bench'));
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ screens: walked.screens, typed_fields: walked.typedFields,
	seconds: Number(seconds.toFixed(3)) }));
