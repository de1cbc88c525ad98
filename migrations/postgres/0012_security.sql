-- Security (#14).
-- What a provider may say about its member lives on the membership: the account (name,
-- phone) belongs to the person and is seen by every provider they join and the platform.
ALTER TABLE memberships ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN phone TEXT NOT NULL DEFAULT '';
UPDATE memberships SET
    name = (SELECT u.name FROM users u WHERE u.id = memberships.user_id),
    phone = (SELECT u.phone FROM users u WHERE u.id = memberships.user_id)
WHERE status <> 'invited';

-- The live parts of a mail (links holding a token), one a line: masked in the mail log and
-- blanked out of the stored copy once the mail is delivered.
ALTER TABLE outbox ADD COLUMN secrets TEXT NOT NULL DEFAULT '';

-- An OIDC flow started by a signed-in user from 账号安全 links the identity to that user.
ALTER TABLE oidc_flows ADD COLUMN link_user_id BIGINT REFERENCES users(id) ON DELETE CASCADE;

-- Wrong second-factor codes in a row, across sign-ins (a new password sign-in does not
-- start afresh), and when the last one was typed: the wait before the next try grows.
ALTER TABLE users ADD COLUMN second_factor_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN second_factor_failed_at BIGINT NOT NULL DEFAULT 0;

-- The sweep of orphaned files asks each table whether it names a key.
CREATE INDEX registration_files_key ON registration_files (storage_key);
