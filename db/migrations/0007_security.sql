-- 0007 security: what bgw_app may do, and row-level security on the tenant tables.
--
-- Row-level security is the second wall behind the policy layer in lib/, never a
-- replacement for it: it keeps a forgotten WHERE clause from showing one tenant's rows to
-- another.  A transaction names its user with set_config('app.user_id', $1, true) (db_begin);
-- with no user bound every tenant table reads as empty.  After a commit the setting reads ''
-- rather than NULL, hence NULLIF.
--
-- The helpers are SECURITY DEFINER so that a policy can look up memberships and
-- confirmations without recursing into their own policies (bgw_owner is not subject to row
-- security: it is not forced).  Each pins search_path to bgw then pg_temp, so an object
-- planted in another schema cannot stand in for ours; bgw_app cannot create in bgw.
--
-- Who may do what within what a user can see (only admins approve, only the audit admin
-- sends, ...) is the policy layer's decision; the rules here are the coarse walls: project
-- membership, side, and for respondents their organisation and the sending of the request.

CREATE FUNCTION app_user_id() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT NULLIF(current_setting('app.user_id', true), '') $$;

-- The current user's side in a project, or NULL: not a member, or the project is closed to
-- that side (completion ends client and respondent access; the audit team keeps reading).
CREATE FUNCTION project_side(p_project text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT m.side FROM memberships m JOIN projects p ON p.id = m.project_id
	WHERE m.project_id = p_project AND m.user_id = app_user_id()
	  AND (p.status = 'active' OR m.side = 'audit')
$$;

-- The side in which the current user is an admin of an active project, or NULL.
CREATE FUNCTION project_admin_side(p_project text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT m.side FROM memberships m JOIN projects p ON p.id = m.project_id
	WHERE m.project_id = p_project AND m.user_id = app_user_id() AND m.admin
	  AND p.status = 'active'
$$;

-- The organisation a respondent member answers for, or NULL.
CREATE FUNCTION project_org(p_project text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT m.organization_id FROM memberships m
	WHERE m.project_id = p_project AND m.user_id = app_user_id()
$$;

-- The audit firm of the current user, if it is one (who may create projects).
CREATE FUNCTION user_audit_firm() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT o.id FROM users u JOIN organizations o ON o.id = u.organization_id
	WHERE u.id = app_user_id() AND u.deleted_at IS NULL AND o.kind = 'audit_firm'
	  AND o.deleted_at IS NULL
$$;

-- A confirmation is visible to the audit and client members of its project, and to
-- respondent members of its respondent organisation once it has been sent.
CREATE FUNCTION confirmation_visible(p_project text, p_org text, p_sent timestamptz)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT coalesce((
		SELECT CASE project_side(p_project)
		    WHEN 'audit' THEN true
		    WHEN 'client' THEN true
		    WHEN 'respondent' THEN p_sent IS NOT NULL AND project_org(p_project) = p_org
		    END), false)
$$;

-- The current user's side for a confirmation it can see, or NULL.
CREATE FUNCTION confirmation_side(p_confirmation text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT CASE WHEN confirmation_visible(c.project_id, c.respondent_org_id, c.sent_at)
	    THEN project_side(c.project_id) END
	FROM confirmations c WHERE c.id = p_confirmation
$$;

-- Answers are for the audit team, the respondent, and the client only when shared.
CREATE FUNCTION can_see_responses(p_confirmation text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT coalesce((
		SELECT CASE confirmation_side(c.id)
		    WHEN 'audit' THEN true
		    WHEN 'respondent' THEN true
		    WHEN 'client' THEN c.shared_with_client
		    END
		FROM confirmations c WHERE c.id = p_confirmation), false)
$$;

CREATE FUNCTION response_confirmation(p_response text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$ SELECT r.confirmation_id FROM responses r WHERE r.id = p_response $$;

-- The audit-client thread is for audit and client; the audit-respondent thread for audit
-- and the respondent, and for the client while the confirmation is shared with it.
CREATE FUNCTION can_see_comments(p_confirmation text, p_visibility text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT coalesce((
		SELECT CASE confirmation_side(c.id)
		    WHEN 'audit' THEN true
		    WHEN 'client' THEN p_visibility = 'audit_client' OR c.shared_with_client
		    WHEN 'respondent' THEN p_visibility = 'audit_respondent'
		    END
		FROM confirmations c WHERE c.id = p_confirmation), false)
$$;

-- A project document is for audit and client; a confirmation's document follows the
-- confirmation, and an answer's attachment follows the answers.
CREATE FUNCTION can_see_document(p_project text, p_confirmation text, p_response text)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT CASE
	    WHEN p_confirmation IS NULL THEN coalesce(project_side(p_project) IN ('audit', 'client'), false)
	    ELSE coalesce((SELECT c.project_id = p_project FROM confirmations c
	            WHERE c.id = p_confirmation), false)
	        AND confirmation_side(p_confirmation) IS NOT NULL
	        AND (p_response IS NULL OR can_see_responses(p_confirmation))
	    END
$$;

-- Members see their own membership; the audit team sees every member; the client sees
-- audit and client members; a respondent sees the audit team and its own organisation.
CREATE FUNCTION membership_visible(p_project text, p_side text, p_org text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT coalesce((
		SELECT CASE project_side(p_project)
		    WHEN 'audit' THEN true
		    WHEN 'client' THEN p_side IN ('audit', 'client')
		    WHEN 'respondent' THEN p_side = 'audit'
		        OR (p_side = 'respondent' AND p_org = project_org(p_project))
		    END), false)
$$;

-- Adding or removing members (API.md): an audit admin for any side, a client admin for the
-- client side, a respondent admin for its own organisation.
CREATE FUNCTION membership_writable(p_project text, p_side text, p_org text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT coalesce((
		SELECT CASE project_admin_side(p_project)
		    WHEN 'audit' THEN true
		    WHEN 'client' THEN p_side = 'client'
		    WHEN 'respondent' THEN p_side = 'respondent' AND p_org = project_org(p_project)
		    END), false)
$$;

-- A user may insert its own membership in two cases only: as the first member (an audit
-- admin) of a project it has just created for its own firm, or as granted by an unused,
-- unexpired invitation to its address.
CREATE FUNCTION membership_self_grant(p_project text, p_user text, p_side text,
    p_admin boolean, p_org text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT p_user IS NOT NULL AND p_user = app_user_id() AND (
	    (p_side = 'audit' AND p_admin
	     AND EXISTS (SELECT 1 FROM projects p JOIN users u ON u.id = p_user
	         WHERE p.id = p_project AND p.status = 'active' AND p.created_by = p_user
	           AND p.audit_firm_id = u.organization_id)
	     AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.project_id = p_project))
	    OR EXISTS (SELECT 1 FROM tokens t JOIN users u ON u.id = p_user
	        WHERE t.kind = 'invitation' AND t.email = u.email AND t.project_id = p_project
	          AND t.side = p_side AND t.admin = p_admin AND t.used_at IS NULL
	          AND t.expires_at > now()
	          AND (p_side <> 'respondent' OR t.organization_id = p_org)))
$$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA bgw FROM PUBLIC;
GRANT EXECUTE ON FUNCTION new_id(), new_reference(), app_user_id(), project_side(text),
    project_admin_side(text), project_org(text), user_audit_firm(),
    confirmation_visible(text, text, timestamptz), confirmation_side(text),
    can_see_responses(text), response_confirmation(text), can_see_comments(text, text),
    can_see_document(text, text, text), membership_visible(text, text, text),
    membership_writable(text, text, text), membership_self_grant(text, text, text, boolean, text),
    audit_chain_head(text)
    TO bgw_app;

-- Table rights: only what the application does.  Nothing is granted on schema_migrations.
GRANT SELECT, INSERT, UPDATE ON organizations, users, projects TO bgw_app;
GRANT SELECT ON master_keys TO bgw_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON mfa_recovery_codes, sessions, tokens, throttle,
    notifications, outbox TO bgw_app;
-- A member may record its own first-access code attempts; nothing else of a membership
-- changes in place (a change of side or admin flag is a removal and a new invitation).
GRANT SELECT, INSERT, DELETE ON memberships TO bgw_app;
GRANT UPDATE (code_verified_at, code_failures, code_locked) ON memberships TO bgw_app;
GRANT SELECT, INSERT, UPDATE ON confirmations, responses TO bgw_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON confirmation_items TO bgw_app;  -- draft edits
GRANT SELECT, INSERT ON address_checks, response_items, response_extra_items, reviews,
    reconciling_items, comments, documents TO bgw_app;
GRANT SELECT, INSERT ON audit_events TO bgw_app;

ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
CREATE POLICY projects_read ON projects FOR SELECT
	USING (project_side(id) IS NOT NULL);
CREATE POLICY projects_create ON projects FOR INSERT
	WITH CHECK (audit_firm_id = user_audit_firm() AND created_by = app_user_id()
	    AND status = 'active');
CREATE POLICY projects_change ON projects FOR UPDATE
	USING (project_side(id) = 'audit') WITH CHECK (project_side(id) = 'audit');

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
CREATE POLICY memberships_read ON memberships FOR SELECT
	USING (user_id = app_user_id() OR membership_visible(project_id, side, organization_id));
CREATE POLICY memberships_add ON memberships FOR INSERT
	WITH CHECK (membership_writable(project_id, side, organization_id)
	    OR membership_self_grant(project_id, user_id, side, admin, organization_id));
CREATE POLICY memberships_code ON memberships FOR UPDATE
	USING (user_id = app_user_id() OR project_admin_side(project_id) = 'audit')
	WITH CHECK (user_id = app_user_id() OR project_admin_side(project_id) = 'audit');
CREATE POLICY memberships_remove ON memberships FOR DELETE
	USING (membership_writable(project_id, side, organization_id));

ALTER TABLE confirmations ENABLE ROW LEVEL SECURITY;
CREATE POLICY confirmations_read ON confirmations FOR SELECT
	USING (confirmation_visible(project_id, respondent_org_id, sent_at));
CREATE POLICY confirmations_create ON confirmations FOR INSERT
	WITH CHECK (project_side(project_id) IN ('audit', 'client'));
CREATE POLICY confirmations_change ON confirmations FOR UPDATE
	USING (confirmation_visible(project_id, respondent_org_id, sent_at))
	WITH CHECK (confirmation_visible(project_id, respondent_org_id, sent_at));

ALTER TABLE confirmation_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY confirmation_items_read ON confirmation_items FOR SELECT
	USING (confirmation_side(confirmation_id) IS NOT NULL);
CREATE POLICY confirmation_items_add ON confirmation_items FOR INSERT
	WITH CHECK (confirmation_side(confirmation_id) IN ('audit', 'client'));
CREATE POLICY confirmation_items_change ON confirmation_items FOR UPDATE
	USING (confirmation_side(confirmation_id) IN ('audit', 'client'))
	WITH CHECK (confirmation_side(confirmation_id) IN ('audit', 'client'));
CREATE POLICY confirmation_items_remove ON confirmation_items FOR DELETE
	USING (confirmation_side(confirmation_id) IN ('audit', 'client'));

ALTER TABLE address_checks ENABLE ROW LEVEL SECURITY;
CREATE POLICY address_checks_audit ON address_checks FOR ALL
	USING (confirmation_side(confirmation_id) = 'audit')
	WITH CHECK (confirmation_side(confirmation_id) = 'audit');

ALTER TABLE responses ENABLE ROW LEVEL SECURITY;
CREATE POLICY responses_read ON responses FOR SELECT
	USING (can_see_responses(confirmation_id));
CREATE POLICY responses_answer ON responses FOR INSERT
	WITH CHECK (confirmation_side(confirmation_id) = 'respondent');
CREATE POLICY responses_approve ON responses FOR UPDATE
	USING (confirmation_side(confirmation_id) = 'respondent')
	WITH CHECK (confirmation_side(confirmation_id) = 'respondent');

ALTER TABLE response_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY response_items_read ON response_items FOR SELECT
	USING (can_see_responses(response_confirmation(response_id)));
CREATE POLICY response_items_answer ON response_items FOR INSERT
	WITH CHECK (confirmation_side(response_confirmation(response_id)) = 'respondent');

ALTER TABLE response_extra_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY response_extra_items_read ON response_extra_items FOR SELECT
	USING (can_see_responses(response_confirmation(response_id)));
CREATE POLICY response_extra_items_answer ON response_extra_items FOR INSERT
	WITH CHECK (confirmation_side(response_confirmation(response_id)) = 'respondent');

ALTER TABLE reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY reviews_audit ON reviews FOR ALL
	USING (confirmation_side(confirmation_id) = 'audit')
	WITH CHECK (confirmation_side(confirmation_id) = 'audit');

ALTER TABLE reconciling_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY reconciling_items_audit ON reconciling_items FOR ALL
	USING (confirmation_side(confirmation_id) = 'audit')
	WITH CHECK (confirmation_side(confirmation_id) = 'audit');

ALTER TABLE comments ENABLE ROW LEVEL SECURITY;
CREATE POLICY comments_read ON comments FOR SELECT
	USING (can_see_comments(confirmation_id, visibility));
CREATE POLICY comments_write ON comments FOR INSERT
	WITH CHECK (can_see_comments(confirmation_id, visibility) AND author_id = app_user_id());

ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY documents_read ON documents FOR SELECT
	USING (can_see_document(project_id, confirmation_id, response_id));
CREATE POLICY documents_add ON documents FOR INSERT
	WITH CHECK (can_see_document(project_id, confirmation_id, response_id)
	    AND created_by = app_user_id());

-- The audit team reads its project's log.  Anyone may append: events outside a project
-- (a failed login) have no user yet, and the chain, not the policy, proves integrity;
-- a user bound to the transaction may only append to chains of its own projects.
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_events_read ON audit_events FOR SELECT
	USING (project_side(project_id) = 'audit');
CREATE POLICY audit_events_append ON audit_events FOR INSERT
	WITH CHECK (project_id IS NULL OR app_user_id() IS NULL
	    OR project_side(project_id) IS NOT NULL);
