-- 0027 respondent organisations as tenants (issue 17, item 1): who sees what.
--
-- A user of a respondent organisation (org_members, 0026) takes part in every project in
-- which a confirmation addressed to its organisation has been sent, as a respondent of that
-- organisation (admin as its org_members row says), without a membership of the project:
-- one inbox over every audit firm and project.  It sees nothing of a project before the
-- first such confirmation is sent, nothing of other organisations' confirmations, and
-- nothing at all once an admin deactivates it (its old per-project memberships included).
--
-- The rule lives in one function, project_access (one project) and its twin my_access
-- (every project): the user's membership if it has one, else the access its organisation
-- gives it.  project_side, project_org, project_admin_side and my_memberships, which every
-- older policy calls, now read it, so each policy written before applies unchanged to the
-- organisation's users; lib/auth/target.c's target queries read it too (the policy layer's
-- facts), so both walls give the same answer.
--
-- The respondent code (0019) is entered once per organisation and project: a respondent's
-- code is verified when its organisation has an org_code_verifications row for the
-- project, which the first right code of any of its users writes.

-- The user's live organisation membership: its organisation, or NULL (none, or
-- deactivated, or the account deleted).
CREATE FUNCTION org_member_org() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT om.organization_id FROM org_members om JOIN users u ON u.id = om.user_id
	WHERE om.user_id = app_user_id() AND om.deactivated_at IS NULL AND u.deleted_at IS NULL
$$;

-- May the user manage a member of p_org in unit p_unit (NULL: the whole organisation)?
-- An admin without a unit manages everyone; an admin of a unit only that unit's users.
CREATE FUNCTION org_may_manage(p_org text, p_unit text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT coalesce((SELECT om.admin AND (om.unit_id IS NULL OR om.unit_id = p_unit)
	    FROM org_members om JOIN users u ON u.id = om.user_id
	    WHERE om.user_id = app_user_id() AND om.organization_id = p_org
	      AND om.deactivated_at IS NULL AND u.deleted_at IS NULL), false)
$$;

-- Has a confirmation of p_project been sent to p_org?  (What lets the organisation in.)
CREATE FUNCTION org_in_project(p_org text, p_project text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT EXISTS (SELECT 1 FROM confirmations c WHERE c.project_id = p_project
	    AND c.respondent_org_id = p_org AND c.sent_at IS NOT NULL)
$$;

-- Is the user an organisation member its admins deactivated?  Its per-project respondent
-- memberships count for nothing then.
CREATE FUNCTION org_member_deactivated(p_user text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT EXISTS (SELECT 1 FROM org_members om
	    WHERE om.user_id = p_user AND om.deactivated_at IS NOT NULL)
$$;

-- The user's part in p_project, whatever the project's status: side, admin flag, its
-- organisation, whether its side's code is entered, whether its code tries are locked.
-- No row: no part.
CREATE FUNCTION project_access(p_project text)
RETURNS TABLE (side text, admin boolean, organization_id text, code_verified boolean,
    code_locked boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	RETURN QUERY
	SELECT m.side, m.admin, m.organization_id,
	    m.code_verified_at IS NOT NULL OR (m.side = 'respondent' AND EXISTS (
	        SELECT 1 FROM org_code_verifications v
	        WHERE v.organization_id = m.organization_id AND v.project_id = m.project_id)),
	    m.code_locked
	FROM memberships m
	WHERE m.project_id = p_project AND m.user_id = app_user_id()
	  AND (m.side <> 'respondent' OR NOT org_member_deactivated(m.user_id));
	IF FOUND OR EXISTS (SELECT 1 FROM memberships m
	    WHERE m.project_id = p_project AND m.user_id = app_user_id()) THEN
		RETURN;
	END IF;
	RETURN QUERY
	SELECT 'respondent'::text, om.admin, om.organization_id,
	    EXISTS (SELECT 1 FROM org_code_verifications v
	        WHERE v.organization_id = om.organization_id AND v.project_id = p_project),
	    coalesce((SELECT t.locked FROM org_code_attempts t
	        WHERE t.organization_id = om.organization_id AND t.project_id = p_project), false)
	FROM org_members om
	WHERE om.user_id = app_user_id() AND om.organization_id = org_member_org()
	  AND org_in_project(om.organization_id, p_project);
END
$$;

-- The same for every project the user takes part in.
CREATE FUNCTION my_access()
RETURNS TABLE (project_id text, side text, admin boolean, organization_id text,
    code_verified boolean, code_locked boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT m.project_id, m.side, m.admin, m.organization_id,
	    m.code_verified_at IS NOT NULL OR (m.side = 'respondent' AND EXISTS (
	        SELECT 1 FROM org_code_verifications v
	        WHERE v.organization_id = m.organization_id AND v.project_id = m.project_id)),
	    m.code_locked
	FROM memberships m
	WHERE m.user_id = app_user_id()
	  AND (m.side <> 'respondent' OR NOT org_member_deactivated(m.user_id))
	UNION ALL
	SELECT p.project_id, 'respondent', om.admin, om.organization_id,
	    EXISTS (SELECT 1 FROM org_code_verifications v
	        WHERE v.organization_id = om.organization_id AND v.project_id = p.project_id),
	    coalesce((SELECT t.locked FROM org_code_attempts t
	        WHERE t.organization_id = om.organization_id AND t.project_id = p.project_id),
	        false)
	FROM org_members om
	CROSS JOIN LATERAL (SELECT DISTINCT c.project_id FROM confirmations c
	    WHERE c.respondent_org_id = om.organization_id AND c.sent_at IS NOT NULL) p
	WHERE om.user_id = app_user_id() AND om.organization_id = org_member_org()
	  AND NOT EXISTS (SELECT 1 FROM memberships m
	      WHERE m.project_id = p.project_id AND m.user_id = om.user_id)
$$;

REVOKE ALL ON FUNCTION org_member_org(), org_may_manage(text, text),
    org_in_project(text, text), org_member_deactivated(text), project_access(text),
    my_access() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION org_member_org(), org_may_manage(text, text),
    org_in_project(text, text), org_member_deactivated(text), project_access(text),
    my_access() TO bgw_app;

-- The older helpers, now over project_access: same signatures, same meaning for members.
CREATE OR REPLACE FUNCTION project_side(p_project text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$BEGIN RETURN (
	SELECT a.side FROM project_access(p_project) a JOIN projects p ON p.id = p_project
	WHERE p.status = 'active' OR a.side = 'audit'
); END$$;

CREATE OR REPLACE FUNCTION project_admin_side(p_project text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$BEGIN RETURN (
	SELECT a.side FROM project_access(p_project) a JOIN projects p ON p.id = p_project
	WHERE a.admin AND p.status = 'active'
); END$$;

CREATE OR REPLACE FUNCTION project_org(p_project text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$BEGIN RETURN (
	SELECT a.organization_id FROM project_access(p_project) a
); END$$;

CREATE OR REPLACE FUNCTION my_memberships()
RETURNS TABLE (project_id text, side text, organization_id text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	RETURN QUERY
	SELECT a.project_id, a.side, a.organization_id
	FROM my_access() a JOIN projects p ON p.id = a.project_id
	WHERE p.status = 'active' OR a.side = 'audit';
END
$$;

-- Projects: the inline rule of 0017 for the audit and client sides (the busiest read);
-- respondents, members or not, through the organisation rule, so a deactivated user's old
-- memberships open nothing.
DROP POLICY projects_read ON projects;
CREATE POLICY projects_read ON projects FOR SELECT USING (
	EXISTS (SELECT 1 FROM memberships m
	    WHERE m.project_id = projects.id AND m.user_id = app_user_id()
	      AND m.side IN ('audit', 'client')
	      AND (projects.status = 'active' OR m.side = 'audit')));
CREATE POLICY projects_read_respondent ON projects FOR SELECT USING (
	projects.status = 'active' AND EXISTS (SELECT 1 FROM memberships m
	    WHERE m.project_id = projects.id AND m.user_id = app_user_id()
	      AND m.side = 'respondent' AND NOT org_member_deactivated(m.user_id)));
CREATE POLICY projects_read_org ON projects FOR SELECT USING (
	projects.status = 'active' AND EXISTS (SELECT 1 FROM org_members om
	    WHERE om.user_id = app_user_id() AND om.deactivated_at IS NULL
	      AND org_in_project(om.organization_id, projects.id)));

-- A respondent may change only the answer's columns of a confirmation: now whether it is a
-- member of the project or a user of the organisation.
CREATE OR REPLACE FUNCTION confirmation_update_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
DECLARE
	side text := (SELECT a.side FROM project_access(NEW.project_id) a);
	free constant text[] := ARRAY['status', 'status_reason', 'status_reason_side',
	    'opened_at', 'answered_at', 'version', 'updated_at'];
BEGIN
	IF side = 'respondent' THEN
		IF to_jsonb(NEW) - free IS DISTINCT FROM to_jsonb(OLD) - free THEN
			RAISE EXCEPTION 'a respondent cannot change this column of a confirmation'
			    USING ERRCODE = 'insufficient_privilege';
		END IF;
		IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
		    OLD.status IN ('sent', 'opened', 'awaiting_respondent_approval')
		    AND NEW.status IN ('opened', 'awaiting_respondent_approval', 'answered',
		        'declined')) THEN
			RAISE EXCEPTION 'a respondent cannot move a confirmation from % to %',
			    OLD.status, NEW.status USING ERRCODE = 'insufficient_privilege';
		END IF;
	END IF;
	IF NEW.status_reason IS DISTINCT FROM OLD.status_reason THEN
		NEW.status_reason_side := side;
	ELSE
		NEW.status_reason_side := OLD.status_reason_side;
	END IF;
	RETURN NEW;
END
$$;

-- The code check of 0019, with the respondent's code entered once per organisation: the
-- first right code of any of its users verifies the organisation for the project.  A user
-- with a membership counts its wrong tries on it as before; a user of the organisation
-- without one counts them on the organisation (five for all its users together).
CREATE OR REPLACE FUNCTION membership_code_check(p_project text, p_code text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
DECLARE
	m_side    text;
	m_org     text;
	m_locked  boolean;
	member    boolean;
	want      bytea;
	got       bytea;
BEGIN
	SELECT side, organization_id, code_locked INTO m_side, m_org, m_locked
	FROM memberships WHERE project_id = p_project AND user_id = app_user_id() FOR UPDATE;
	member := FOUND;
	IF member AND m_side = 'respondent' AND org_member_deactivated(app_user_id()) THEN
		RETURN NULL;
	END IF;
	IF NOT member THEN
		SELECT a.organization_id INTO m_org FROM project_access(p_project) a
		WHERE a.side = 'respondent';
		IF NOT FOUND THEN
			RETURN NULL;
		END IF;
		m_side := 'respondent';
		INSERT INTO org_code_attempts (organization_id, project_id) VALUES (m_org, p_project)
		ON CONFLICT DO NOTHING;
		SELECT locked INTO m_locked FROM org_code_attempts
		WHERE organization_id = m_org AND project_id = p_project FOR UPDATE;
	END IF;
	IF m_locked THEN
		RETURN 'locked';
	END IF;
	IF m_side = 'respondent' THEN
		SELECT code_hash INTO want FROM respondent_codes
		WHERE project_id = p_project AND organization_id = m_org AND replaced_at IS NULL;
		got := access_code_hash('bgw-respondent-code-v1', p_project, p_code);
	ELSE
		SELECT first_access_code_hash INTO want FROM projects WHERE id = p_project;
		got := access_code_hash('bgw-project-code-v1', p_project, p_code);
	END IF;
	IF want IS NOT NULL AND got IS NOT NULL AND want = got THEN
		IF member THEN
			UPDATE memberships SET code_verified_at = now(), code_failures = 0
			WHERE project_id = p_project AND user_id = app_user_id();
		ELSE
			UPDATE org_code_attempts SET failures = 0
			WHERE organization_id = m_org AND project_id = p_project;
		END IF;
		IF m_side = 'respondent' THEN
			INSERT INTO org_code_verifications (organization_id, project_id, verified_by)
			VALUES (m_org, p_project, app_user_id()) ON CONFLICT DO NOTHING;
		END IF;
		RETURN 'ok';
	END IF;
	IF member THEN
		UPDATE memberships SET code_failures = code_failures + 1,
		    code_locked = code_failures + 1 >= 5
		WHERE project_id = p_project AND user_id = app_user_id()
		RETURNING code_locked INTO m_locked;
	ELSE
		UPDATE org_code_attempts SET failures = failures + 1, locked = failures + 1 >= 5
		WHERE organization_id = m_org AND project_id = p_project
		RETURNING locked INTO m_locked;
	END IF;
	RETURN CASE WHEN m_locked THEN 'locked' ELSE 'wrong' END;
END
$$;

-- An audit admin of the active project lifts a member's lock, or the lock of the
-- organisation of a user without a membership.  True if something was found.
CREATE OR REPLACE FUNCTION membership_code_unlock(p_project text, p_user text) RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	WITH u AS (
		UPDATE memberships SET code_failures = 0, code_locked = false
		WHERE project_id = p_project AND user_id = p_user
		  AND project_admin_side(p_project) = 'audit'
		RETURNING 1),
	o AS (
		UPDATE org_code_attempts t SET failures = 0, locked = false
		FROM org_members om
		WHERE om.user_id = p_user AND t.organization_id = om.organization_id
		  AND t.project_id = p_project AND project_admin_side(p_project) = 'audit'
		RETURNING 1)
	SELECT EXISTS (SELECT 1 FROM u) OR EXISTS (SELECT 1 FROM o)
$$;

-- The organisation's own tables: its users see its units and members; its admins manage
-- them (a unit's admin only its unit's users); the audit team of a project sees that the
-- organisation entered its code there.
ALTER TABLE org_units ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_units_read ON org_units FOR SELECT
	USING (organization_id = org_member_org());
CREATE POLICY org_units_add ON org_units FOR INSERT
	WITH CHECK (org_may_manage(organization_id, NULL) AND kind <> 'desk');
CREATE POLICY org_units_change ON org_units FOR UPDATE
	USING (org_may_manage(organization_id, NULL))
	WITH CHECK (org_may_manage(organization_id, NULL));

ALTER TABLE org_members ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_members_read ON org_members FOR SELECT
	USING (user_id = app_user_id() OR organization_id = org_member_org());
CREATE POLICY org_members_add ON org_members FOR INSERT
	WITH CHECK (org_may_manage(organization_id, unit_id) AND created_by = app_user_id());
CREATE POLICY org_members_change ON org_members FOR UPDATE
	USING (org_may_manage(organization_id, unit_id) AND user_id <> app_user_id())
	WITH CHECK (org_may_manage(organization_id, unit_id) AND user_id <> app_user_id());

ALTER TABLE org_code_verifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_code_verifications_read ON org_code_verifications FOR SELECT
	USING (organization_id = org_member_org() OR project_side(project_id) = 'audit');
