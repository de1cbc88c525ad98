-- The figures 服务工单 and 后台首页 show for a provider — work orders per status, work orders with
-- a stage awaiting the customer, and each month's sales — kept by triggers in the same
-- transaction as every change of the rows they count. Reading one costs an indexed row,
-- however many work orders there are; a count never disagrees with the list it opens.

-- How many of the work order's stages await the customer's acceptance (待验收).
ALTER TABLE work_orders ADD COLUMN stages_awaiting BIGINT NOT NULL DEFAULT 0;
UPDATE work_orders SET stages_awaiting = (
    SELECT COUNT(*) FROM milestones m
    WHERE m.work_order_id = work_orders.id AND m.status = 'awaiting_acceptance');
-- 后台首页's link and the list's filter: the few work orders with a stage to accept.
CREATE INDEX work_orders_provider_stages ON work_orders (provider_id, created_at DESC, id DESC)
    WHERE stages_awaiting > 0;

CREATE TABLE work_order_counts (
    provider_id BIGINT NOT NULL,  -- 0: not dispatched yet
    bucket      TEXT   NOT NULL,  -- a work-order status; 'stage:' and the status: those with a stage 待验收
    n           BIGINT NOT NULL,
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
    provider_id BIGINT NOT NULL,  -- 0: not dispatched yet
    month       TEXT   NOT NULL,  -- 2019-12
    currency    TEXT   NOT NULL,
    orders      BIGINT NOT NULL,
    total_minor BIGINT NOT NULL,
    PRIMARY KEY (provider_id, month, currency)
);

-- The month (UTC+8) of a creation time in Unix seconds, as SQLite's side computes it.
CREATE FUNCTION work_order_month(created_at BIGINT) RETURNS TEXT
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT to_char(to_timestamp(created_at + 28800) AT TIME ZONE 'UTC', 'YYYY-MM') $$;

INSERT INTO work_order_months (provider_id, month, currency, orders, total_minor)
    SELECT COALESCE(provider_id, 0), work_order_month(created_at), currency,
           COUNT(*), SUM(total_incl_minor)
    FROM work_orders WHERE status NOT IN ('awaiting_payment', 'rejected')
    GROUP BY COALESCE(provider_id, 0), work_order_month(created_at), currency;

-- A row's share of the figures leaves with its old values and comes with its new ones; a
-- change that moves nothing writes nothing. One transaction may call this several times (a
-- stage accepted, then the work order's status), touching a provider's counter rows in an
-- order another transaction reverses: so each call first takes the provider's transaction
-- lock (both providers', lower first, when a work order changes hands), and writers of one
-- provider's figures queue there instead of deadlocking on the rows.
CREATE FUNCTION work_orders_figures() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_provider BIGINT := CASE WHEN TG_OP <> 'INSERT' THEN COALESCE(OLD.provider_id, 0) END;
    new_provider BIGINT := CASE WHEN TG_OP <> 'DELETE' THEN COALESCE(NEW.provider_id, 0) END;
BEGIN
    -- A change that moves no figure (a second stage accepted, a status set to itself) takes
    -- no lock and writes nothing.
    IF TG_OP = 'UPDATE'
       AND OLD.provider_id IS NOT DISTINCT FROM NEW.provider_id AND OLD.status = NEW.status
       AND (OLD.stages_awaiting > 0) = (NEW.stages_awaiting > 0) AND OLD.currency = NEW.currency
       AND OLD.total_incl_minor = NEW.total_incl_minor AND OLD.created_at = NEW.created_at THEN
        RETURN NULL;
    END IF;
    -- 16016: this lock's class, apart from any other advisory lock; ids beyond 32 bits share
    -- a lock with another provider's (more waiting, never a wrong figure).
    PERFORM pg_advisory_xact_lock(16016, CAST(p % 2147483647 AS INTEGER))
    FROM (SELECT DISTINCT p FROM unnest(ARRAY[old_provider, new_provider]) AS p
          WHERE p IS NOT NULL ORDER BY p) providers;
    INSERT INTO work_order_counts (provider_id, bucket, n)
        SELECT provider_id, bucket, SUM(delta) FROM (
            SELECT COALESCE(OLD.provider_id, 0) AS provider_id, OLD.status AS bucket, -1 AS delta
                WHERE TG_OP <> 'INSERT'
            UNION ALL SELECT COALESCE(OLD.provider_id, 0), 'stage:' || OLD.status, -1
                WHERE TG_OP <> 'INSERT' AND OLD.stages_awaiting > 0
            UNION ALL SELECT COALESCE(NEW.provider_id, 0), NEW.status, 1
                WHERE TG_OP <> 'DELETE'
            UNION ALL SELECT COALESCE(NEW.provider_id, 0), 'stage:' || NEW.status, 1
                WHERE TG_OP <> 'DELETE' AND NEW.stages_awaiting > 0
        ) moves GROUP BY provider_id, bucket HAVING SUM(delta) <> 0 ORDER BY provider_id, bucket
        ON CONFLICT (provider_id, bucket) DO UPDATE SET n = work_order_counts.n + EXCLUDED.n;
    INSERT INTO work_order_months (provider_id, month, currency, orders, total_minor)
        SELECT provider_id, month, currency, SUM(orders), SUM(total) FROM (
            SELECT COALESCE(OLD.provider_id, 0) AS provider_id, work_order_month(OLD.created_at) AS month,
                   OLD.currency AS currency, -1 AS orders, -OLD.total_incl_minor AS total
                WHERE TG_OP <> 'INSERT' AND OLD.status NOT IN ('awaiting_payment', 'rejected')
            UNION ALL
            SELECT COALESCE(NEW.provider_id, 0), work_order_month(NEW.created_at), NEW.currency, 1,
                   NEW.total_incl_minor
                WHERE TG_OP <> 'DELETE' AND NEW.status NOT IN ('awaiting_payment', 'rejected')
        ) moves GROUP BY provider_id, month, currency HAVING SUM(orders) <> 0 OR SUM(total) <> 0
          ORDER BY provider_id, month, currency
        ON CONFLICT (provider_id, month, currency) DO UPDATE
            SET orders = work_order_months.orders + EXCLUDED.orders,
                total_minor = work_order_months.total_minor + EXCLUDED.total_minor;
    RETURN NULL;
END $$;

CREATE TRIGGER work_orders_figures
AFTER INSERT OR DELETE
   OR UPDATE OF provider_id, status, stages_awaiting, currency, total_incl_minor, created_at
ON work_orders FOR EACH ROW EXECUTE FUNCTION work_orders_figures();

-- A stage entering or leaving 待验收 moves its work order's count (and so the figures above).
CREATE FUNCTION milestones_awaiting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'awaiting_acceptance' THEN
        UPDATE work_orders SET stages_awaiting = stages_awaiting - 1 WHERE id = OLD.work_order_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'awaiting_acceptance' THEN
        UPDATE work_orders SET stages_awaiting = stages_awaiting + 1 WHERE id = NEW.work_order_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER milestones_awaiting_insert AFTER INSERT ON milestones FOR EACH ROW
    WHEN (NEW.status = 'awaiting_acceptance') EXECUTE FUNCTION milestones_awaiting();
CREATE TRIGGER milestones_awaiting_update AFTER UPDATE OF status, work_order_id ON milestones FOR EACH ROW
    WHEN ((OLD.status = 'awaiting_acceptance') <> (NEW.status = 'awaiting_acceptance')
          OR (OLD.work_order_id <> NEW.work_order_id AND NEW.status = 'awaiting_acceptance'))
    EXECUTE FUNCTION milestones_awaiting();
CREATE TRIGGER milestones_awaiting_delete AFTER DELETE ON milestones FOR EACH ROW
    WHEN (OLD.status = 'awaiting_acceptance') EXECUTE FUNCTION milestones_awaiting();
