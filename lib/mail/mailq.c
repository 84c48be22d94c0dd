/* mailq.c - mailtpl_render + outbox_enqueue. */
#include "mail/mailq.h"

#include "mail/mailtpl.h"
#include "mail/outbox.h"

bgw_err
mailq_send(bgw_db *db, bgw_arena *a, const char *template_name, const char *locale,
    const char *to, const char *natural_key, const char *project_id, const bgw_kv *vars)
{
	outbox_msg m = {.natural_key = natural_key, .kind = template_name,
		.project_id = project_id, .to = to};
	char *subject, *body;
	bgw_err err = mailtpl_render(a, template_name, locale, vars, &subject, &body);

	if (err != BGW_OK)
		return err;
	m.subject = subject;
	m.body = body;
	return outbox_enqueue(db, a, &m);
}
