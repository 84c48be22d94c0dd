/* stmt_bulkanswer.c - the statements of lib/records/bulkanswer.c (a desk's bulk answers). */
#include "store/stmt.h"

/* An item's section and the request's asked sections (0032), names separated by a space;
 * a request that asks sections only has one row with a NULL item. */
#define BULK_SECTIONS "i.section, (SELECT string_agg(s.section, ' ' ORDER BY s.position) " \
	"FROM confirmation_sections s WHERE s.confirmation_id = c.id) "

const db_stmt stmt_bulkanswer[] = {
	/* The candidates for a desk's sheet: open requests as row-level security lets the user
	 * read them ($1: at most so many), with their items; each is then judged by the policy
	 * layer on its own facts. */
	{"bulk_open",
	    "SELECT c.id, c.reference, c.type, c.form, i.id, i.label, i.currency, i.amount::text, "
	    BULK_SECTIONS
	    "FROM (SELECT id, reference, type, form, due_date FROM confirmations "
	    "  WHERE status IN ('sent', 'opened') ORDER BY due_date, reference, id "
	    "  LIMIT $1::int) c "
	    "LEFT JOIN confirmation_items i ON i.confirmation_id = c.id "
	    "ORDER BY c.due_date, c.reference, c.id, i.position", 1},
	/* The same for the references an upload names ($2, text[]). */
	{"bulk_open_refs",
	    "SELECT c.id, c.reference, c.type, c.form, i.id, i.label, i.currency, i.amount::text, "
	    BULK_SECTIONS
	    "FROM (SELECT id, reference, type, form, due_date FROM confirmations "
	    "  WHERE status IN ('sent', 'opened') AND reference = ANY ($2::text[]) "
	    "  ORDER BY due_date, reference, id LIMIT $1::int) c "
	    "LEFT JOIN confirmation_items i ON i.confirmation_id = c.id "
	    "ORDER BY c.due_date, c.reference, c.id, i.position", 2},
	/* Who prepared the answer waiting for approval (maker-checker). */
	{"bulk_pending_responder",
	    "SELECT coalesce(responder_id, '') FROM responses WHERE confirmation_id = $1 "
	    "AND NOT final AND returned_at IS NULL", 1},
	{NULL, NULL, 0},
};
