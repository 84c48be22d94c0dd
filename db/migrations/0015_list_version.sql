-- 0015: a version of each project's confirmation list, moved on by every change the list shows.
--
-- A worker keeps the list pages it answered lately (lib/pagecache.c), each with the version
-- it was read at; a request whose project still has that version is answered from memory
-- instead of running the list again (docs/performance.md).  The request still checks the
-- session, the membership and the policy in PostgreSQL first: only the rows are reused.
--
-- The version moves in the transaction that makes the change, so whoever can see the change
-- sees the new version.  Writers of one project's confirmations wait for each other at the
-- projects row until commit (as they already do at the kept counts of 0014), so versions
-- change in commit order.  Values come from one sequence: a version is never reused, by
-- this project or another.
--
-- What the list shows: the confirmations' own columns and the respondent organisation's
-- name.  Who may see which rows (membership, side, organisation, the project's status) is
-- read at every request and is part of the worker's key, not of this version.

CREATE SEQUENCE list_version_seq;
ALTER TABLE projects ADD COLUMN list_version bigint NOT NULL DEFAULT nextval('list_version_seq');

-- Any insert, update or delete of confirmations: once per statement and project.
CREATE FUNCTION list_version_confirmations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		UPDATE projects SET list_version = nextval('list_version_seq')
		WHERE id IN (SELECT DISTINCT project_id FROM new_rows);
	ELSIF TG_OP = 'DELETE' THEN
		UPDATE projects SET list_version = nextval('list_version_seq')
		WHERE id IN (SELECT DISTINCT project_id FROM old_rows);
	ELSE
		UPDATE projects SET list_version = nextval('list_version_seq')
		WHERE id IN (SELECT project_id FROM new_rows UNION SELECT project_id FROM old_rows);
	END IF;
	RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION list_version_confirmations() FROM PUBLIC;

-- Named after 0014's counts triggers, so they fire after them (triggers of one event fire in
-- name order): every writer takes the counts rows, then the projects row, in that order.
CREATE TRIGGER list_version_insert AFTER INSERT ON confirmations
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
	EXECUTE FUNCTION list_version_confirmations();
CREATE TRIGGER list_version_update AFTER UPDATE ON confirmations
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
	EXECUTE FUNCTION list_version_confirmations();
CREATE TRIGGER list_version_delete AFTER DELETE ON confirmations
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
	EXECUTE FUNCTION list_version_confirmations();

-- A renamed organisation changes the lists of the projects it is a respondent of.
CREATE FUNCTION list_version_organizations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	UPDATE projects SET list_version = nextval('list_version_seq')
	WHERE id IN (
		SELECT c.project_id FROM confirmations c
		JOIN new_rows n ON n.id = c.respondent_org_id
		JOIN old_rows o ON o.id = n.id
		WHERE n.name IS DISTINCT FROM o.name);
	RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION list_version_organizations() FROM PUBLIC;

CREATE TRIGGER list_version_organizations AFTER UPDATE ON organizations
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
	EXECUTE FUNCTION list_version_organizations();

-- A new project takes its first version from the sequence (the column's default).
GRANT USAGE ON SEQUENCE list_version_seq TO bgw_app;
