-- Orders from the marketplace, their work orders (one per service item), delivery milestones
-- and the history of every change. Money is integer minor units; tax rates are exact decimal text.

CREATE TABLE orders (
    id                 INTEGER PRIMARY KEY,
    order_no           TEXT    NOT NULL UNIQUE,       -- 订单编号, the marketplace's number
    buyer_company      TEXT    NOT NULL,              -- 购买公司
    contact_name       TEXT    NOT NULL DEFAULT '',
    contact_email      TEXT    NOT NULL,              -- 联系人: acceptance links go here
    solution_name      TEXT    NOT NULL,              -- 方案名称
    solution_quantity  INTEGER NOT NULL,              -- 方案数量
    picture_url        TEXT    NOT NULL DEFAULT '',   -- 图片
    created_at         INTEGER NOT NULL
);

CREATE TABLE work_orders (
    id                  INTEGER PRIMARY KEY,
    order_id            INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    work_order_no       TEXT    NOT NULL UNIQUE,      -- 服务工单号
    provider_id         INTEGER REFERENCES providers(id),  -- NULL until dispatched
    service_item_name   TEXT    NOT NULL,             -- 服务项名称 / 服务项
    implementation      TEXT    NOT NULL DEFAULT '',  -- 实施内容
    implementer         TEXT    NOT NULL DEFAULT '',  -- 实施方
    currency            TEXT    NOT NULL CHECK (currency IN ('CNY', 'USD')),
    unit_price_minor    INTEGER NOT NULL,             -- 价格 (before tax)
    tax_rate            TEXT    NOT NULL,             -- 税率, e.g. '0.06'
    unit_price_incl_minor INTEGER NOT NULL,           -- 单价(含税)
    quantity            INTEGER NOT NULL CHECK (quantity > 0),
    total_incl_minor    INTEGER NOT NULL,             -- 总价(含税)
    status              TEXT    NOT NULL CHECK (status IN ('awaiting_payment', 'awaiting_acceptance',
                            'in_progress', 'partially_accepted', 'completed', 'rejected')),
    decline_reason      TEXT    NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
-- The provider's list: newest first, optionally by status.
CREATE INDEX work_orders_provider_created ON work_orders (provider_id, created_at DESC, id DESC);
CREATE INDEX work_orders_provider_status ON work_orders (provider_id, status, created_at DESC, id DESC);
CREATE INDEX work_orders_provider_total ON work_orders (provider_id, total_incl_minor, id);
CREATE INDEX work_orders_order ON work_orders (order_id);

CREATE TABLE milestones (
    id             INTEGER PRIMARY KEY,
    work_order_id  INTEGER NOT NULL REFERENCES work_orders(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,                  -- 阶段: 1, 2, … in delivery order
    period_start   TEXT    NOT NULL,                  -- 周期, ISO dates
    period_end     TEXT,
    standard       TEXT    NOT NULL DEFAULT '',       -- 交付标准
    remarks        TEXT    NOT NULL DEFAULT '',       -- 备注
    status         TEXT    NOT NULL CHECK (status IN ('not_started', 'in_progress',
                       'awaiting_acceptance', 'accepted')),
    reject_reason  TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX milestones_work_order ON milestones (work_order_id, position);

CREATE TABLE work_order_events (
    id             INTEGER PRIMARY KEY,
    work_order_id  INTEGER NOT NULL REFERENCES work_orders(id) ON DELETE CASCADE,
    milestone_no   INTEGER,                           -- the stage concerned, if any
    actor_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor_label    TEXT    NOT NULL DEFAULT '',       -- who, when not a user (the customer)
    action         TEXT    NOT NULL,
    from_status    TEXT    NOT NULL DEFAULT '',
    to_status      TEXT    NOT NULL DEFAULT '',
    reason         TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL
);
CREATE INDEX work_order_events_work_order ON work_order_events (work_order_id, created_at, id);
