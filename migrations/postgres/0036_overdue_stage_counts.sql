-- 后台首页's 逾期未验收 — the stages awaiting the customer that the deadline watch has flagged
-- overdue — kept like the other figures (migration 0016) instead of counted on every request,
-- which read each such stage (56,000 of them at the benchmark's million work orders). A work
-- order holds how many of its stages are so; the provider's counter row 'overdue:stages'
-- their sum. The ':' keeps the row apart from the status buckets.
ALTER TABLE work_orders ADD COLUMN stages_overdue BIGINT NOT NULL DEFAULT 0;
UPDATE work_orders w SET stages_overdue = s.n
FROM (SELECT work_order_id, COUNT(*) AS n FROM milestones
      WHERE status = 'awaiting_acceptance' AND overdue_flagged_at IS NOT NULL
      GROUP BY work_order_id) s
WHERE s.work_order_id = w.id;
INSERT INTO work_order_counts (provider_id, bucket, n)
    SELECT COALESCE(provider_id, 0), 'overdue:stages', SUM(stages_overdue) FROM work_orders
    WHERE stages_overdue > 0 GROUP BY COALESCE(provider_id, 0);

-- The provider's counter row follows its work orders' counts. Like work_orders_figures, it
-- first takes the providers' transaction locks (lower first), so writers queue, not deadlock.
CREATE FUNCTION work_orders_overdue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_provider BIGINT := CASE WHEN TG_OP <> 'INSERT' THEN COALESCE(OLD.provider_id, 0) END;
    new_provider BIGINT := CASE WHEN TG_OP <> 'DELETE' THEN COALESCE(NEW.provider_id, 0) END;
    old_n BIGINT := CASE WHEN TG_OP <> 'INSERT' THEN OLD.stages_overdue ELSE 0 END;
    new_n BIGINT := CASE WHEN TG_OP <> 'DELETE' THEN NEW.stages_overdue ELSE 0 END;
BEGIN
    -- Nothing overdue before or after (most inserts, deletes and re-dispatches), or nothing
    -- moved: no lock, no write.
    IF (old_n = 0 AND new_n = 0)
       OR (old_provider IS NOT DISTINCT FROM new_provider AND old_n = new_n) THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(16016, CAST(p % 2147483647 AS INTEGER))
    FROM (SELECT DISTINCT p FROM unnest(ARRAY[old_provider, new_provider]) AS p
          WHERE p IS NOT NULL ORDER BY p) providers;
    INSERT INTO work_order_counts (provider_id, bucket, n)
        SELECT provider_id, 'overdue:stages', SUM(delta) FROM (
            SELECT old_provider AS provider_id, -old_n AS delta WHERE old_n > 0
            UNION ALL SELECT new_provider, new_n WHERE new_n > 0
        ) moves GROUP BY provider_id HAVING SUM(delta) <> 0 ORDER BY provider_id
        ON CONFLICT (provider_id, bucket) DO UPDATE SET n = work_order_counts.n + EXCLUDED.n;
    RETURN NULL;
END $$;

CREATE TRIGGER work_orders_overdue
AFTER INSERT OR DELETE OR UPDATE OF provider_id, stages_overdue
ON work_orders FOR EACH ROW EXECUTE FUNCTION work_orders_overdue();

-- A stage entering or leaving "awaiting and flagged" moves its work order's count.
CREATE FUNCTION milestones_overdue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'awaiting_acceptance'
       AND OLD.overdue_flagged_at IS NOT NULL THEN
        UPDATE work_orders SET stages_overdue = stages_overdue - 1 WHERE id = OLD.work_order_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'awaiting_acceptance'
       AND NEW.overdue_flagged_at IS NOT NULL THEN
        UPDATE work_orders SET stages_overdue = stages_overdue + 1 WHERE id = NEW.work_order_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER milestones_overdue_insert AFTER INSERT ON milestones FOR EACH ROW
    WHEN (NEW.status = 'awaiting_acceptance' AND NEW.overdue_flagged_at IS NOT NULL)
    EXECUTE FUNCTION milestones_overdue();
CREATE TRIGGER milestones_overdue_update
AFTER UPDATE OF status, overdue_flagged_at, work_order_id ON milestones FOR EACH ROW
    WHEN ((OLD.status = 'awaiting_acceptance' AND OLD.overdue_flagged_at IS NOT NULL)
          <> (NEW.status = 'awaiting_acceptance' AND NEW.overdue_flagged_at IS NOT NULL)
          OR (OLD.work_order_id <> NEW.work_order_id
              AND NEW.status = 'awaiting_acceptance' AND NEW.overdue_flagged_at IS NOT NULL))
    EXECUTE FUNCTION milestones_overdue();
CREATE TRIGGER milestones_overdue_delete AFTER DELETE ON milestones FOR EACH ROW
    WHEN (OLD.status = 'awaiting_acceptance' AND OLD.overdue_flagged_at IS NOT NULL)
    EXECUTE FUNCTION milestones_overdue();
