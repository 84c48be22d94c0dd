-- 0017: the read policy of projects without a SECURITY DEFINER call.
--
-- 0007's projects_read called project_side(id) for the row: a SECURITY DEFINER function,
-- which PostgreSQL cannot inline and runs with its own search_path, a nested query and its
-- setup on every read of a project.  Every signed-in request reads its project (the
-- router's target), so that call was a large share of the database's work per request:
-- 23% of the backends' samples under the list benchmark (docs/performance.md, fourth
-- round).  The same rule, inline: a user reads a project while a member of it, and after
-- its completion only from the audit side.  It reads memberships under their own policy,
-- which lets every user read their own rows (user_id = app_user_id()): the only rows this
-- asks for.
DROP POLICY projects_read ON projects;
CREATE POLICY projects_read ON projects FOR SELECT USING (
	EXISTS (SELECT 1 FROM memberships m
	    WHERE m.project_id = projects.id AND m.user_id = app_user_id()
	      AND (projects.status = 'active' OR m.side = 'audit')));
