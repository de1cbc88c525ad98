-- 订单录入与分发 at scale: the platform's list of every provider's work orders pages through
-- an index in each of its orders (newest first, per status, by total), as a provider's list
-- does through its own; not dispatched yet is provider_id IS NULL in the provider indexes.
CREATE INDEX work_orders_created ON work_orders (created_at DESC, id DESC);
CREATE INDEX work_orders_status_created ON work_orders (status, created_at DESC, id DESC);
CREATE INDEX work_orders_total ON work_orders (total_incl_minor, id);
