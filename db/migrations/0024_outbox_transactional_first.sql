-- 0024: transactional mail leaves before the batch job's bulk mail.
--
-- The sender claimed due rows by next_attempt_at alone, so a request to a corrected
-- address, an invitation or a password reset queued behind every reminder a batch run had
-- just queued: on a loaded 2-core machine the SMTP sink takes a few mails a second, and a
-- run of a few hundred reminders held a request back for minutes (seen in CI: the request
-- to a corrected addressee still queued after 30 s).  DESIGN.md promises transactional
-- mail within seconds; reminders, alerts and digests can wait their turn.
--
-- bulk is set by the batch job's insert (tools/notify_stmt.c); every other insert is
-- transactional.  The claim orders by (bulk, next_attempt_at), which this index serves.

ALTER TABLE outbox ADD COLUMN bulk boolean NOT NULL DEFAULT false;
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (bulk, next_attempt_at) WHERE status IN ('queued', 'sending');
