-- 后台首页's month figures read only this index (a month of one provider's work orders, their
-- status, currency and total), never the table rows.
CREATE INDEX work_orders_provider_month ON work_orders (provider_id, created_at, status, currency, total_incl_minor);
