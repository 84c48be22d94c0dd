-- 0010 the batch job (bgw-notify --once): what it may read and change.
--
-- Least privilege.  The batch job logs in as bgw_app with no user bound, so row-level
-- security shows it no project and no confirmation.  Rather than a role that bypasses row
-- security (it would read every answer, amount and document of every tenant), it gets the
-- SECURITY DEFINER functions below, which return exactly the columns a notification needs
-- (addresses, names, the reference, dates, counts: never an amount, an answer or a
-- comment) and change exactly the columns the batch owns (reminder counters, the
-- undeliverable flag).  No new role, no new table right: db/roles.sql is unchanged.
--
-- The clock.  Every function takes the run's time p_now (bgw-notify --now, else now()), so
-- tests move the clock without touching the database's.  A "day" is the calendar day in
-- Japan (BATCH_ZONE below), the day on which due dates fall.  The batch sees the world as
-- of p_now: a project created or a confirmation sent after p_now does not exist yet for it.
--
-- Exactly once.  Each notification has a natural key that names what it is about and the
-- day it is due for ("reminder:<confirmation>:<slot day>", "digest:<user>:<day>", ...).
-- batch_due lists the keys that are due and not yet in the outbox; the job then, for each,
-- in one transaction: locks the confirmation (FOR UPDATE SKIP LOCKED: a second run skips
-- it rather than wait, and finds it done next time), inserts the mail into the outbox with
-- ON CONFLICT (natural_key) DO NOTHING RETURNING id, and only if a row came back records
-- the reminder (counter, notification rows) and its audit event, then commits.  The outbox
-- unique key is what makes it exactly once: two transactions inserting one key serialise
-- on the unique index and the second inserts nothing; a run killed half-way rolled back
-- its open item and committed the others, so a rerun lists only what is left.

CREATE FUNCTION batch_day(p_now timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (p_now AT TIME ZONE 'Asia/Tokyo')::date $$;

-- The latest reminder slot of a confirmation on day p_today, or NULL: the day
-- p_before days before the due date (until the due date), then p_after days after it, then
-- every p_every days.  A NULL setting turns its reminder off.  Only slots after the day the
-- request was sent count (a request sent late does not get a reminder with it).
CREATE FUNCTION batch_reminder_slot(p_today date, p_due date, p_sent date, p_before integer,
    p_after integer, p_every integer) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT s FROM (SELECT CASE
	    WHEN p_after IS NOT NULL AND p_today >= p_due + p_after THEN
	        p_due + p_after + CASE WHEN p_every IS NULL THEN 0
	            ELSE ((p_today - (p_due + p_after)) / p_every) * p_every END
	    WHEN p_before IS NOT NULL AND p_today >= p_due - p_before AND p_today <= p_due THEN
	        p_due - p_before
	    END AS s) x
	WHERE s > p_sent
$$;

-- The start of a waiting period plus whole multiples (at least one) of p_every, latest on
-- or before p_today; NULL before the first one or when p_every is NULL.
CREATE FUNCTION batch_every_slot(p_today date, p_start date, p_every integer) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT p_start + ((p_today - p_start) / p_every) * p_every
	WHERE p_every IS NOT NULL AND p_today >= p_start + p_every
$$;

-- Everything due at p_now that is not yet in the outbox, at most p_limit rows.
--   kind               natural key                               to
--   reminder           reminder:<conf>:<slot>                    the addressee
--   auth_reminder      auth_reminder:<conf>:<user>:<slot>        each client admin
--   approval_reminder  approval_reminder:<conf>:<user>:<slot>    each respondent admin
--   overdue_alert      overdue_alert:<project>:<user>:<day>      each audit member, when a
--                                                                confirmation became overdue
--                                                                that it was not told of
--   digest             digest:<user>:<day>                       each audit admin
-- Counts: overdue_alert the project's overdue confirmations; digest (in n1..n4) the new
-- answers since the day before, those awaiting an answer, overdue ones, open exceptions.
CREATE FUNCTION batch_due(p_now timestamptz, p_limit integer)
RETURNS TABLE (natural_key text, kind text, confirmation_id text, project_id text,
    user_id text, to_address text, locale text, name text, reference text, due_date date,
    as_of date, firm text, client text, project text, org_id text, n1 bigint, n2 bigint,
    n3 bigint, n4 bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	WITH today AS (SELECT batch_day(p_now) AS d),
	live AS (
		SELECT p.*, o.name AS firm_name FROM projects p
		JOIN organizations o ON o.id = p.audit_firm_id
		WHERE p.status = 'active' AND p.created_at <= p_now
	),
	conf AS (
		SELECT c.*, l.name AS project_name, l.client_name, l.firm_name,
		    l.remind_days_before, l.remind_days_after, l.remind_every_days
		FROM confirmations c JOIN live l ON l.id = c.project_id
	),
	reminders AS (
		SELECT c.*, batch_reminder_slot((SELECT d FROM today), c.due_date,
		    batch_day(c.sent_at), c.remind_days_before, c.remind_days_after,
		    c.remind_every_days) AS slot
		FROM conf c
		WHERE c.status IN ('sent', 'opened') AND NOT c.undeliverable
		  AND c.sent_at <= p_now
	),
	waiting AS (
		-- awaiting_client since its last change (nothing edits it while it waits);
		-- awaiting_respondent_approval since the waiting answer was submitted.
		SELECT c.*, CASE c.status
		    WHEN 'awaiting_client' THEN batch_day(c.updated_at)
		    ELSE (SELECT batch_day(r.submitted_at) FROM responses r
		        WHERE r.confirmation_id = c.id AND NOT r.final AND r.returned_at IS NULL)
		    END AS since
		FROM conf c
		WHERE c.status IN ('awaiting_client', 'awaiting_respondent_approval')
	),
	overdue AS (
		SELECT c.* FROM conf c, today t
		WHERE c.status IN ('sent', 'opened') AND c.due_date < t.d AND c.sent_at <= p_now
	),
	items AS (
		SELECT 'reminder:' || r.id || ':' || r.slot AS natural_key, 'reminder' AS kind,
		    r.id AS confirmation_id, r.project_id, u.id AS user_id,
		    r.respondent_email::text AS to_address, coalesce(u.locale, 'ja') AS locale,
		    r.respondent_name AS name, r.reference, r.due_date, r.as_of, r.firm_name AS firm,
		    r.client_name AS client, r.project_name AS project, r.respondent_org_id AS org_id,
		    0::bigint AS n1, 0::bigint AS n2, 0::bigint AS n3, 0::bigint AS n4
		FROM reminders r
		LEFT JOIN users u ON u.email = r.respondent_email AND u.deleted_at IS NULL
		WHERE r.slot IS NOT NULL
		UNION ALL
		SELECT w.kind || ':' || w.id || ':' || u.id || ':' || w.slot, w.kind, w.id,
		    w.project_id, u.id, u.email::text, u.locale, u.name, w.reference, w.due_date,
		    w.as_of, w.firm_name, w.client_name, w.project_name, w.respondent_org_id,
		    0, 0, 0, 0
		FROM (SELECT wa.*, batch_every_slot((SELECT d FROM today), wa.since,
		        wa.remind_every_days) AS slot,
		        CASE wa.status WHEN 'awaiting_client' THEN 'auth_reminder'
		            ELSE 'approval_reminder' END AS kind
		    FROM waiting wa) w
		JOIN memberships m ON m.project_id = w.project_id AND m.admin
		    AND ((w.status = 'awaiting_client' AND m.side = 'client')
		      OR (w.status = 'awaiting_respondent_approval' AND m.side = 'respondent'
		          AND m.organization_id = w.respondent_org_id))
		JOIN users u ON u.id = m.user_id AND u.deleted_at IS NULL
		WHERE w.slot IS NOT NULL
		UNION ALL
		SELECT 'overdue_alert:' || l.id || ':' || u.id || ':' || t.d, 'overdue_alert', NULL,
		    l.id, u.id, u.email::text, u.locale, u.name, NULL, NULL, NULL, l.firm_name,
		    l.client_name, l.name, NULL,
		    (SELECT count(*) FROM overdue o WHERE o.project_id = l.id), 0, 0, 0
		FROM live l CROSS JOIN today t
		JOIN memberships m ON m.project_id = l.id AND m.side = 'audit'
		JOIN users u ON u.id = m.user_id AND u.deleted_at IS NULL
		WHERE EXISTS (SELECT 1 FROM overdue o WHERE o.project_id = l.id
		    AND NOT EXISTS (SELECT 1 FROM notifications n
		        WHERE n.natural_key = 'overdue:' || o.id || ':' || u.id))
		UNION ALL
		SELECT 'digest:' || u.id || ':' || t.d, 'digest', NULL, NULL, u.id, u.email::text,
		    u.locale, u.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		    count(*) FILTER (WHERE c.answered_at >= p_now - interval '1 day'
		        AND c.answered_at <= p_now),
		    count(*) FILTER (WHERE c.status IN ('sent', 'opened',
		        'awaiting_respondent_approval')),
		    count(*) FILTER (WHERE c.status IN ('sent', 'opened') AND c.due_date < t.d),
		    count(*) FILTER (WHERE c.status = 'exception')
		FROM users u CROSS JOIN today t
		JOIN memberships m ON m.user_id = u.id AND m.side = 'audit' AND m.admin
		JOIN live l ON l.id = m.project_id
		LEFT JOIN confirmations c ON c.project_id = l.id AND c.created_at <= p_now
		WHERE u.deleted_at IS NULL
		GROUP BY u.id, u.email, u.locale, u.name, t.d
	)
	SELECT i.* FROM items i
	WHERE NOT EXISTS (SELECT 1 FROM outbox x WHERE x.natural_key = i.natural_key)
	ORDER BY i.natural_key
	LIMIT p_limit
$$;

-- Lock a confirmation for one notification and check it still is in one of p_statuses
-- (and, for a mail to the addressee, still deliverable): its project id, or NULL when it
-- changed or another transaction holds it (skipped now, picked up by a later run).
CREATE FUNCTION batch_lock_confirmation(p_confirmation text, p_statuses text[],
    p_addressee boolean) RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT c.project_id FROM confirmations c
	WHERE c.id = p_confirmation AND c.status = ANY (p_statuses)
	  AND NOT (p_addressee AND c.undeliverable)
	FOR UPDATE SKIP LOCKED
$$;

-- Count a reminder sent to the addressee (the same columns a reminder by hand updates).
CREATE FUNCTION batch_count_reminder(p_confirmation text, p_now timestamptz) RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	UPDATE confirmations SET reminders_sent = reminders_sent + 1, last_reminded_at = p_now
	WHERE id = p_confirmation AND status IN ('sent', 'opened')
	RETURNING reminders_sent
$$;

-- Record that audit member p_user was told of the project's overdue confirmations:
-- the ids of those it had not been told of (one notification row each).
CREATE FUNCTION batch_mark_overdue(p_project text, p_user text, p_now timestamptz)
RETURNS SETOF text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	INSERT INTO notifications (natural_key, user_id, project_id, confirmation_id, kind)
	SELECT 'overdue:' || c.id || ':' || p_user, p_user, p_project, c.id, 'overdue'
	FROM confirmations c
	WHERE c.project_id = p_project AND c.status IN ('sent', 'opened')
	  AND c.due_date < batch_day(p_now) AND c.sent_at <= p_now
	  AND EXISTS (SELECT 1 FROM memberships m WHERE m.project_id = p_project
	      AND m.user_id = p_user AND m.side = 'audit')
	ON CONFLICT (natural_key) DO NOTHING
	RETURNING confirmation_id
$$;

-- A mail to a confirmation's addressee failed for good (5xx, or an address no message can
-- be built for): flag the confirmation undeliverable (未達) if the mail went to its current
-- address (a late failure of an address already corrected changes nothing).  Returns the
-- confirmation and its project when the flag was set by this call.
CREATE FUNCTION batch_mark_undeliverable(p_outbox text)
RETURNS TABLE (confirmation_id text, project_id text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	UPDATE confirmations c SET undeliverable = true, updated_at = now(),
	    version = c.version + 1
	FROM outbox o
	WHERE o.id = p_outbox AND o.status = 'failed'
	  AND o.kind IN ('confirmation_request', 'reminder')
	  AND c.id = split_part(o.natural_key, ':', 2)
	  AND c.respondent_email = o.to_address AND NOT c.undeliverable
	RETURNING c.id, c.project_id
$$;

-- Expired sessions and tokens, as of the earlier of p_now and the database's clock (a
-- test moving the clock forward must not sign anyone out).  Returns the rows removed.
CREATE FUNCTION batch_clean(p_now timestamptz) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
DECLARE
	t timestamptz := least(p_now, now());
	n bigint;
	m bigint;
BEGIN
	DELETE FROM sessions WHERE expires_at < t;
	GET DIAGNOSTICS n = ROW_COUNT;
	DELETE FROM tokens WHERE expires_at < t;
	GET DIAGNOSTICS m = ROW_COUNT;
	RETURN n + m;
END
$$;

REVOKE ALL ON FUNCTION batch_day(timestamptz),
    batch_reminder_slot(date, date, date, integer, integer, integer),
    batch_every_slot(date, date, integer), batch_due(timestamptz, integer),
    batch_lock_confirmation(text, text[], boolean), batch_count_reminder(text, timestamptz),
    batch_mark_overdue(text, text, timestamptz), batch_mark_undeliverable(text),
    batch_clean(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION batch_day(timestamptz),
    batch_reminder_slot(date, date, date, integer, integer, integer),
    batch_every_slot(date, date, integer), batch_due(timestamptz, integer),
    batch_lock_confirmation(text, text[], boolean), batch_count_reminder(text, timestamptz),
    batch_mark_overdue(text, text, timestamptz), batch_mark_undeliverable(text),
    batch_clean(timestamptz) TO bgw_app;
