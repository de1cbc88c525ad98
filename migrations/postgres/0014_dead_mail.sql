-- A mail the SMTP server refuses for good (5xx, e.g. no such recipient) stops after a few
-- tries instead of being retried hourly forever (#20): when it was given up, shown as failed
-- in the mail log. Its next attempt moves out of the sender's range, so the due index never
-- walks past dead mail.
ALTER TABLE outbox ADD COLUMN failed_at BIGINT;
