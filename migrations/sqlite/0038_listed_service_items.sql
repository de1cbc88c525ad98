-- The marketplace's catalogue API pages through the listed service items in id order; this
-- index holds just those, so a page reads its rows and not every draft and delisted item.
CREATE INDEX service_items_listed ON service_items (id) WHERE status IN ('approved', 'delist_requested');
