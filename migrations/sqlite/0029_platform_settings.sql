-- 平台设置: the platform's own settings, one row (id = 1), one column a setting; a later
-- setting is a new column (with its default) added by a migration of its own.
CREATE TABLE platform_settings (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    -- 自动验收: a stage whose customer has not answered this many days after it was sent
    -- is accepted by the system (NULL: off, the default).
    auto_accept_days  INTEGER CHECK (auto_accept_days BETWEEN 1 AND 90),
    updated_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at        INTEGER NOT NULL DEFAULT 0
);
INSERT INTO platform_settings (id) VALUES (1);

-- 代客户验收: the evidence the platform recorded a customer's acceptance with (their mail,
-- a signed paper), one per acceptance, beside the history line it belongs to.
CREATE TABLE acceptance_evidence (
    id            INTEGER PRIMARY KEY,
    milestone_id  INTEGER NOT NULL REFERENCES milestones(id) ON DELETE CASCADE,
    event_id      INTEGER NOT NULL REFERENCES work_order_events(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    storage_key   TEXT    NOT NULL UNIQUE,
    uploaded_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX acceptance_evidence_event ON acceptance_evidence (event_id);
CREATE INDEX acceptance_evidence_milestone ON acceptance_evidence (milestone_id);
