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
-- Desks and branches are rows of org_units, the table lane r1 defines in 0026 (one 'desk'
-- unit per respondent organisation, 'branch' units with their 3-digit code).  Until both
-- branches are merged this migration creates it with the same columns when it is missing;
-- after the merge 0026 has created it and the CREATE below does nothing.

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

CREATE TABLE IF NOT EXISTS org_units (
	id              text PRIMARY KEY DEFAULT new_id(),
	organization_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	kind            text NOT NULL CHECK (kind IN ('desk', 'branch', 'department')),
	code            text CHECK (code ~ '^[0-9]{3}$'),
	name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	email           citext CHECK (length(email) BETWEEN 3 AND 254),
	created_at      timestamptz NOT NULL DEFAULT now(),
	deactivated_at  timestamptz
);
-- A branch code names one live unit of its organisation (the directory's search key).
CREATE UNIQUE INDEX certified_unit_code ON org_units (organization_id, code)
	WHERE code IS NOT NULL AND deactivated_at IS NULL;
-- The request as addressed: NULL = the organisation's desk (r1's contract, 0026).
ALTER TABLE confirmations ADD COLUMN IF NOT EXISTS respondent_unit_id text
	REFERENCES org_units (id) ON DELETE SET NULL;

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
-- firms' users); only an operator writes it.
GRANT SELECT, INSERT ON certified_respondents TO bgw_app;
GRANT SELECT, INSERT, UPDATE ON org_units TO bgw_app;
ALTER TABLE certified_respondents ENABLE ROW LEVEL SECURITY;
CREATE POLICY certified_read ON certified_respondents FOR SELECT USING (true);
CREATE POLICY certified_register ON certified_respondents FOR INSERT
	WITH CHECK (app_user_operator() AND certified_by = app_user_id());

-- A respondent membership in a certified organisation needs no code: the desk's address
-- was verified by the operator.  SECURITY DEFINER because bgw_app may not write
-- code_verified_at (0019); the trigger sets it only for a certified organisation.
CREATE FUNCTION membership_certified_verified() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	IF NEW.side = 'respondent' AND NEW.code_verified_at IS NULL AND EXISTS (
	    SELECT 1 FROM certified_respondents WHERE organization_id = NEW.organization_id) THEN
		NEW.code_verified_at := now();
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER memberships_certified_verified BEFORE INSERT ON memberships
	FOR EACH ROW EXECUTE FUNCTION membership_certified_verified();
