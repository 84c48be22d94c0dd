-- 0019 side codes: a first-access code per side, and a membership's code state set only
-- through the code check.
--
-- The project's own code (projects.first_access_code_hash) stays the code of the audit and
-- client sides.  Each respondent organisation gets its own code per project, issued when
-- the first confirmation to it is sent (or again by an audit admin when the first one is
-- lost): knowing the client's code opens nothing on the respondent side, and the other way
-- round.  Only the hash is kept, salted by the project like the project code; how the code
-- travelled to the respondent (read out on the phone, printed on a letter, or a second
-- mail) is recorded with it.
--
-- Until now bgw_app could UPDATE a membership's code_verified_at, code_failures and
-- code_locked, and row-level security let a member update its own row: a member could mark
-- itself verified, or unlock itself and guess on.  Those columns now change only inside the
-- SECURITY DEFINER functions below: membership_code_check (which verifies the code it is
-- given, counts a failure, locks at the fifth) and membership_code_unlock (an audit admin of
-- the active project).  A membership is inserted without them (column INSERT grants), so a
-- user cannot insert itself verified either: the project's creator passes the check with the
-- code it has just been shown.

CREATE TABLE respondent_codes (
	id               text PRIMARY KEY DEFAULT new_id(),
	project_id       text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	organization_id  text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	-- The confirmation whose send (or code reissue) issued the code.
	confirmation_id  text REFERENCES confirmations (id) ON DELETE SET NULL,
	code_hash        bytea NOT NULL CHECK (length(code_hash) = 32),
	channel          text NOT NULL CHECK (channel IN ('phone', 'letter', 'mail')),
	issued_by        text REFERENCES users (id) ON DELETE SET NULL,
	issued_at        timestamptz NOT NULL DEFAULT now(),
	-- Set when a fresh code replaces this one: from then on it opens nothing.
	replaced_at      timestamptz,
	CHECK (replaced_at IS NULL OR replaced_at >= issued_at)
);
-- One current code per organisation and project.
CREATE UNIQUE INDEX respondent_codes_current ON respondent_codes (project_id, organization_id)
	WHERE replaced_at IS NULL;

-- The hash of a first-access code, as lib/project.c computes it: SHA-256 over the label and
-- the project id, each with its terminating NUL, then the code's letters and digits in upper
-- case (dashes, spaces and case do not matter).
CREATE FUNCTION access_code_hash(p_label text, p_project text, p_code text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT sha256(convert_to(p_label, 'UTF8') || '\x00'::bytea
	    || convert_to(p_project, 'UTF8') || '\x00'::bytea
	    || convert_to(upper(regexp_replace(p_code, '[^A-Za-z0-9]', '', 'g')), 'UTF8'))
$$;

-- Check the code the current user typed for its membership in p_project, against its side's
-- code: the project code for the audit and client sides, its organisation's current code for
-- a respondent.  'ok' (verified now, failures reset), 'wrong' (a failure counted), 'locked'
-- (this failure was the fifth, or the membership was locked already), NULL (no membership).
-- The limit is PROJECT_CODE_MAX_FAILURES of lib/project.h; it lives here so that no caller
-- can raise it.
CREATE FUNCTION membership_code_check(p_project text, p_code text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
DECLARE
	m_side    text;
	m_org     text;
	m_locked  boolean;
	want      bytea;
	got       bytea;
BEGIN
	SELECT side, organization_id, code_locked INTO m_side, m_org, m_locked
	FROM memberships WHERE project_id = p_project AND user_id = app_user_id() FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;
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
		UPDATE memberships SET code_verified_at = now(), code_failures = 0
		WHERE project_id = p_project AND user_id = app_user_id();
		RETURN 'ok';
	END IF;
	UPDATE memberships SET code_failures = code_failures + 1,
	    code_locked = code_failures + 1 >= 5
	WHERE project_id = p_project AND user_id = app_user_id()
	RETURNING code_locked INTO m_locked;
	RETURN CASE WHEN m_locked THEN 'locked' ELSE 'wrong' END;
END
$$;

-- An audit admin of the active project lifts a member's lock.  True if a member was found.
CREATE FUNCTION membership_code_unlock(p_project text, p_user text) RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	WITH u AS (
		UPDATE memberships SET code_failures = 0, code_locked = false
		WHERE project_id = p_project AND user_id = p_user
		  AND project_admin_side(p_project) = 'audit'
		RETURNING 1)
	SELECT EXISTS (SELECT 1 FROM u)
$$;

REVOKE ALL ON FUNCTION access_code_hash(text, text, text), membership_code_check(text, text),
    membership_code_unlock(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION membership_code_check(text, text), membership_code_unlock(text, text)
    TO bgw_app;

REVOKE UPDATE (code_verified_at, code_failures, code_locked) ON memberships FROM bgw_app;
REVOKE INSERT ON memberships FROM bgw_app;
GRANT INSERT (project_id, user_id, side, admin, organization_id, created_by, created_at)
    ON memberships TO bgw_app;

-- The audit side issues and reads the record of respondent codes; nobody reads a code's
-- hash but membership_code_check.  No row is deleted (the purge runs as the owner).
GRANT SELECT (id, project_id, organization_id, confirmation_id, channel, issued_by, issued_at,
    replaced_at) ON respondent_codes TO bgw_app;
GRANT INSERT (project_id, organization_id, confirmation_id, code_hash, channel, issued_by)
    ON respondent_codes TO bgw_app;
GRANT UPDATE (replaced_at) ON respondent_codes TO bgw_app;

ALTER TABLE respondent_codes ENABLE ROW LEVEL SECURITY;
CREATE POLICY respondent_codes_read ON respondent_codes FOR SELECT
	USING (project_side(project_id) = 'audit');
CREATE POLICY respondent_codes_issue ON respondent_codes FOR INSERT
	WITH CHECK (project_admin_side(project_id) = 'audit' AND issued_by = app_user_id());
CREATE POLICY respondent_codes_replace ON respondent_codes FOR UPDATE
	USING (project_admin_side(project_id) = 'audit')
	WITH CHECK (project_admin_side(project_id) = 'audit');
