-- 0003 confirmations: requests, their items, address checks, responses (versioned, sealed,
-- immutable once final), reviews, reconciling items and comments.
--
-- Amounts are numeric (exact decimal, never floating point).  The number of decimals
-- allowed for each currency (JPY 0, USD 2, BHD 3, ...) is checked by the money code; the
-- database bounds the scale to 4 and the magnitude below 10^18 as a last line.

CREATE TABLE confirmations (
	id                      text PRIMARY KEY DEFAULT new_id(),
	reference               text NOT NULL UNIQUE DEFAULT new_reference()
	                        CHECK (reference ~ '^[A-HJ-NP-Z2-9]{10}$'),
	project_id              text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	type                    text NOT NULL CHECK (type IN
	                        ('bank', 'receivable', 'payable', 'securities', 'legal', 'other')),
	form                    text NOT NULL CHECK (form IN ('positive', 'blank', 'negative')),
	-- The state diagram of DESIGN.md; the workflow code decides which transitions are legal.
	status                  text NOT NULL DEFAULT 'draft' CHECK (status IN (
	                        'draft', 'awaiting_client', 'refused', 'authorized', 'sent',
	                        'opened', 'awaiting_respondent_approval', 'answered', 'declined',
	                        'agreed', 'exception', 'resolved', 'alternative_procedures',
	                        'cancelled')),
	respondent_org_id       text NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
	respondent_email        citext NOT NULL
	                        CHECK (length(respondent_email) BETWEEN 3 AND 254
	                        AND strpos(respondent_email, '@') > 1),
	respondent_name         text NOT NULL CHECK (length(respondent_name) BETWEEN 1 AND 200),
	as_of                   date NOT NULL,
	due_date                date NOT NULL,
	shared_with_client      boolean NOT NULL DEFAULT false,
	undeliverable           boolean NOT NULL DEFAULT false,
	reminders_sent          integer NOT NULL DEFAULT 0 CHECK (reminders_sent >= 0),
	last_reminded_at        timestamptz,
	sent_at                 timestamptz,
	opened_at               timestamptz,
	answered_at             timestamptz,
	-- The reason of the last return / refusal / decline / cancellation (also in the log).
	status_reason           text CHECK (length(status_reason) <= 2000),
	alternative_procedures  text CHECK (length(alternative_procedures) <= 10000),
	created_by              text REFERENCES users (id) ON DELETE SET NULL,
	created_at              timestamptz NOT NULL DEFAULT now(),
	updated_at              timestamptz NOT NULL DEFAULT now(),
	-- Optimistic locking: every UPDATE says WHERE version = $n and sets version + 1.
	version                 integer NOT NULL DEFAULT 1 CHECK (version > 0),
	CHECK (due_date >= as_of),
	CHECK (status <> 'alternative_procedures' OR alternative_procedures IS NOT NULL),
	CHECK (status IN ('draft', 'awaiting_client', 'refused', 'authorized')
	    OR (status = 'cancelled' AND sent_at IS NULL) OR sent_at IS NOT NULL)
);
CREATE INDEX confirmations_project_status ON confirmations (project_id, status);
CREATE INDEX confirmations_respondent ON confirmations (respondent_org_id, status);
CREATE INDEX confirmations_due ON confirmations (due_date)
	WHERE status IN ('sent', 'opened', 'awaiting_respondent_approval');
CREATE INDEX confirmations_respondent_email ON confirmations (respondent_email);

CREATE TABLE confirmation_items (
	id               text PRIMARY KEY DEFAULT new_id(),
	confirmation_id  text NOT NULL REFERENCES confirmations (id) ON DELETE CASCADE,
	position         integer NOT NULL CHECK (position >= 0),
	label            text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
	reference        text CHECK (length(reference) <= 100),
	currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
	amount           numeric CHECK (scale(amount) <= 4 AND abs(amount) < 1e18),
	UNIQUE (confirmation_id, position)
);

-- How the audit team checked the respondent's address and authority before sending.
CREATE TABLE address_checks (
	id               text PRIMARY KEY DEFAULT new_id(),
	confirmation_id  text NOT NULL REFERENCES confirmations (id) ON DELETE CASCADE,
	method           text NOT NULL CHECK (length(method) BETWEEN 1 AND 100),
	note             text NOT NULL CHECK (length(note) BETWEEN 1 AND 2000),
	checked_by       text REFERENCES users (id) ON DELETE SET NULL,
	checked_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX address_checks_confirmation ON address_checks (confirmation_id);

-- One row per answer version.  A member's answer waits (final = false) for the approval of
-- a respondent admin; approval or an admin's own answer sets final, the approver and the
-- seal in one UPDATE.  Items are inserted before that UPDATE: afterwards the triggers below
-- refuse every change.  A sent-back answer keeps its row with returned_at.
CREATE TABLE responses (
	id               text PRIMARY KEY DEFAULT new_id(),
	confirmation_id  text NOT NULL REFERENCES confirmations (id) ON DELETE CASCADE,
	version          integer NOT NULL CHECK (version > 0),
	responder_id     text REFERENCES users (id) ON DELETE SET NULL,
	responder_name   text NOT NULL CHECK (length(responder_name) BETWEEN 1 AND 200),
	responder_title  text NOT NULL CHECK (length(responder_title) <= 200),
	approver_id      text REFERENCES users (id) ON DELETE SET NULL,
	approver_name    text CHECK (length(approver_name) BETWEEN 1 AND 200),
	approver_title   text CHECK (length(approver_title) <= 200),
	submitted_at     timestamptz NOT NULL DEFAULT now(),
	approved_at      timestamptz,
	returned_at      timestamptz,
	return_reason    text CHECK (length(return_reason) <= 2000),
	final            boolean NOT NULL DEFAULT false,
	seal             bytea CHECK (length(seal) = 32),
	UNIQUE (confirmation_id, version),
	CHECK (NOT final OR (seal IS NOT NULL AND returned_at IS NULL)),
	CHECK (approved_at IS NULL OR (approver_name IS NOT NULL AND final))
);
-- At most one answer waiting for approval per confirmation.
CREATE UNIQUE INDEX responses_one_pending ON responses (confirmation_id)
	WHERE NOT final AND returned_at IS NULL;

CREATE TABLE response_items (
	response_id  text NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
	item_id      text NOT NULL REFERENCES confirmation_items (id) ON DELETE CASCADE,
	agrees       boolean NOT NULL,
	amount       numeric CHECK (scale(amount) <= 4 AND abs(amount) < 1e18),
	note         text CHECK (length(note) <= 2000),
	PRIMARY KEY (response_id, item_id),
	CHECK (agrees OR amount IS NOT NULL)
);
CREATE INDEX response_items_item ON response_items (item_id);

-- Items the respondent adds unasked (other accounts, loans, guarantees).
CREATE TABLE response_extra_items (
	id           text PRIMARY KEY DEFAULT new_id(),
	response_id  text NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
	position     integer NOT NULL CHECK (position >= 0),
	label        text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
	currency     char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
	amount       numeric NOT NULL CHECK (scale(amount) <= 4 AND abs(amount) < 1e18),
	note         text CHECK (length(note) <= 2000),
	UNIQUE (response_id, position)
);

-- SECURITY DEFINER so the check sees the parent response whatever row security shows.
CREATE FUNCTION response_frozen() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = bgw, pg_temp
AS $$
BEGIN
	IF TG_TABLE_NAME = 'responses' THEN
		IF OLD.final THEN
			RAISE EXCEPTION 'a final response cannot be changed'
			    USING ERRCODE = 'object_not_in_prerequisite_state';
		END IF;
		RETURN NEW;
	END IF;
	IF EXISTS (SELECT 1 FROM responses r WHERE r.final
	    AND r.id IN (NEW.response_id, OLD.response_id)) THEN
		RAISE EXCEPTION 'the items of a final response cannot be changed'
		    USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER responses_frozen BEFORE UPDATE ON responses
	FOR EACH ROW EXECUTE FUNCTION response_frozen();
CREATE TRIGGER response_items_frozen BEFORE INSERT OR UPDATE ON response_items
	FOR EACH ROW EXECUTE FUNCTION response_frozen();
CREATE TRIGGER response_extra_items_frozen BEFORE INSERT OR UPDATE ON response_extra_items
	FOR EACH ROW EXECUTE FUNCTION response_frozen();

CREATE TABLE reviews (
	id               text PRIMARY KEY DEFAULT new_id(),
	confirmation_id  text NOT NULL REFERENCES confirmations (id) ON DELETE CASCADE,
	response_id      text REFERENCES responses (id) ON DELETE CASCADE,
	result           text NOT NULL CHECK (result IN ('agreed', 'exception', 'resolved')),
	note             text CHECK (length(note) <= 10000),
	reviewed_by      text REFERENCES users (id) ON DELETE SET NULL,
	reviewed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reviews_confirmation ON reviews (confirmation_id);

CREATE TABLE reconciling_items (
	id               text PRIMARY KEY DEFAULT new_id(),
	confirmation_id  text NOT NULL REFERENCES confirmations (id) ON DELETE CASCADE,
	kind             text NOT NULL
	                 CHECK (kind IN ('timing_difference', 'cut_off', 'error', 'unexplained')),
	currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
	amount           numeric NOT NULL CHECK (scale(amount) <= 4 AND abs(amount) < 1e18),
	note             text CHECK (length(note) <= 2000),
	created_by       text REFERENCES users (id) ON DELETE SET NULL,
	created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reconciling_items_confirmation ON reconciling_items (confirmation_id);

-- Two threads per confirmation: audit <-> client, and audit <-> respondent (shown to the
-- client only while the confirmation is shared with it).
CREATE TABLE comments (
	id               text PRIMARY KEY DEFAULT new_id(),
	confirmation_id  text NOT NULL REFERENCES confirmations (id) ON DELETE CASCADE,
	visibility       text NOT NULL CHECK (visibility IN ('audit_client', 'audit_respondent')),
	body             text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
	author_id        text REFERENCES users (id) ON DELETE SET NULL,
	created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_confirmation ON comments (confirmation_id, created_at);
