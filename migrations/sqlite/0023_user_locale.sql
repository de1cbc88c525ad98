-- The language a user last read the portal in ("zh-CN" or "en"), so that mails to them
-- speak it; NULL until they open a page, and such a user's mails speak both languages.
ALTER TABLE users ADD COLUMN locale TEXT;
