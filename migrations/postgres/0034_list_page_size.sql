-- The page size a user chose last for a list (15, 30, 50 or 100), remembered per user rather
-- than per browser (issue #17): every list opens in it, on any device. NULL until they choose.
ALTER TABLE users ADD COLUMN list_page_size BIGINT CHECK (list_page_size IN (15, 30, 50, 100));
