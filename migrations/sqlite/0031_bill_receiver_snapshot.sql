-- A bill prints the payee's company details as they were when it was generated (issue #17):
-- 企业信息 may change later, a bill sent or paid does not. The account number is kept masked
-- (its last four digits), as every page shows it. Bills generated before this keep the
-- details on file now, the closest record there is.
ALTER TABLE bills ADD COLUMN receiver_name TEXT NOT NULL DEFAULT '';
ALTER TABLE bills ADD COLUMN receiver_address TEXT NOT NULL DEFAULT '';
ALTER TABLE bills ADD COLUMN receiver_responsible TEXT NOT NULL DEFAULT '';
ALTER TABLE bills ADD COLUMN receiver_contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE bills ADD COLUMN receiver_contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE bills ADD COLUMN receiver_contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE bills ADD COLUMN receiver_bank_name TEXT NOT NULL DEFAULT '';
ALTER TABLE bills ADD COLUMN receiver_account_name TEXT NOT NULL DEFAULT '';
ALTER TABLE bills ADD COLUMN receiver_account_masked TEXT NOT NULL DEFAULT '';
ALTER TABLE bills ADD COLUMN receiver_invoice_title TEXT NOT NULL DEFAULT '';
ALTER TABLE bills ADD COLUMN receiver_tax_number TEXT NOT NULL DEFAULT '';

UPDATE bills SET
    receiver_name = (SELECT p.name FROM providers p WHERE p.id = bills.provider_id),
    receiver_address = (SELECT p.address FROM providers p WHERE p.id = bills.provider_id),
    receiver_responsible = (SELECT p.responsible_person FROM providers p WHERE p.id = bills.provider_id),
    receiver_contact_name = (SELECT p.contact_name FROM providers p WHERE p.id = bills.provider_id),
    receiver_contact_phone = (SELECT p.contact_phone FROM providers p WHERE p.id = bills.provider_id),
    receiver_contact_email = (SELECT p.contact_email FROM providers p WHERE p.id = bills.provider_id),
    receiver_bank_name = (SELECT p.bank_name FROM providers p WHERE p.id = bills.provider_id),
    receiver_account_name = (SELECT p.bank_account_name FROM providers p WHERE p.id = bills.provider_id),
    receiver_account_masked = (SELECT CASE WHEN p.bank_account_no = '' THEN ''
                                           ELSE '•••• ' || substr(p.bank_account_no, -4) END
                               FROM providers p WHERE p.id = bills.provider_id),
    receiver_invoice_title = (SELECT p.invoice_title FROM providers p WHERE p.id = bills.provider_id),
    receiver_tax_number = (SELECT p.tax_number FROM providers p WHERE p.id = bills.provider_id);
