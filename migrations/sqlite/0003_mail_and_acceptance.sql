-- The transactional mail outbox, and customer acceptance of milestones by link.

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    to_address       TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    body_text        TEXT    NOT NULL,
    body_html        TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,               -- also the claim of the sender working on it
    sent_at          INTEGER,
    last_error       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);

-- A link the buyer's contact answers a stage with: the URL holds a random token, the table
-- its SHA-256. One answer per link.
CREATE TABLE acceptance_links (
    id            TEXT    PRIMARY KEY,
    milestone_id  INTEGER NOT NULL REFERENCES milestones(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    decision      TEXT,                                   -- 'accept' or 'reject' once answered
    answered_at   INTEGER
);
CREATE INDEX acceptance_links_milestone ON acceptance_links (milestone_id);

ALTER TABLE milestones ADD COLUMN due_at INTEGER;              -- answer deadline while 待验收
ALTER TABLE milestones ADD COLUMN reminded_at INTEGER;         -- reminder sent to the customer
ALTER TABLE milestones ADD COLUMN overdue_flagged_at INTEGER;  -- flagged to the platform
CREATE INDEX milestones_due ON milestones (status, due_at);
