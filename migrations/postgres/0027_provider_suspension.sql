-- 平台 › 服务提供商 › 暂停: when the platform suspended a provider (NULL: it runs) and why. Its
-- members then reach none of its data and are told so at sign-in; nothing is deleted, so
-- 恢复 gives everything back as it was.
ALTER TABLE providers ADD COLUMN suspended_at BIGINT;
ALTER TABLE providers ADD COLUMN suspension_reason TEXT NOT NULL DEFAULT '';
