-- Foundation: providers, users, memberships, sessions, audit log.
-- Times are Unix seconds (UTC); every integer is 64-bit so both backends decode alike.

CREATE TABLE providers (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    address     TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT    NOT NULL UNIQUE,          -- stored lower-cased
    name           TEXT    NOT NULL DEFAULT '',
    phone          TEXT    NOT NULL DEFAULT '',
    password_hash  TEXT,                             -- NULL until the account is activated
    platform_role  TEXT CHECK (platform_role IN ('operator')),
    created_at     INTEGER NOT NULL,
    last_login_at  INTEGER
);

CREATE TABLE memberships (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider_id  INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
    role         TEXT    NOT NULL CHECK (role IN ('admin', 'co_admin', 'user')),
    status       TEXT    NOT NULL CHECK (status IN ('invited', 'active', 'disabled')),
    invited_by   INTEGER REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, provider_id)
);
CREATE INDEX memberships_provider ON memberships (provider_id);
-- Exactly one admin per provider is a rule; the index makes a second one impossible.
CREATE UNIQUE INDEX memberships_one_admin ON memberships (provider_id) WHERE role = 'admin';

CREATE TABLE sessions (
    id            TEXT    PRIMARY KEY,               -- SHA-256 of the cookie token, hex
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider_id   INTEGER REFERENCES providers(id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    ip            TEXT    NOT NULL DEFAULT '',
    user_agent    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    provider_id   INTEGER REFERENCES providers(id) ON DELETE CASCADE,  -- NULL: platform-wide
    actor_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    action        TEXT    NOT NULL,
    target_type   TEXT    NOT NULL DEFAULT '',
    target_id     TEXT    NOT NULL DEFAULT '',
    detail        TEXT    NOT NULL DEFAULT '',
    ip            TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);
CREATE INDEX audit_log_provider_time ON audit_log (provider_id, created_at DESC, id DESC);
