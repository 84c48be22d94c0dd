-- 0013 account deletion (DELETE /api/v1/users/{uid}): an admin deletes an account of its own
-- organisation, or a user its own.
--
-- A deleted account is pseudonymised, never removed: its row keeps its id (audit events,
-- documents, comments, responses and projects point at it), loses everything that names or
-- authenticates a person (e-mail, name, password, MFA secret and recovery codes), and loses
-- its sessions, memberships and pending tokens.  The audit log is append-only and holds ids,
-- so its chains are untouched.
--
-- Who may delete whom is decided by the policy layer (lib/policy.c policy_account_delete)
-- from the facts below; account_delete checks the same facts again (second wall), because it
-- runs as the owner: the memberships it removes lie in projects the caller may not see.

-- The side of the projects in which an organisation's users act.
CREATE FUNCTION org_side(p_kind text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE p_kind WHEN 'audit_firm' THEN 'audit' WHEN 'client' THEN 'client'
	    WHEN 'respondent' THEN 'respondent' END
$$;

-- Facts about deleting p_user by the current user:
--   found       a live account that is not an operator's
--   self        it is the current user's own
--   same_org    it belongs to the current user's organisation
--   admin       the current user is an admin of that organisation's side in an active project
--   last_admin  it is the only admin of its side (of its organisation, for respondents) in
--               an active project: deleting it would leave that project without one
CREATE FUNCTION account_delete_facts(p_user text, OUT found boolean, OUT self boolean,
    OUT same_org boolean, OUT admin boolean, OUT last_admin boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT u.id IS NOT NULL,
	    coalesce(u.id = app_user_id(), false),
	    coalesce(u.organization_id = me.organization_id, false),
	    EXISTS (SELECT 1 FROM memberships m JOIN projects p ON p.id = m.project_id
	        WHERE m.user_id = app_user_id() AND m.admin AND p.status = 'active'
	          AND m.side = org_side(o.kind)
	          AND (m.side <> 'respondent' OR m.organization_id = u.organization_id)),
	    EXISTS (SELECT 1 FROM memberships m JOIN projects p ON p.id = m.project_id
	        WHERE m.user_id = u.id AND m.admin AND p.status = 'active'
	          AND NOT EXISTS (SELECT 1 FROM memberships x
	              WHERE x.project_id = m.project_id AND x.side = m.side AND x.admin
	                AND x.user_id <> m.user_id
	                AND (m.side <> 'respondent' OR x.organization_id = m.organization_id)))
	FROM (SELECT 1) AS one
	LEFT JOIN users u ON u.id = p_user AND u.deleted_at IS NULL AND NOT u.is_operator
	LEFT JOIN organizations o ON o.id = u.organization_id
	LEFT JOIN users me ON me.id = app_user_id() AND me.deleted_at IS NULL
$$;

-- Pseudonymise p_user and end everything it holds.  Returns the number of memberships
-- removed.  Raises insufficient_privilege unless the facts allow it (the same rule as the
-- policy layer), so that this function is no way around the policy.
CREATE FUNCTION account_delete(p_user text) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
DECLARE
	f record;
	old_email text;  -- citext lives in public, outside this function's search_path
	n integer;
BEGIN
	SELECT * INTO f FROM account_delete_facts(p_user);
	IF app_user_id() IS NULL OR NOT f.found OR f.last_admin
	    OR NOT (f.self OR (f.same_org AND f.admin)) THEN
		RAISE EXCEPTION 'account_delete refused' USING ERRCODE = 'insufficient_privilege';
	END IF;
	SELECT lower(email::text) INTO old_email FROM users WHERE id = p_user FOR UPDATE;
	DELETE FROM memberships WHERE user_id = p_user;
	GET DIAGNOSTICS n = ROW_COUNT;
	DELETE FROM sessions WHERE user_id = p_user;
	DELETE FROM mfa_recovery_codes WHERE user_id = p_user;
	-- Reset links, and invitations to the old address: none may bring the account back.
	DELETE FROM tokens WHERE user_id = p_user
	    OR (kind = 'invitation' AND lower(email::text) = old_email AND used_at IS NULL);
	UPDATE users SET email = 'deleted-' || id || '@deleted.invalid', name = '(deleted)',
	    password_hash = NULL, mfa_secret_enc = NULL, mfa_key_version = NULL,
	    mfa_enabled = false, mfa_last_step = NULL, failed_logins = 0,
	    locked_until = 'infinity', deleted_at = now(), updated_at = now()
	WHERE id = p_user;
	RETURN n;
END
$$;

REVOKE ALL ON FUNCTION org_side(text), account_delete_facts(text), account_delete(text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION org_side(text), account_delete_facts(text), account_delete(text)
    TO bgw_app;
