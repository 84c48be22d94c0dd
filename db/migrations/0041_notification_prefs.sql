-- 0041: notification preferences per user (issue 22): the status digest daily, weekly (on
-- Mondays, Asia/Tokyo) or off; overdue alerts on or off; a mail on each answer (off until
-- chosen).  A user without a row has the defaults, which are today's behaviour: digest
-- daily (audit admins), overdue alerts on (the audit team), no mail per answer.  The batch
-- job's batch_due follows them; everything else in it is 0016's, unchanged.

CREATE TABLE notification_prefs (
	user_id text PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	digest text NOT NULL DEFAULT 'daily' CHECK (digest IN ('daily', 'weekly', 'off')),
	overdue_alerts boolean NOT NULL DEFAULT true,
	answer_mail boolean NOT NULL DEFAULT false,
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- Each user reads and writes only their own row; the batch job reads them through
-- batch_due (SECURITY DEFINER) and the unsubscribe link through its own function.
ALTER TABLE notification_prefs ENABLE ROW LEVEL SECURITY;
CREATE POLICY notification_prefs_own ON notification_prefs
    USING (user_id = app_user_id()) WITH CHECK (user_id = app_user_id());
GRANT SELECT, INSERT, UPDATE ON notification_prefs TO bgw_app;

CREATE OR REPLACE FUNCTION batch_due(p_now timestamptz, p_limit integer)
RETURNS TABLE (natural_key text, kind text, confirmation_id text, project_id text,
    user_id text, to_address text, locale text, name text, reference text, due_date date,
    as_of date, firm text, client text, project text, org_id text, n1 bigint, n2 bigint,
    n3 bigint, n4 bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp SET jit = off
AS $$
	WITH today AS (SELECT batch_day(p_now) AS d),
	live AS (
		SELECT p.*, o.name AS firm_name FROM projects p
		JOIN organizations o ON o.id = p.audit_firm_id
		WHERE p.status = 'active' AND p.created_at <= p_now
	),
	conf AS (
		SELECT c.id, c.project_id, c.status, c.undeliverable, c.sent_at, c.updated_at,
		    c.due_date, c.as_of, c.reference, c.respondent_email, c.respondent_name,
		    c.respondent_org_id, l.name AS project_name, l.client_name, l.firm_name,
		    l.remind_days_before, l.remind_days_after, l.remind_every_days
		FROM confirmations c JOIN live l ON l.id = c.project_id
		WHERE c.status IN ('sent', 'opened', 'awaiting_client', 'awaiting_respondent_approval')
	),
	reminders AS (
		SELECT c.*, batch_reminder_slot(t.d, c.due_date,
		    batch_day(c.sent_at), c.remind_days_before, c.remind_days_after,
		    c.remind_every_days) AS slot
		FROM conf c CROSS JOIN today t
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
		FROM (SELECT wa.*, batch_every_slot(t.d, wa.since, wa.remind_every_days) AS slot,
		        CASE wa.status WHEN 'awaiting_client' THEN 'auth_reminder'
		            ELSE 'approval_reminder' END AS kind
		    FROM waiting wa CROSS JOIN today t) w
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
		LEFT JOIN notification_prefs np ON np.user_id = u.id
		WHERE coalesce(np.overdue_alerts, true)
		  AND EXISTS (SELECT 1 FROM overdue o WHERE o.project_id = l.id
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
		LEFT JOIN notification_prefs np ON np.user_id = u.id
		WHERE u.deleted_at IS NULL
		  AND (coalesce(np.digest, 'daily') = 'daily'
		       OR (np.digest = 'weekly' AND extract(isodow FROM t.d) = 1))
		GROUP BY u.id, u.email, u.locale, u.name, t.d
	)
	SELECT i.* FROM items i
	WHERE NOT EXISTS (SELECT 1 FROM outbox x WHERE x.natural_key = i.natural_key)
	ORDER BY i.natural_key
	LIMIT p_limit
$$;
