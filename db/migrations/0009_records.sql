-- 0009 records: the public verify lookup, and the side of a comment's author.
--
-- The verify route has no user, so row-level security shows it nothing; this function,
-- owned by bgw_owner (not subject to row security), answers for one reference the four
-- facts a recipient may check and nothing else: no amounts, no respondent, no ids.  Drafts
-- and requests cancelled before sending were never seen outside the engagement: no row.
-- The status is coarse on purpose (a recipient needs to know whether the request is still
-- open, not how the audit team judged the answer).
CREATE FUNCTION verify_reference(p_reference text,
    OUT audit_firm text, OUT client_name text, OUT sent_on date, OUT status text)
RETURNS SETOF record
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT f.name, p.client_name, (c.sent_at AT TIME ZONE 'UTC')::date,
	    CASE
	        WHEN c.status IN ('sent', 'opened', 'awaiting_respondent_approval')
	            THEN 'awaiting_response'
	        WHEN c.status IN ('answered', 'agreed', 'exception', 'resolved') THEN 'answered'
	        WHEN c.status = 'declined' THEN 'declined'
	        WHEN c.status = 'alternative_procedures' THEN 'closed'
	        ELSE 'cancelled'
	    END
	FROM confirmations c
	JOIN projects p ON p.id = c.project_id
	JOIN organizations f ON f.id = p.audit_firm_id
	WHERE c.reference = p_reference AND c.sent_at IS NOT NULL AND p.status <> 'purged'
$$;
REVOKE ALL ON FUNCTION verify_reference(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION verify_reference(text) TO bgw_app;

-- Who wrote a comment, as the thread shows it (audit team, client, respondent): recorded at
-- writing, because the reader may not see the author's membership (a client reading the
-- shared audit-respondent thread sees no respondent members) and it may have ended since.
ALTER TABLE comments ADD COLUMN author_side text
	CHECK (author_side IN ('audit', 'client', 'respondent'));

-- Set-based import (POST /projects/{pid}/confirmations/import): the row-level security
-- checks of confirmations and confirmation_items call SECURITY DEFINER helpers once per row
-- (about a millisecond each for an item), so 10,000 items would take many seconds.  These
-- two functions make the same checks once for the whole set, as the policies would for
-- each row, and insert as the owner:
--   - a user is bound and is on the audit or client side of the (active) project, as
--     confirmations_create / confirmation_items_add require (a one-time filter: no Vars);
--   - every item belongs to a draft of that project (its confirmation_side would be audit
--     or client);
--   - created_by is the current user, never a value from the caller.
-- A row that fails is not inserted; each returns how many rows it inserted, and the caller
-- refuses the import (rolls back) unless that is every row it passed.
-- LANGUAGE sql, not plpgsql: unnest over several large plpgsql array variables was
-- measured at 8 s for 10,000 rows (against under 1 s here).  The items' join to their
-- drafts must not become a nested loop over a sequential scan, which the planner picks
-- while confirmations has no statistics yet (a new database: 25 s for 10,000 items); with
-- nested loops off it is one hash join whatever the statistics say.
CREATE FUNCTION import_confirmations(p_project text, p_id text[], p_type text[],
    p_form text[], p_org text[], p_email text[], p_name text[], p_as_of text[],
    p_due text[]) RETURNS bigint
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	WITH ins AS (
		INSERT INTO confirmations (id, project_id, type, form, respondent_org_id,
		    respondent_email, respondent_name, as_of, due_date, created_by)
		SELECT u.id, p_project, u.t, u.f, u.o, u.e, u.n, u.a::date, u.d::date, app_user_id()
		FROM unnest(p_id, p_type, p_form, p_org, p_email, p_name, p_as_of, p_due)
		    AS u(id, t, f, o, e, n, a, d)
		WHERE app_user_id() IS NOT NULL AND project_side(p_project) IN ('audit', 'client')
		RETURNING 1)
	SELECT count(*) FROM ins
$$;

CREATE FUNCTION import_confirmation_items(p_project text, p_conf text[], p_pos text[],
    p_label text[], p_ref text[], p_currency text[], p_amount text[]) RETURNS bigint
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
SET enable_nestloop = off
AS $$
	WITH ins AS (
		INSERT INTO confirmation_items (confirmation_id, position, label, reference, currency,
		    amount)
		SELECT u.c, u.p::int, u.l, u.r, u.cur, u.amt::numeric
		FROM unnest(p_conf, p_pos, p_label, p_ref, p_currency, p_amount)
		    AS u(c, p, l, r, cur, amt)
		JOIN confirmations k ON k.id = u.c AND k.project_id = p_project AND k.status = 'draft'
		WHERE app_user_id() IS NOT NULL AND project_side(p_project) IN ('audit', 'client')
		RETURNING 1)
	SELECT count(*) FROM ins
$$;
REVOKE ALL ON FUNCTION import_confirmations(text, text[], text[], text[], text[], text[],
    text[], text[], text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION import_confirmation_items(text, text[], text[], text[], text[],
    text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION import_confirmations(text, text[], text[], text[], text[], text[],
    text[], text[], text[]) TO bgw_app;
GRANT EXECUTE ON FUNCTION import_confirmation_items(text, text[], text[], text[], text[],
    text[], text[]) TO bgw_app;
