-- 0020 document sides: every document records the side that uploaded it, and a respondent's
-- file the answer it belongs to.  The side decides who sees it (docs/api.md, Documents):
--   - audit: whoever sees its confirmation or project (the audit team, the client, the
--     respondent once the request is sent), as before;
--   - client: the audit team and the client; never the respondent, shared or not;
--   - respondent: part of the answer: the audit team and the respondent, the client only
--     while the audit team shares the confirmation (can_see_responses, 0007).
-- A project document (no confirmation) is for the audit team and the client, as before.
-- The client has no file channel to the respondent: it may add a file to a confirmation
-- only until the request is sent.  lib/policy.c decides the same for every request; these
-- policies are the second wall.
--
-- The live set of policies on documents after this migration (0007's are replaced here):
--   documents_read   SELECT  document_visible(project_id, confirmation_id, side)
--   documents_add    INSERT  document_insertable(...) and created_by is the current user
--   documents_answer UPDATE  a respondent links its own unlinked file to an answer of the
--                            same confirmation (response_id, the only column bgw_app may
--                            change)

ALTER TABLE documents ADD COLUMN side text CHECK (side IN ('audit', 'client', 'respondent'));

-- Existing documents: the uploader's side in the project; for an uploader whose membership
-- has ended, the side its organisation stands on in that project.  An uploader that cannot
-- be told (no account left) is taken as the respondent when the file hangs off an answer,
-- otherwise as the client: either way the file never reaches the side it did not come from
-- unless the audit team shares the answer.
UPDATE documents d SET side = coalesce(
	(SELECT m.side FROM memberships m
	 WHERE m.project_id = d.project_id AND m.user_id = d.created_by),
	(SELECT CASE u.organization_id
	     WHEN p.audit_firm_id THEN 'audit'
	     WHEN p.client_org_id THEN 'client'
	     WHEN c.respondent_org_id THEN 'respondent' END
	 FROM users u JOIN projects p ON p.id = d.project_id
	 LEFT JOIN confirmations c ON c.id = d.confirmation_id
	 WHERE u.id = d.created_by),
	CASE WHEN d.response_id IS NOT NULL THEN 'respondent' ELSE 'client' END);

-- A respondent's file attached while an answer was being prepared belongs to the first answer
-- submitted after it.
UPDATE documents d SET response_id = (
	SELECT r.id FROM responses r
	WHERE r.confirmation_id = d.confirmation_id AND r.submitted_at >= d.created_at
	ORDER BY r.submitted_at, r.version LIMIT 1)
WHERE d.side = 'respondent' AND d.confirmation_id IS NOT NULL AND d.response_id IS NULL;

ALTER TABLE documents ALTER COLUMN side SET NOT NULL;
-- Only a respondent's file belongs to an answer.
ALTER TABLE documents ADD CONSTRAINT documents_answer_is_respondent
	CHECK (response_id IS NULL OR side = 'respondent');

-- PL/pgSQL, like the other helpers since 0014: the plan is kept for the connection.
CREATE FUNCTION document_visible(p_project text, p_confirmation text, p_side text)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	RETURN (SELECT CASE
	    WHEN p_confirmation IS NULL
	        THEN coalesce(project_side(p_project) IN ('audit', 'client'), false)
	    ELSE coalesce((SELECT c.project_id = p_project FROM confirmations c
	            WHERE c.id = p_confirmation), false)
	        AND CASE p_side
	            WHEN 'respondent' THEN can_see_responses(p_confirmation)
	            WHEN 'client' THEN coalesce(confirmation_side(p_confirmation) IN ('audit', 'client'), false)
	            ELSE confirmation_side(p_confirmation) IS NOT NULL
	            END
	    END);
END
$$;

-- A new document: visible to its uploader, of the uploader's own side, and a client's only
-- on a project or a confirmation not yet sent.
CREATE FUNCTION document_insertable(p_project text, p_confirmation text, p_side text)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	RETURN (SELECT document_visible(p_project, p_confirmation, p_side)
	    AND p_side IS NOT DISTINCT FROM (CASE WHEN p_confirmation IS NULL
	        THEN project_side(p_project) ELSE confirmation_side(p_confirmation) END)
	    AND (p_side <> 'client' OR p_confirmation IS NULL
	        OR coalesce((SELECT c.sent_at IS NULL FROM confirmations c
	            WHERE c.id = p_confirmation), false)));
END
$$;

REVOKE ALL ON FUNCTION document_visible(text, text, text), document_insertable(text, text, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION document_visible(text, text, text),
    document_insertable(text, text, text) TO bgw_app;

DROP POLICY documents_read ON documents;
DROP POLICY documents_add ON documents;
CREATE POLICY documents_read ON documents FOR SELECT
	USING (document_visible(project_id, confirmation_id, side));
CREATE POLICY documents_add ON documents FOR INSERT
	WITH CHECK (document_insertable(project_id, confirmation_id, side)
	    AND created_by = app_user_id() AND response_id IS NULL);

-- Submitting or approving an answer links the respondent's files not yet linked (lib/confflow.c).
GRANT UPDATE (response_id) ON documents TO bgw_app;
CREATE POLICY documents_answer ON documents FOR UPDATE
	USING (side = 'respondent' AND response_id IS NULL
	    AND confirmation_side(confirmation_id) = 'respondent')
	WITH CHECK (side = 'respondent' AND confirmation_side(confirmation_id) = 'respondent'
	    AND response_confirmation(response_id) = confirmation_id);

-- 0007's helper is used by no policy any more.
DROP FUNCTION can_see_document(text, text, text);
