-- 0008: a confirmation the client refused to authorise (ISA 505.8) is closed by the audit
-- team with alternative procedures without ever having been sent, so that state no longer
-- needs sent_at.

DO $$
DECLARE
	c text;
BEGIN
	SELECT conname INTO c FROM pg_constraint
	WHERE conrelid = 'bgw.confirmations'::regclass AND contype = 'c'
	  AND pg_get_constraintdef(oid) LIKE '%sent_at IS NOT NULL%'
	  AND pg_get_constraintdef(oid) LIKE '%cancelled%';
	IF c IS NULL THEN
		RAISE EXCEPTION 'the sent_at check of confirmations was not found';
	END IF;
	EXECUTE format('ALTER TABLE confirmations DROP CONSTRAINT %I', c);
END
$$;

ALTER TABLE confirmations ADD CONSTRAINT confirmations_sent_at_by_status CHECK (
	status IN ('draft', 'awaiting_client', 'refused', 'authorized')
	OR (status IN ('cancelled', 'alternative_procedures') AND sent_at IS NULL)
	OR sent_at IS NOT NULL);
