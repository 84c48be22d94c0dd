-- 0028 certified respondents (認定回答者) and the directory auditors pick them from.
--
-- An operator registers an organisation as certified after checking it out of band: its
-- legal name, its corporate number (法人番号) and, for a bank, its 全銀 bank code, and the
-- desk and branch addresses requests go to.  The auditors' directory reads this table; a
-- pick from it is the address check (method 'certified_directory', lib/flow/certified.c),
-- and the request lands at the organisation's desk (or the branch it names) without a
-- respondent code: the operator's verification of the desk address stands in for the
-- code's second channel.
--
-- Desks and branches are rows of org_units (0026: one 'desk' unit per respondent
-- organisation, made with it; 'branch' units with their 3-digit code); a request at a
-- branch names it in confirmations.respondent_unit_id (NULL: at the desk).

-- The check digit of a corporate number: the first of its 13 digits is 9 minus the
-- remainder by 9 of the sum over the other twelve, read from the right, of digit × 1 at odd
-- and × 2 at even positions (法人番号の指定等に関する省令, 平成26年財務省令第70号, 第2条;
-- 国税庁 https://www.houjin-bangou.nta.go.jp/documents/checkdigit.pdf).  lib/flow/certified.c
-- computes the same; this is the second wall.
CREATE FUNCTION corporate_number_valid(p text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT p ~ '^[1-9][0-9]{12}$' AND substr(p, 1, 1)::int = 9 - (
		SELECT sum(substr(p, 14 - n, 1)::int * CASE WHEN n % 2 = 1 THEN 1 ELSE 2 END)
		FROM generate_series(1, 12) AS n)::int % 9
$$;
GRANT EXECUTE ON FUNCTION corporate_number_valid(text) TO bgw_app;

CREATE TABLE certified_respondents (
	organization_id  text PRIMARY KEY REFERENCES organizations (id) ON DELETE RESTRICT,
	legal_name       text NOT NULL CHECK (length(legal_name) BETWEEN 1 AND 200),
	corporate_number text NOT NULL UNIQUE CHECK (corporate_number_valid(corporate_number)),
	-- 全銀 bank code: banks only; NULL for a company.
	bank_code        text UNIQUE CHECK (bank_code ~ '^[0-9]{4}$'),
	certified_by     text REFERENCES users (id) ON DELETE SET NULL,
	certified_at     timestamptz NOT NULL DEFAULT now()
);

-- Is the user bound to this transaction an operator?  SECURITY DEFINER: users' row-level
-- security hides other users, and the answer is one bit.
CREATE FUNCTION app_user_operator() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	SELECT coalesce((SELECT is_operator FROM users
	                 WHERE id = app_user_id() AND deleted_at IS NULL), false)
$$;
REVOKE ALL ON FUNCTION app_user_operator() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_user_operator() TO bgw_app;

-- The directory is readable by every signed-in user the policy layer lets through (audit
-- firms' users), and so are the desks and branches of a certified organisation (where an
-- auditor's pick addresses the request); only an operator writes them.
GRANT SELECT, INSERT ON certified_respondents TO bgw_app;
ALTER TABLE certified_respondents ENABLE ROW LEVEL SECURITY;
CREATE POLICY certified_read ON certified_respondents FOR SELECT USING (true);
CREATE POLICY certified_register ON certified_respondents FOR INSERT
	WITH CHECK (app_user_operator() AND certified_by = app_user_id());
CREATE POLICY org_units_certified_read ON org_units FOR SELECT
	USING (EXISTS (SELECT 1 FROM certified_respondents cr
	               WHERE cr.organization_id = org_units.organization_id));
CREATE POLICY org_units_certified_add ON org_units FOR INSERT
	WITH CHECK (app_user_operator() AND kind <> 'desk');
CREATE POLICY org_units_certified_change ON org_units FOR UPDATE
	USING (app_user_operator()) WITH CHECK (app_user_operator());

-- A request sent to a certified organisation needs no respondent code: the operator
-- verified its desk's address, which is what the code's second channel stood for.  Sending
-- marks the organisation verified in the project (org_code_verifications, 0026/0027) as
-- its first right code would; bgw_app cannot write that table, hence SECURITY DEFINER, and
-- only for a sent confirmation of a certified organisation that the caller's audit team
-- may send.  True if the confirmation is one.
CREATE FUNCTION certified_code_waive(p_confirmation text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
DECLARE
	c_org     text;
	c_project text;
BEGIN
	SELECT c.respondent_org_id, c.project_id INTO c_org, c_project
	FROM confirmations c JOIN certified_respondents cr ON cr.organization_id = c.respondent_org_id
	WHERE c.id = p_confirmation AND c.sent_at IS NOT NULL;
	IF NOT FOUND OR project_admin_side(c_project) IS DISTINCT FROM 'audit' THEN
		RETURN false;
	END IF;
	INSERT INTO org_code_verifications (organization_id, project_id, verified_by)
	VALUES (c_org, c_project, app_user_id()) ON CONFLICT DO NOTHING;
	RETURN true;
END
$$;
REVOKE ALL ON FUNCTION certified_code_waive(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION certified_code_waive(text) TO bgw_app;
