-- 平台 › 运营人员 › 停用: when an operator's access was taken away (NULL: they have it). The
-- account, its role and its history stay, so 恢复 gives the access back.
ALTER TABLE users ADD COLUMN operator_disabled_at INTEGER;
