-- 0046 row-level security at a desk's scale (issue 17 acceptance): the reading policies of
-- a confirmation's items and answers compare against sets computed once per statement.
--
-- They called confirmation_side() or can_see_responses() per row: plpgsql SECURITY DEFINER
-- functions the planner cannot inline, each running project_access() (several queries) for
-- every row read.  A respondent's sheet of 10,000 open requests reads 20,000 item rows:
-- 90 s in EXPLAIN ANALYZE (docs/performance.md).
--
-- Same rules, now as subqueries the planner joins or hashes:
--  * confirmation_side(id) IS NOT NULL holds exactly when the user may read the
--    confirmation (confirmation_visible, whose twin is the policy confirmations_read over
--    my_memberships()), so an item is read when its confirmation is: EXISTS over
--    confirmations, to which row-level security applies inside a policy as anywhere else.
--  * can_see_responses: the confirmation is readable, and the user's side in its project
--    (one row of my_memberships(), computed once per statement) is audit or respondent,
--    or it is the client and the audit team shared the confirmation.
-- The writing policies (answer, approve) keep their functions: they touch a row at a time.

CREATE FUNCTION response_confirmations_readable() RETURNS TABLE (project_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT mm.project_id FROM my_memberships() mm WHERE mm.side IN ('audit', 'respondent')
$$;
REVOKE ALL ON FUNCTION response_confirmations_readable() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION response_confirmations_readable() TO bgw_app;

DROP POLICY confirmation_items_read ON confirmation_items;
CREATE POLICY confirmation_items_read ON confirmation_items FOR SELECT USING (
	EXISTS (SELECT 1 FROM confirmations c WHERE c.id = confirmation_items.confirmation_id));

DROP POLICY responses_read ON responses;
CREATE POLICY responses_read ON responses FOR SELECT USING (
	EXISTS (SELECT 1 FROM confirmations c WHERE c.id = responses.confirmation_id
	    AND (c.shared_with_client
	         OR c.project_id IN (SELECT r.project_id FROM response_confirmations_readable() r))));

-- The items of a response: readable with the response (the policy above applies inside).
DROP POLICY response_items_read ON response_items;
CREATE POLICY response_items_read ON response_items FOR SELECT USING (
	EXISTS (SELECT 1 FROM responses r WHERE r.id = response_items.response_id));

DROP POLICY response_extra_items_read ON response_extra_items;
CREATE POLICY response_extra_items_read ON response_extra_items FOR SELECT USING (
	EXISTS (SELECT 1 FROM responses r WHERE r.id = response_extra_items.response_id));
