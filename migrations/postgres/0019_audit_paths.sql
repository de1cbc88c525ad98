-- 操作日志 at scale: every way the log is read has an index in its own order, so a page is
-- an index range (keyset paging on created_at, id) and nothing reads the whole log: the
-- platform's log of every provider, an action (with or without a provider, also the loose
-- index scan that lists the actions on record) and a person.
CREATE INDEX audit_log_time ON audit_log (created_at DESC, id DESC);
CREATE INDEX audit_log_provider_action ON audit_log (provider_id, action, created_at DESC, id DESC);
CREATE INDEX audit_log_action ON audit_log (action, created_at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor_id, created_at DESC, id DESC);
