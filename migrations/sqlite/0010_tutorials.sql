-- 使用教程 (§9): the platform's video tutorials by topic, uploaded (bytes in the storage layer)
-- or linked; the operating manual is part of the app itself.

CREATE TABLE tutorials (
    id                INTEGER PRIMARY KEY,
    topic             TEXT    NOT NULL CHECK (topic IN ('services', 'onboarding', 'orders', 'settlement')),
    title             TEXT    NOT NULL,
    description       TEXT    NOT NULL DEFAULT '',
    video_key         TEXT    UNIQUE,                  -- uploaded: its storage key
    video_type        TEXT    NOT NULL DEFAULT '',     -- video/mp4 or video/webm, by content
    video_size        INTEGER NOT NULL DEFAULT 0,
    external_url      TEXT    NOT NULL DEFAULT '',     -- or an https address
    poster_key        TEXT    UNIQUE,
    poster_type       TEXT    NOT NULL DEFAULT '',
    duration_seconds  INTEGER NOT NULL DEFAULT 0,
    created_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at        INTEGER NOT NULL,
    CHECK (video_key IS NOT NULL OR external_url <> '')
);
CREATE INDEX tutorials_topic ON tutorials (topic, created_at);
