-- Evidence files of a delivery stage, shown to the customer on the acceptance page. The
-- bytes live in the storage layer under `storage_key`; the type is what the content is.
CREATE TABLE milestone_files (
    id            INTEGER PRIMARY KEY,
    milestone_id  INTEGER NOT NULL REFERENCES milestones(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    storage_key   TEXT    NOT NULL UNIQUE,
    uploaded_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX milestone_files_milestone ON milestone_files (milestone_id);
