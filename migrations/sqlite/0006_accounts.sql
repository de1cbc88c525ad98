-- Accounts: registration with platform review, activation and reset links, sign-in
-- throttling, the slider challenge, two-factor sign-in and OIDC sign-in.

ALTER TABLE providers ADD COLUMN responsible_person TEXT NOT NULL DEFAULT '';
-- A provider admin may require every member to sign in with a second factor.
ALTER TABLE providers ADD COLUMN require_two_factor INTEGER NOT NULL DEFAULT 0;

ALTER TABLE users ADD COLUMN address TEXT NOT NULL DEFAULT '';
-- TOTP: the secret (base32) is set when enrolment starts and counts once confirmed.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at INTEGER;
-- While enrolment is pending: the recovery codes shown beside the QR code, hashed into
-- recovery_codes and cleared once the first code confirms the app.
ALTER TABLE users ADD COLUMN totp_pending_codes TEXT;
-- The last time step a code was accepted for: a code is good once.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
-- issuer + ' ' + subject of a linked OIDC identity.
ALTER TABLE users ADD COLUMN oidc_subject TEXT;
CREATE UNIQUE INDEX users_oidc_subject ON users (oidc_subject);

-- 注册 (§2.1): a company's application, reviewed by the platform.
CREATE TABLE registrations (
    id                  INTEGER PRIMARY KEY,
    draft_token         TEXT    NOT NULL UNIQUE,      -- SHA-256 of the link that continues it
    company_name        TEXT    NOT NULL,
    responsible_person  TEXT    NOT NULL,
    admin_name          TEXT    NOT NULL DEFAULT '',
    admin_email         TEXT    NOT NULL DEFAULT '',
    admin_phone         TEXT    NOT NULL DEFAULT '',
    admin_address       TEXT    NOT NULL DEFAULT '',
    status              TEXT    NOT NULL CHECK (status IN ('draft', 'pending', 'approved', 'rejected')),
    reason              TEXT    NOT NULL DEFAULT '',
    provider_id         INTEGER REFERENCES providers(id),
    created_at          INTEGER NOT NULL,
    submitted_at        INTEGER,
    decided_at          INTEGER,
    decided_by          INTEGER REFERENCES users(id)
);
CREATE INDEX registrations_status ON registrations (status, submitted_at);

CREATE TABLE registration_files (
    id               INTEGER PRIMARY KEY,
    registration_id  INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
    file_name        TEXT    NOT NULL,
    content_type     TEXT    NOT NULL,
    size             INTEGER NOT NULL,
    storage_key      TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX registration_files_registration ON registration_files (registration_id);

-- Activation and password-reset links: the URL holds a random token, the table its SHA-256.
CREATE TABLE account_tokens (
    id           TEXT    PRIMARY KEY,
    purpose      TEXT    NOT NULL CHECK (purpose IN ('activate', 'reset')),
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider_id  INTEGER REFERENCES providers(id) ON DELETE CASCADE,  -- the membership it activates
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);

-- Failed sign-ins, per account (the typed email, known or not) and per client address.
CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    account  TEXT    NOT NULL,
    ip       TEXT    NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX login_failures_account ON login_failures (account, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

-- Server-issued slider challenges: single use, short-lived.
CREATE TABLE login_challenges (
    id          TEXT    PRIMARY KEY,                -- SHA-256 of the token in the form
    expires_at  INTEGER NOT NULL
);
CREATE INDEX login_challenges_expiry ON login_challenges (expires_at);

-- A password accepted, the second factor still to come.
CREATE TABLE pending_sign_ins (
    id          TEXT    PRIMARY KEY,                -- SHA-256 of the cookie token
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    next        TEXT    NOT NULL DEFAULT '',
    attempts    INTEGER NOT NULL DEFAULT 0,
    expires_at  INTEGER NOT NULL
);

CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash  TEXT    NOT NULL,                    -- SHA-256 of the code
    used_at    INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- An OIDC sign-in under way: found by the state's SHA-256, used once.
CREATE TABLE oidc_flows (
    id             TEXT    PRIMARY KEY,
    nonce          TEXT    NOT NULL,
    pkce_verifier  TEXT    NOT NULL,
    next           TEXT    NOT NULL DEFAULT '',
    expires_at     INTEGER NOT NULL
);
