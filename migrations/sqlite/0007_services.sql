-- Services (§4): the provider's service items, their SKUs and plans, attachments, every saved
-- version (the platform reviews one of them) and the review history.

CREATE TABLE service_items (
    id                INTEGER PRIMARY KEY,
    provider_id       INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
    name              TEXT    NOT NULL,                 -- 服务名称
    product           TEXT    NOT NULL,                 -- 服务对象: the marketplace product served
    owner_name        TEXT    NOT NULL DEFAULT '',      -- 服务负责人
    owner_contact     TEXT    NOT NULL DEFAULT '',      -- 负责人联系方式
    description_html  TEXT    NOT NULL DEFAULT '',      -- sanitized before it is stored
    status            TEXT    NOT NULL CHECK (status IN
                        ('draft', 'pending_review', 'approved', 'rejected', 'delist_requested', 'delisted')),
    version           INTEGER NOT NULL DEFAULT 1,       -- of the working copy; +1 per saved change
    review_version    INTEGER,                          -- the version submitted, then decided
    decision_reason   TEXT    NOT NULL DEFAULT '',      -- the platform's last refusal, shown on the item
    created_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    submitted_at      INTEGER
);
CREATE INDEX service_items_provider ON service_items (provider_id, created_at DESC, id DESC);
CREATE INDEX service_items_queue ON service_items (status, submitted_at);

CREATE TABLE service_skus (
    id               INTEGER PRIMARY KEY,
    service_item_id  INTEGER NOT NULL REFERENCES service_items(id) ON DELETE CASCADE,
    name             TEXT    NOT NULL,
    specification    TEXT    NOT NULL DEFAULT '',
    region           TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL
);
CREATE INDEX service_skus_item ON service_skus (service_item_id);

-- A plan's price is before tax, in minor units; the tax rate a decimal fraction as text
-- (0.06), so the tax-inclusive price is computed exactly.
CREATE TABLE service_plans (
    id               INTEGER PRIMARY KEY,
    sku_id           INTEGER NOT NULL REFERENCES service_skus(id) ON DELETE CASCADE,
    name             TEXT    NOT NULL,
    billing_mode     TEXT    NOT NULL CHECK (billing_mode IN ('one_time', 'monthly', 'installments')),
    price_minor      INTEGER NOT NULL CHECK (price_minor >= 0),
    currency         TEXT    NOT NULL CHECK (currency IN ('CNY', 'USD')),
    tax_rate         TEXT    NOT NULL,
    installments     INTEGER NOT NULL DEFAULT 1,        -- 分期: number of payments
    interval_months  INTEGER NOT NULL DEFAULT 1,        -- 分期: months between payments
    created_at       INTEGER NOT NULL
);
CREATE INDEX service_plans_sku ON service_plans (sku_id);

CREATE TABLE service_files (
    id               INTEGER PRIMARY KEY,
    service_item_id  INTEGER NOT NULL REFERENCES service_items(id) ON DELETE CASCADE,
    name             TEXT    NOT NULL,
    content_type     TEXT    NOT NULL,
    size             INTEGER NOT NULL,
    storage_key      TEXT    NOT NULL UNIQUE,
    uploaded_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX service_files_item ON service_files (service_item_id);

-- Every saved version: what buyers would see (JSON) and what changed, by whom.
CREATE TABLE service_item_versions (
    id               INTEGER PRIMARY KEY,
    service_item_id  INTEGER NOT NULL REFERENCES service_items(id) ON DELETE CASCADE,
    version          INTEGER NOT NULL,
    snapshot         TEXT    NOT NULL,
    changes          TEXT    NOT NULL DEFAULT '',       -- one change per line: key<TAB>detail
    actor_id         INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (service_item_id, version)
);

-- The review workflow's moves: submit, approve, reject, delisting asked/approved/refused.
CREATE TABLE service_item_events (
    id               INTEGER PRIMARY KEY,
    service_item_id  INTEGER NOT NULL REFERENCES service_items(id) ON DELETE CASCADE,
    actor_id         INTEGER REFERENCES users(id) ON DELETE SET NULL,
    action           TEXT    NOT NULL,
    from_status      TEXT    NOT NULL,
    to_status        TEXT    NOT NULL,
    version          INTEGER NOT NULL,
    reason           TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL
);
CREATE INDEX service_item_events_item ON service_item_events (service_item_id, id);
