-- 后台首页's 逾期未验收 — the stages awaiting the customer that the deadline watch has flagged
-- overdue — kept like the other figures (migration 0016) instead of counted on every request,
-- which read each such stage (56,000 of them at the benchmark's million work orders). A work
-- order holds how many of its stages are so; the provider's counter row 'overdue:stages'
-- their sum. The ':' keeps the row apart from the status buckets.
ALTER TABLE work_orders ADD COLUMN stages_overdue INTEGER NOT NULL DEFAULT 0;
UPDATE work_orders SET stages_overdue = (
    SELECT COUNT(*) FROM milestones m
    WHERE m.work_order_id = work_orders.id AND m.status = 'awaiting_acceptance'
      AND m.overdue_flagged_at IS NOT NULL)
WHERE id IN (SELECT work_order_id FROM milestones
             WHERE status = 'awaiting_acceptance' AND overdue_flagged_at IS NOT NULL);
INSERT INTO work_order_counts (provider_id, bucket, n)
    SELECT COALESCE(provider_id, 0), 'overdue:stages', SUM(stages_overdue) FROM work_orders
    WHERE stages_overdue > 0 GROUP BY COALESCE(provider_id, 0);

CREATE TRIGGER work_orders_overdue_insert AFTER INSERT ON work_orders
WHEN NEW.stages_overdue > 0 BEGIN
    INSERT INTO work_order_counts (provider_id, bucket, n)
        VALUES (COALESCE(NEW.provider_id, 0), 'overdue:stages', NEW.stages_overdue)
        ON CONFLICT (provider_id, bucket) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER work_orders_overdue_update AFTER UPDATE OF provider_id, stages_overdue ON work_orders
WHEN OLD.provider_id IS NOT NEW.provider_id OR OLD.stages_overdue <> NEW.stages_overdue BEGIN
    UPDATE work_order_counts SET n = n - OLD.stages_overdue
        WHERE provider_id = COALESCE(OLD.provider_id, 0) AND bucket = 'overdue:stages'
          AND OLD.stages_overdue > 0;
    INSERT INTO work_order_counts (provider_id, bucket, n)
        SELECT COALESCE(NEW.provider_id, 0), 'overdue:stages', NEW.stages_overdue
        WHERE NEW.stages_overdue > 0
        ON CONFLICT (provider_id, bucket) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER work_orders_overdue_delete AFTER DELETE ON work_orders
WHEN OLD.stages_overdue > 0 BEGIN
    UPDATE work_order_counts SET n = n - OLD.stages_overdue
        WHERE provider_id = COALESCE(OLD.provider_id, 0) AND bucket = 'overdue:stages';
END;

-- A stage entering or leaving "awaiting and flagged" moves its work order's count.
CREATE TRIGGER milestones_overdue_insert AFTER INSERT ON milestones
WHEN NEW.status = 'awaiting_acceptance' AND NEW.overdue_flagged_at IS NOT NULL BEGIN
    UPDATE work_orders SET stages_overdue = stages_overdue + 1 WHERE id = NEW.work_order_id;
END;

CREATE TRIGGER milestones_overdue_update
AFTER UPDATE OF status, overdue_flagged_at, work_order_id ON milestones
WHEN (OLD.status = 'awaiting_acceptance' AND OLD.overdue_flagged_at IS NOT NULL)
     <> (NEW.status = 'awaiting_acceptance' AND NEW.overdue_flagged_at IS NOT NULL)
  OR (OLD.work_order_id <> NEW.work_order_id
      AND NEW.status = 'awaiting_acceptance' AND NEW.overdue_flagged_at IS NOT NULL) BEGIN
    UPDATE work_orders SET stages_overdue = stages_overdue - 1
        WHERE id = OLD.work_order_id
          AND OLD.status = 'awaiting_acceptance' AND OLD.overdue_flagged_at IS NOT NULL;
    UPDATE work_orders SET stages_overdue = stages_overdue + 1
        WHERE id = NEW.work_order_id
          AND NEW.status = 'awaiting_acceptance' AND NEW.overdue_flagged_at IS NOT NULL;
END;

CREATE TRIGGER milestones_overdue_delete AFTER DELETE ON milestones
WHEN OLD.status = 'awaiting_acceptance' AND OLD.overdue_flagged_at IS NOT NULL BEGIN
    UPDATE work_orders SET stages_overdue = stages_overdue - 1 WHERE id = OLD.work_order_id;
END;
