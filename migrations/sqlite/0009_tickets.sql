-- 联系我们 (§8): consultation tickets with their conversation and files. The built-in helpdesk
-- keeps them here; with an external helpdesk (ewei) they are also there, under external_id,
-- and this copy is kept in step by its webhook and on reading.

CREATE TABLE tickets (
    id                INTEGER PRIMARY KEY,
    provider_id       INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
    ticket_no         TEXT    NOT NULL UNIQUE,            -- 工单编号: yymm + sequence
    service_type      TEXT    NOT NULL,                   -- 服务类型
    support_category  TEXT    NOT NULL,                   -- 支持类别
    subject           TEXT    NOT NULL,                   -- 服务主题
    details           TEXT    NOT NULL,                   -- 服务详情
    contact_name      TEXT    NOT NULL,
    contact_phone     TEXT    NOT NULL DEFAULT '',
    contact_email     TEXT    NOT NULL,
    company           TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('open', 'pending', 'solved', 'closed')),
    channel           TEXT    NOT NULL,                   -- 提交平台: builtin, ewei
    external_id       TEXT,
    unread            INTEGER NOT NULL DEFAULT 0,         -- replies the provider has not read
    created_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX tickets_provider ON tickets (provider_id, created_at DESC, id DESC);
CREATE INDEX tickets_status ON tickets (status, updated_at);
CREATE UNIQUE INDEX tickets_external ON tickets (channel, external_id);

CREATE TABLE ticket_messages (
    id             INTEGER PRIMARY KEY,
    ticket_id      INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    author_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    author_label   TEXT    NOT NULL DEFAULT '',
    from_platform  INTEGER NOT NULL DEFAULT 0,
    body           TEXT    NOT NULL,
    external_id    TEXT,
    created_at     INTEGER NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);
CREATE UNIQUE INDEX ticket_messages_external ON ticket_messages (ticket_id, external_id);

CREATE TABLE ticket_files (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    storage_key   TEXT    NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL
);
CREATE INDEX ticket_files_ticket ON ticket_files (ticket_id);
