-- The payer a bill names (付款方 and its contact) is the platform's own setting, no longer a
-- translation (issue #17), and each bill keeps the payer of its generation, as it keeps the
-- payee (0031). Empty until an operator sets it in 平台设置; bills generated before show the
-- setting of the day they are read.
ALTER TABLE platform_settings ADD COLUMN payer_name TEXT NOT NULL DEFAULT '';
ALTER TABLE platform_settings ADD COLUMN payer_contact TEXT NOT NULL DEFAULT '';
ALTER TABLE bills ADD COLUMN payer_name TEXT NOT NULL DEFAULT '';
ALTER TABLE bills ADD COLUMN payer_contact TEXT NOT NULL DEFAULT '';
