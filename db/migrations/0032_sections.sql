-- 0032: the sections of the standard bank confirmation form (銀行確認状) and the questions
-- of a lawyer's letter (弁護士確認状); holdings of securities by issue, quantity and custody.
--
-- The vocabulary is lib/flow/workflow.c's wf_bank_section_names and wf_legal_question_names
-- (test_workflow compares this CHECK and db/confirmations.xsd with them).  The auditor asks
-- per section (confirmation_sections; items may name their section); the respondent
-- answers each asked section with rows (items, extra items) or "none" (該当なし), and a
-- lawyer answers each question in free text (response_sections).  Existing tables are
-- extended, not forked: items, response items and extra items gain the columns.

CREATE FUNCTION section_name_ok(s text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT s IN ('deposits', 'borrowings', 'guarantees', 'discounted_bills', 'derivatives',
	    'custody_securities', 'other', 'pending_litigation', 'threatened_litigation',
	    'claims', 'contingent_liabilities', 'fees_outstanding')
$$;
-- The CHECKs below run it as the writing role.
GRANT EXECUTE ON FUNCTION section_name_ok(text) TO bgw_app;

ALTER TABLE confirmation_items
	ADD COLUMN section text CHECK (section_name_ok(section)),
	ADD COLUMN quantity numeric CHECK (quantity >= 0 AND scale(quantity) <= 6
	    AND quantity < 1e18),
	ADD COLUMN custody text CHECK (length(custody) BETWEEN 1 AND 200);

-- The sections (bank) or questions (legal) the auditor asks, in the order asked.
CREATE TABLE confirmation_sections (
	confirmation_id  text NOT NULL REFERENCES confirmations (id) ON DELETE CASCADE,
	position         integer NOT NULL CHECK (position >= 0),
	section          text NOT NULL CHECK (section_name_ok(section)),
	PRIMARY KEY (confirmation_id, section),
	UNIQUE (confirmation_id, position)
);

ALTER TABLE response_items
	ADD COLUMN quantity numeric CHECK (quantity >= 0 AND scale(quantity) <= 6
	    AND quantity < 1e18),
	ADD COLUMN custody text CHECK (length(custody) BETWEEN 1 AND 200);
-- A difference on a holding may be its quantity or its custody place, not its amount.
ALTER TABLE response_items DROP CONSTRAINT response_items_check;
ALTER TABLE response_items ADD CONSTRAINT response_items_difference
	CHECK (agrees OR amount IS NOT NULL OR quantity IS NOT NULL OR custody IS NOT NULL);

ALTER TABLE response_extra_items
	ADD COLUMN section text CHECK (section_name_ok(section)),
	ADD COLUMN quantity numeric CHECK (quantity >= 0 AND scale(quantity) <= 6
	    AND quantity < 1e18),
	ADD COLUMN custody text CHECK (length(custody) BETWEEN 1 AND 200),
	ALTER COLUMN amount DROP NOT NULL;
ALTER TABLE response_extra_items ADD CONSTRAINT response_extra_items_value
	CHECK (amount IS NOT NULL OR quantity IS NOT NULL);

-- Per asked section: "none" (該当なし) or, for a question, the lawyer's text.  A section
-- answered with rows has its rows in response_items / response_extra_items and no row here
-- unless the respondent adds a remark.
CREATE TABLE response_sections (
	response_id  text NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
	position     integer NOT NULL CHECK (position >= 0),
	section      text NOT NULL CHECK (section_name_ok(section)),
	is_none      boolean NOT NULL DEFAULT false,
	answer       text CHECK (length(answer) BETWEEN 1 AND 10000),
	PRIMARY KEY (response_id, section),
	CHECK (is_none OR answer IS NOT NULL)
);
CREATE TRIGGER response_sections_frozen BEFORE INSERT OR UPDATE ON response_sections
	FOR EACH ROW EXECUTE FUNCTION response_frozen();

GRANT SELECT, INSERT, DELETE ON confirmation_sections TO bgw_app;  -- draft edits
GRANT SELECT, INSERT ON response_sections TO bgw_app;

ALTER TABLE confirmation_sections ENABLE ROW LEVEL SECURITY;
CREATE POLICY confirmation_sections_read ON confirmation_sections FOR SELECT
	USING (confirmation_side(confirmation_id) IS NOT NULL);
CREATE POLICY confirmation_sections_add ON confirmation_sections FOR INSERT
	WITH CHECK (confirmation_side(confirmation_id) IN ('audit', 'client'));
CREATE POLICY confirmation_sections_remove ON confirmation_sections FOR DELETE
	USING (confirmation_side(confirmation_id) IN ('audit', 'client'));

ALTER TABLE response_sections ENABLE ROW LEVEL SECURITY;
CREATE POLICY response_sections_read ON response_sections FOR SELECT
	USING (can_see_responses(response_confirmation(response_id)));
CREATE POLICY response_sections_answer ON response_sections FOR INSERT
	WITH CHECK (confirmation_side(response_confirmation(response_id)) = 'respondent');

-- The import stores items with their section and holding, and the asked sections, set-based
-- as 0009's functions do (the same checks: a draft of the project, the caller's side).
CREATE FUNCTION import_confirmation_items_extent(p_project text, p_conf text[], p_pos text[],
    p_label text[], p_ref text[], p_currency text[], p_amount text[], p_section text[],
    p_quantity text[], p_custody text[]) RETURNS bigint
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
SET enable_nestloop = off
AS $$
	WITH ins AS (
		INSERT INTO confirmation_items (confirmation_id, position, label, reference, currency,
		    amount, section, quantity, custody)
		SELECT u.c, u.p::int, u.l, u.r, u.cur, u.amt::numeric, u.s, u.q::numeric, u.k
		FROM unnest(p_conf, p_pos, p_label, p_ref, p_currency, p_amount, p_section,
		    p_quantity, p_custody) AS u(c, p, l, r, cur, amt, s, q, k)
		JOIN confirmations k ON k.id = u.c AND k.project_id = p_project AND k.status = 'draft'
		WHERE app_user_id() IS NOT NULL AND project_side(p_project) IN ('audit', 'client')
		RETURNING 1)
	SELECT count(*) FROM ins
$$;

CREATE FUNCTION import_confirmation_sections(p_project text, p_conf text[], p_pos text[],
    p_section text[]) RETURNS bigint
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
	WITH ins AS (
		INSERT INTO confirmation_sections (confirmation_id, position, section)
		SELECT u.c, u.p::int, u.s
		FROM unnest(p_conf, p_pos, p_section) AS u(c, p, s)
		JOIN confirmations k ON k.id = u.c AND k.project_id = p_project AND k.status = 'draft'
		WHERE app_user_id() IS NOT NULL AND project_side(p_project) IN ('audit', 'client')
		RETURNING 1)
	SELECT count(*) FROM ins
$$;
REVOKE ALL ON FUNCTION import_confirmation_items_extent(text, text[], text[], text[], text[],
    text[], text[], text[], text[], text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION import_confirmation_sections(text, text[], text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION import_confirmation_items_extent(text, text[], text[], text[], text[],
    text[], text[], text[], text[], text[]) TO bgw_app;
GRANT EXECUTE ON FUNCTION import_confirmation_sections(text, text[], text[], text[]) TO bgw_app;
