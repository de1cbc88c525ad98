-- Settlement (分账): what the buyer actually paid for each work order, and the bills built
-- from it. A bill keeps every version of its lines; `bills.version` names the current one.

ALTER TABLE work_orders ADD COLUMN paid_minor INTEGER;      -- 实付金额
ALTER TABLE work_orders ADD COLUMN paid_currency TEXT;      -- may differ from the order's
ALTER TABLE work_orders ADD COLUMN paid_at INTEGER;         -- 交易时间
UPDATE work_orders SET paid_minor = total_incl_minor, paid_currency = currency, paid_at = created_at
 WHERE status <> 'awaiting_payment';
CREATE INDEX work_orders_provider_paid ON work_orders (provider_id, paid_at);

CREATE TABLE bills (
    id                INTEGER PRIMARY KEY,
    bill_no           TEXT    NOT NULL UNIQUE,            -- 账单号: yyyymmdd of the bill date + sequence
    provider_id       INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
    period_start      TEXT    NOT NULL,                   -- ISO dates, both inclusive
    period_end        TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('unsettled', 'confirming',
                          'awaiting_payout', 'completed', 'disputed')),
    version           INTEGER NOT NULL,
    generated_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    payout_reference  TEXT    NOT NULL DEFAULT '',
    payout_date       TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (provider_id, period_start)
);
CREATE INDEX bills_provider_period ON bills (provider_id, period_end DESC, id DESC);
CREATE INDEX bills_period ON bills (period_end DESC, id DESC);

CREATE TABLE bill_lines (
    id                 INTEGER PRIMARY KEY,
    bill_id            INTEGER NOT NULL REFERENCES bills(id) ON DELETE CASCADE,
    version            INTEGER NOT NULL,
    position           INTEGER NOT NULL,
    work_order_id      INTEGER REFERENCES work_orders(id) ON DELETE SET NULL,
    order_no           TEXT    NOT NULL,                  -- 订单编号
    order_status       TEXT    NOT NULL,                  -- 订单状态 when the version was made
    order_total_minor  INTEGER NOT NULL,                  -- 订单总金额
    order_currency     TEXT    NOT NULL,
    product            TEXT    NOT NULL,                  -- 关联商品
    quantity           INTEGER NOT NULL,                  -- 数量
    traded_at          INTEGER NOT NULL,                  -- 交易时间
    paid_minor         INTEGER NOT NULL,                  -- 实付金额
    paid_currency      TEXT    NOT NULL
);
CREATE INDEX bill_lines_bill ON bill_lines (bill_id, version, position);

-- Who made each version and why; version 1 is the generated bill.
CREATE TABLE bill_versions (
    bill_id     INTEGER NOT NULL REFERENCES bills(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (bill_id, version)
);

-- The payout the platform recorded, per currency.
CREATE TABLE bill_payouts (
    bill_id       INTEGER NOT NULL REFERENCES bills(id) ON DELETE CASCADE,
    currency      TEXT    NOT NULL,
    amount_minor  INTEGER NOT NULL,
    PRIMARY KEY (bill_id, currency)
);

CREATE TABLE bill_events (
    id              INTEGER PRIMARY KEY,
    bill_id         INTEGER NOT NULL REFERENCES bills(id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    actor_id        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    action          TEXT    NOT NULL,
    from_status     TEXT    NOT NULL DEFAULT '',
    to_status       TEXT    NOT NULL,
    reason          TEXT    NOT NULL DEFAULT '',
    disputed_lines  TEXT    NOT NULL DEFAULT '',          -- order numbers a 驳回 points at
    created_at      INTEGER NOT NULL
);
CREATE INDEX bill_events_bill ON bill_events (bill_id, created_at, id);
