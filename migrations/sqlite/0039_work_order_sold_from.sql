-- A work order sold from the published catalogue names what it was sold as: the service item,
-- its approved version then, the SKU and the plan (all NULL for free-text orders). The ids are
-- those of that version's snapshot; the item may change or go later, the version stays.
ALTER TABLE work_orders ADD COLUMN service_item_id INTEGER REFERENCES service_items(id) ON DELETE SET NULL;
ALTER TABLE work_orders ADD COLUMN service_version INTEGER;
ALTER TABLE work_orders ADD COLUMN sku_id INTEGER;
ALTER TABLE work_orders ADD COLUMN plan_id INTEGER;
