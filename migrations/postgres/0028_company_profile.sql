-- 企业信息: what a provider's admin and co-admins keep about the company besides its name
-- and address — a contact, the bank account payouts go to, and the invoice details.
ALTER TABLE providers ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN bank_name TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN bank_account_name TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN bank_account_no TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN invoice_title TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN tax_number TEXT NOT NULL DEFAULT '';
