-- 验收联系人 of a work order, when the provider has named another than the order's contact
-- (NULL: the order's contact answers the acceptance links).
ALTER TABLE work_orders ADD COLUMN acceptance_contact_name TEXT;
ALTER TABLE work_orders ADD COLUMN acceptance_contact_email TEXT;
