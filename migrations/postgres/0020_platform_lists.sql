-- The platform's lists at scale. 订单录入与分发 pages every provider's work orders through an
-- index in each of its orders (newest first, per status, by total), as a provider's list does
-- through its own; not dispatched yet is provider_id IS NULL in the provider indexes.
CREATE INDEX work_orders_created ON work_orders (created_at DESC, id DESC);
CREATE INDEX work_orders_status_created ON work_orders (status, created_at DESC, id DESC);
CREATE INDEX work_orders_total ON work_orders (total_incl_minor, id);
-- 平台首页's overdue stages: only the flagged ones, in the order shown (the status index
-- walked every stage awaiting acceptance to find them).
CREATE INDEX milestones_overdue ON milestones (due_at)
    WHERE status = 'awaiting_acceptance' AND overdue_flagged_at IS NOT NULL;
