-- 0014: how many confirmations a project has, by status and type, kept as they change.
--
-- Every list answers its "total" (API.md), and the dashboard shows counts by status.
-- Counting 10,000 confirmations row by row took 20 ms a request (tests/bench list50: 0.02
-- of the one-query baseline); these counts are read in microseconds.  Statement-level
-- triggers keep them, so a 10,000-row import adds to each count once, not 10,000 times.
--
-- The counts say how many rows exist, not which: audit and client members see every
-- confirmation of their projects (0012's policy), so they may read them; respondents see
-- only their own confirmations and are counted row by row (lib/confirmation.c).

CREATE TABLE confirmation_counts (
	project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	status     text NOT NULL,
	type       text NOT NULL,
	-- No CHECK (n >= 0): ON CONFLICT checks constraints on the proposed row, and a
	-- decrement is proposed as a row of -1 before it meets the existing count.
	n          bigint NOT NULL,
	PRIMARY KEY (project_id, status, type)
);

-- Adds the net change of one statement.  Rows are locked in key order, so two transactions
-- changing the same project's counts wait for each other instead of deadlocking.
CREATE FUNCTION confirmation_counts_apply() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO confirmation_counts AS cc (project_id, status, type, n)
		SELECT project_id, status, type, count(*) FROM new_rows
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
		ON CONFLICT (project_id, status, type) DO UPDATE SET n = cc.n + excluded.n;
	ELSIF TG_OP = 'DELETE' THEN
		UPDATE confirmation_counts cc SET n = cc.n - d.n
		FROM (SELECT project_id, status, type, count(*) AS n FROM old_rows
		      GROUP BY 1, 2, 3) d
		WHERE (cc.project_id, cc.status, cc.type) = (d.project_id, d.status, d.type);
	ELSE
		INSERT INTO confirmation_counts AS cc (project_id, status, type, n)
		SELECT project_id, status, type, sum(delta) FROM (
			SELECT project_id, status, type, -1 AS delta FROM old_rows
			UNION ALL
			SELECT project_id, status, type, 1 FROM new_rows) d
		GROUP BY 1, 2, 3 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3
		ON CONFLICT (project_id, status, type) DO UPDATE SET n = cc.n + excluded.n;
	END IF;
	RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION confirmation_counts_apply() FROM PUBLIC;

CREATE TRIGGER confirmation_counts_insert AFTER INSERT ON confirmations
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
	EXECUTE FUNCTION confirmation_counts_apply();
CREATE TRIGGER confirmation_counts_update AFTER UPDATE ON confirmations
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
	EXECUTE FUNCTION confirmation_counts_apply();
CREATE TRIGGER confirmation_counts_delete AFTER DELETE ON confirmations
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
	EXECUTE FUNCTION confirmation_counts_apply();

INSERT INTO confirmation_counts (project_id, status, type, n)
SELECT project_id, status, type, count(*) FROM confirmations GROUP BY 1, 2, 3;

-- The application only reads them, and only for the projects whose every confirmation it
-- may see.
GRANT SELECT ON confirmation_counts TO bgw_app;
ALTER TABLE confirmation_counts ENABLE ROW LEVEL SECURITY;
CREATE POLICY confirmation_counts_read ON confirmation_counts FOR SELECT USING (
	project_id IN (SELECT mm.project_id FROM my_memberships() mm
	    WHERE mm.side IN ('audit', 'client')));

-- The row-level security helpers, run by PL/pgSQL instead of SQL.  A SECURITY DEFINER SQL
-- function cannot be inlined, and its query is planned again at every call (0.3 ms on the
-- benchmark machine, more than the list query it guards); PL/pgSQL keeps the plan for the
-- life of the connection (0.05 ms).  Same bodies (0007, 0012), same owner and grants.
CREATE OR REPLACE FUNCTION my_memberships()
RETURNS TABLE (project_id text, side text, organization_id text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	RETURN QUERY
	SELECT m.project_id, m.side, m.organization_id
	FROM memberships m JOIN projects p ON p.id = m.project_id
	WHERE m.user_id = app_user_id() AND (p.status = 'active' OR m.side = 'audit');
END
$$;

-- The scalar helpers: each body is one SELECT of at most one row (memberships are unique
-- per project and user), so RETURN (body) answers what the SQL function answered.
DO $$
DECLARE
	f record;
BEGIN
	FOR f IN
		SELECT p.proname, pg_get_function_arguments(p.oid) AS args,
		    pg_get_function_result(p.oid) AS result,
		    regexp_replace(p.prosrc, ';\s*$', '') AS body
		FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
		WHERE p.pronamespace = 'bgw'::regnamespace AND l.lanname = 'sql' AND p.prosecdef
		  AND p.proname IN ('project_side', 'project_admin_side', 'project_org',
		      'membership_visible', 'membership_writable', 'confirmation_visible',
		      'confirmation_side', 'can_see_responses', 'response_confirmation',
		      'can_see_comments', 'can_see_document', 'user_audit_firm')
	LOOP
		EXECUTE format('CREATE OR REPLACE FUNCTION %I(%s) RETURNS %s LANGUAGE plpgsql '
		    'STABLE SECURITY DEFINER SET search_path = bgw, pg_temp AS %L',
		    f.proname, f.args, f.result, 'BEGIN RETURN (' || f.body || '); END');
	END LOOP;
END
$$;
