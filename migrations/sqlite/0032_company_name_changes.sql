-- A provider's admin asks to change the company's name; the platform approves or rejects it
-- (issue #17). Every request is kept: who asked, for what, who decided, when and why.
CREATE TABLE company_name_changes (
    id              INTEGER PRIMARY KEY,
    provider_id     INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
    old_name        TEXT    NOT NULL,
    new_name        TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    requested_at    INTEGER NOT NULL,
    decided_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    decided_at      INTEGER,
    decision_reason TEXT    NOT NULL DEFAULT ''
);
-- One request waits per provider at a time.
CREATE UNIQUE INDEX company_name_changes_pending ON company_name_changes (provider_id)
    WHERE status = 'pending';
-- The platform's queue, oldest first, and a provider's latest request.
CREATE INDEX company_name_changes_queue ON company_name_changes (status, requested_at);
CREATE INDEX company_name_changes_provider ON company_name_changes (provider_id, id);
