-- The work-order lifecycle (issue #17): the platform cancels a work order (已取消: who, when
-- and why are kept) and re-dispatches a declined one to another provider, every decline kept.

-- Who cancelled, when and why (NULL and '' for a work order not cancelled).
ALTER TABLE work_orders ADD COLUMN cancelled_at INTEGER;
ALTER TABLE work_orders ADD COLUMN cancelled_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE work_orders ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';

-- 已取消 joins the statuses the CHECK allows. SQLite alters no constraint, and rebuilding the
-- table cannot be done here: migrations run in a transaction with foreign keys on, where
-- dropping the old table would cascade to its stages, history and bill lines. The change only
-- widens a CHECK and no stored row changes, which is the case SQLite documents for editing the
-- table's definition in place (ALTER TABLE, "Making Other Kinds Of Table Schema Changes").
-- `RESET` reloads this connection's schema; the CREATE TABLE below changes the schema cookie,
-- so every other connection reloads it too.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(sql, '''completed'', ''rejected''))', '''completed'', ''rejected'', ''cancelled''))')
 WHERE type = 'table' AND name = 'work_orders';
PRAGMA writable_schema = RESET;

-- Each time a provider declined a work order: what the provider keeps of it once the
-- platform re-dispatches the work order to another provider, and whom it may not go to again.
CREATE TABLE work_order_declines (
    id             INTEGER PRIMARY KEY,
    work_order_id  INTEGER NOT NULL REFERENCES work_orders(id) ON DELETE CASCADE,
    provider_id    INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
    reason         TEXT    NOT NULL,
    declined_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    declined_at    INTEGER NOT NULL
);
CREATE INDEX work_order_declines_work_order ON work_order_declines (work_order_id, provider_id);
-- The declines so far: the work orders declined now, by their provider (the history names who).
INSERT INTO work_order_declines (work_order_id, provider_id, reason, declined_by, declined_at)
    SELECT w.id, w.provider_id, w.decline_reason,
           (SELECT e.actor_id FROM work_order_events e
             WHERE e.work_order_id = w.id AND e.action = 'decline' ORDER BY e.id DESC LIMIT 1),
           COALESCE((SELECT MAX(e.created_at) FROM work_order_events e
                      WHERE e.work_order_id = w.id AND e.action = 'decline'), w.updated_at)
    FROM work_orders w WHERE w.status = 'rejected' AND w.provider_id IS NOT NULL;

-- Whether a work order is on a bill (a cancel checks it), without reading every bill's lines.
CREATE INDEX bill_lines_work_order ON bill_lines (work_order_id);

-- Sales (work_order_months) leave out cancelled work orders, as declined and unpaid ones: the
-- triggers of 0016 again, with 'cancelled' in the statuses not sold (`WorkOrderStatus::sold`).
-- No work order is cancelled yet, so the figures kept so far stand.
DROP TRIGGER work_orders_figures_insert;
DROP TRIGGER work_orders_figures_update;
DROP TRIGGER work_orders_figures_delete;

CREATE TRIGGER work_orders_figures_insert AFTER INSERT ON work_orders BEGIN
    INSERT INTO work_order_counts (provider_id, bucket, n)
        SELECT COALESCE(NEW.provider_id, 0), NEW.status, 1 WHERE true
        ON CONFLICT (provider_id, bucket) DO UPDATE SET n = n + excluded.n;
    INSERT INTO work_order_counts (provider_id, bucket, n)
        SELECT COALESCE(NEW.provider_id, 0), 'stage:' || NEW.status, 1 WHERE NEW.stages_awaiting > 0
        ON CONFLICT (provider_id, bucket) DO UPDATE SET n = n + excluded.n;
    INSERT INTO work_order_months (provider_id, month, currency, orders, total_minor)
        SELECT COALESCE(NEW.provider_id, 0), strftime('%Y-%m', NEW.created_at + 28800, 'unixepoch'),
               NEW.currency, 1, NEW.total_incl_minor
        WHERE NEW.status NOT IN ('awaiting_payment', 'rejected', 'cancelled')
        ON CONFLICT (provider_id, month, currency) DO UPDATE
            SET orders = orders + excluded.orders, total_minor = total_minor + excluded.total_minor;
END;

CREATE TRIGGER work_orders_figures_update
AFTER UPDATE OF provider_id, status, stages_awaiting, currency, total_incl_minor, created_at ON work_orders
BEGIN
    INSERT INTO work_order_counts (provider_id, bucket, n)
        SELECT provider_id, bucket, SUM(delta) FROM (
            SELECT COALESCE(OLD.provider_id, 0) AS provider_id, OLD.status AS bucket, -1 AS delta
            UNION ALL SELECT COALESCE(OLD.provider_id, 0), 'stage:' || OLD.status, -1 WHERE OLD.stages_awaiting > 0
            UNION ALL SELECT COALESCE(NEW.provider_id, 0), NEW.status, 1
            UNION ALL SELECT COALESCE(NEW.provider_id, 0), 'stage:' || NEW.status, 1 WHERE NEW.stages_awaiting > 0
        ) WHERE true GROUP BY provider_id, bucket HAVING SUM(delta) <> 0 ORDER BY provider_id, bucket
        ON CONFLICT (provider_id, bucket) DO UPDATE SET n = n + excluded.n;
    INSERT INTO work_order_months (provider_id, month, currency, orders, total_minor)
        SELECT provider_id, month, currency, SUM(orders), SUM(total) FROM (
            SELECT COALESCE(OLD.provider_id, 0) AS provider_id,
                   strftime('%Y-%m', OLD.created_at + 28800, 'unixepoch') AS month,
                   OLD.currency AS currency, -1 AS orders, -OLD.total_incl_minor AS total
            WHERE OLD.status NOT IN ('awaiting_payment', 'rejected', 'cancelled')
            UNION ALL
            SELECT COALESCE(NEW.provider_id, 0), strftime('%Y-%m', NEW.created_at + 28800, 'unixepoch'),
                   NEW.currency, 1, NEW.total_incl_minor
            WHERE NEW.status NOT IN ('awaiting_payment', 'rejected', 'cancelled')
        ) WHERE true GROUP BY provider_id, month, currency HAVING SUM(orders) <> 0 OR SUM(total) <> 0
          ORDER BY provider_id, month, currency
        ON CONFLICT (provider_id, month, currency) DO UPDATE
            SET orders = orders + excluded.orders, total_minor = total_minor + excluded.total_minor;
END;

CREATE TRIGGER work_orders_figures_delete AFTER DELETE ON work_orders BEGIN
    UPDATE work_order_counts SET n = n - 1
        WHERE provider_id = COALESCE(OLD.provider_id, 0)
          AND (bucket = OLD.status OR (bucket = 'stage:' || OLD.status AND OLD.stages_awaiting > 0));
    UPDATE work_order_months SET orders = orders - 1, total_minor = total_minor - OLD.total_incl_minor
        WHERE provider_id = COALESCE(OLD.provider_id, 0)
          AND month = strftime('%Y-%m', OLD.created_at + 28800, 'unixepoch') AND currency = OLD.currency
          AND OLD.status NOT IN ('awaiting_payment', 'rejected', 'cancelled');
END;
