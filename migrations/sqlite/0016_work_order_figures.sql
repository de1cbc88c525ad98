-- The figures 服务工单 and 后台首页 show for a provider — work orders per status, work orders with
-- a stage awaiting the customer, and each month's sales — kept by triggers in the same
-- transaction as every change of the rows they count. Reading one costs an indexed row,
-- however many work orders there are; a count never disagrees with the list it opens.

-- How many of the work order's stages await the customer's acceptance (待验收).
ALTER TABLE work_orders ADD COLUMN stages_awaiting INTEGER NOT NULL DEFAULT 0;
UPDATE work_orders SET stages_awaiting = (
    SELECT COUNT(*) FROM milestones m
    WHERE m.work_order_id = work_orders.id AND m.status = 'awaiting_acceptance');
-- 后台首页's link and the list's filter: the few work orders with a stage to accept.
CREATE INDEX work_orders_provider_stages ON work_orders (provider_id, created_at DESC, id DESC)
    WHERE stages_awaiting > 0;

CREATE TABLE work_order_counts (
    provider_id INTEGER NOT NULL,  -- 0: not dispatched yet
    bucket      TEXT    NOT NULL,  -- a work-order status; 'stage:' and the status: those with a stage 待验收
    n           INTEGER NOT NULL,
    PRIMARY KEY (provider_id, bucket)
);
INSERT INTO work_order_counts (provider_id, bucket, n)
    SELECT COALESCE(provider_id, 0), status, COUNT(*) FROM work_orders
    GROUP BY COALESCE(provider_id, 0), status;
INSERT INTO work_order_counts (provider_id, bucket, n)
    SELECT COALESCE(provider_id, 0), 'stage:' || status, COUNT(*) FROM work_orders
    WHERE stages_awaiting > 0 GROUP BY COALESCE(provider_id, 0), status;

-- Work orders sold (paid: neither 待付款 nor declined) per month of creation in UTC+8, per
-- currency, with their total.
CREATE TABLE work_order_months (
    provider_id INTEGER NOT NULL,  -- 0: not dispatched yet
    month       TEXT    NOT NULL,  -- 2019-12
    currency    TEXT    NOT NULL,
    orders      INTEGER NOT NULL,
    total_minor INTEGER NOT NULL,
    PRIMARY KEY (provider_id, month, currency)
);
INSERT INTO work_order_months (provider_id, month, currency, orders, total_minor)
    SELECT COALESCE(provider_id, 0), strftime('%Y-%m', created_at + 28800, 'unixepoch'), currency,
           COUNT(*), SUM(total_incl_minor)
    FROM work_orders WHERE status NOT IN ('awaiting_payment', 'rejected')
    GROUP BY COALESCE(provider_id, 0), strftime('%Y-%m', created_at + 28800, 'unixepoch'), currency;

-- A row's share of the figures leaves with its old values and comes with its new ones; a
-- change that moves nothing writes nothing. Rows are touched in key order (PostgreSQL's side
-- does the same), so two transactions moving work orders in opposite directions cannot
-- deadlock on them.
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
        WHERE NEW.status NOT IN ('awaiting_payment', 'rejected')
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
            WHERE OLD.status NOT IN ('awaiting_payment', 'rejected')
            UNION ALL
            SELECT COALESCE(NEW.provider_id, 0), strftime('%Y-%m', NEW.created_at + 28800, 'unixepoch'),
                   NEW.currency, 1, NEW.total_incl_minor
            WHERE NEW.status NOT IN ('awaiting_payment', 'rejected')
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
          AND OLD.status NOT IN ('awaiting_payment', 'rejected');
END;

-- A stage entering or leaving 待验收 moves its work order's count (and so the figures above).
CREATE TRIGGER milestones_awaiting_insert AFTER INSERT ON milestones
WHEN NEW.status = 'awaiting_acceptance' BEGIN
    UPDATE work_orders SET stages_awaiting = stages_awaiting + 1 WHERE id = NEW.work_order_id;
END;

CREATE TRIGGER milestones_awaiting_update AFTER UPDATE OF status, work_order_id ON milestones
WHEN (OLD.status = 'awaiting_acceptance') <> (NEW.status = 'awaiting_acceptance')
  OR (OLD.work_order_id <> NEW.work_order_id AND NEW.status = 'awaiting_acceptance') BEGIN
    UPDATE work_orders SET stages_awaiting = stages_awaiting - 1
        WHERE id = OLD.work_order_id AND OLD.status = 'awaiting_acceptance';
    UPDATE work_orders SET stages_awaiting = stages_awaiting + 1
        WHERE id = NEW.work_order_id AND NEW.status = 'awaiting_acceptance';
END;

CREATE TRIGGER milestones_awaiting_delete AFTER DELETE ON milestones
WHEN OLD.status = 'awaiting_acceptance' BEGIN
    UPDATE work_orders SET stages_awaiting = stages_awaiting - 1 WHERE id = OLD.work_order_id;
END;
