-- 0012: the read policy of confirmations without a function call per row.
--
-- 0007's policy called confirmation_visible() for every row; PostgreSQL cannot inline a
-- SECURITY DEFINER function, so a list of 10,000 confirmations ran 10,000 membership lookups
-- (4.4 s measured by tests/bench).  The same rule, written as membership sets that are
-- computed once per statement (uncorrelated subqueries over my_memberships()), reads the
-- same rows: audit and client members see their projects' confirmations, respondent members
-- only those addressed to their organisation once sent; completion ends the client's and
-- respondents' access (my_memberships() keeps only the audit side of completed projects).

CREATE FUNCTION my_memberships() RETURNS TABLE (project_id text, side text, organization_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT m.project_id, m.side, m.organization_id
	FROM memberships m JOIN projects p ON p.id = m.project_id
	WHERE m.user_id = app_user_id() AND (p.status = 'active' OR m.side = 'audit')
$$;
REVOKE ALL ON FUNCTION my_memberships() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION my_memberships() TO bgw_app;

DROP POLICY confirmations_read ON confirmations;
CREATE POLICY confirmations_read ON confirmations FOR SELECT USING (
	project_id IN (SELECT mm.project_id FROM my_memberships() mm
	    WHERE mm.side IN ('audit', 'client'))
	OR (sent_at IS NOT NULL AND (project_id, respondent_org_id) IN
	    (SELECT mm.project_id, mm.organization_id FROM my_memberships() mm
	     WHERE mm.side = 'respondent')));

-- The project's list, in its order.
CREATE INDEX confirmations_project_order ON confirmations (project_id, created_at, id);
