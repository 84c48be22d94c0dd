-- 0025: mail given up, counted at every /metrics scrape (bgw_outbox_failed).
--
-- The outbox keeps every sent row, so counting status = 'failed' would read the whole table
-- on each scrape; the few given-up rows get an index of their own.  The alert on outbox
-- failures (docs/deploy/alerts/bgw.yml) watches this count grow.

CREATE INDEX outbox_failed ON outbox (created_at) WHERE status = 'failed';
