-- Tier privileges (§7, 等级权益): platform-managed tiers in rank order with their benefits,
-- each provider's current tier, and the providers' applications for a higher one.

CREATE TABLE tiers (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE,
    rank         INTEGER NOT NULL UNIQUE,              -- 1 is the lowest
    requirement  TEXT    NOT NULL DEFAULT '',          -- what a provider needs to reach it
    created_at   INTEGER NOT NULL
);

CREATE TABLE tier_benefits (
    id           INTEGER PRIMARY KEY,
    tier_id      INTEGER NOT NULL REFERENCES tiers(id) ON DELETE CASCADE,
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    icon         TEXT    NOT NULL DEFAULT 'star',      -- one of the portal's icon names
    created_at   INTEGER NOT NULL
);
CREATE INDEX tier_benefits_tier ON tier_benefits (tier_id, id);

-- NULL: the lowest tier.
ALTER TABLE providers ADD COLUMN tier_id INTEGER REFERENCES tiers(id);

CREATE TABLE tier_applications (
    id               INTEGER PRIMARY KEY,
    provider_id      INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
    tier_id          INTEGER NOT NULL REFERENCES tiers(id),    -- applied for
    from_tier_id     INTEGER REFERENCES tiers(id),             -- held when applying
    reason           TEXT    NOT NULL,
    contact_name     TEXT    NOT NULL,
    contact_phone    TEXT    NOT NULL DEFAULT '',
    contact_email    TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decision_reason  TEXT    NOT NULL DEFAULT '',
    applicant_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    decided_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL,
    decided_at       INTEGER
);
CREATE INDEX tier_applications_provider ON tier_applications (provider_id, created_at DESC);
CREATE INDEX tier_applications_status ON tier_applications (status, created_at);
-- One open application per provider, whatever races.
CREATE UNIQUE INDEX tier_applications_one_open ON tier_applications (provider_id) WHERE status = 'pending';

CREATE TABLE tier_application_files (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL REFERENCES tier_applications(id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    content_type    TEXT    NOT NULL,
    size            INTEGER NOT NULL,
    storage_key     TEXT    NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL
);
CREATE INDEX tier_application_files_application ON tier_application_files (application_id);

-- The marketplace's four tiers, which the platform may rename and extend.
INSERT INTO tiers (name, rank, requirement, created_at) VALUES
    ('注册', 1, '完成入驻审核即可获得', 1546272000),
    ('银牌', 2, '上架至少 3 个服务项，近 12 个月完成 10 个服务工单', 1546272000),
    ('金牌', 3, '近 12 个月完成 50 个服务工单，客户验收通过率不低于 95%', 1546272000),
    ('白金', 4, '近 12 个月完成 200 个服务工单，并通过平台的年度服务能力评估', 1546272000);
INSERT INTO tier_benefits (tier_id, title, description, icon, created_at)
SELECT id, '服务上架', '在云市场发布服务项并接收服务工单', 'store', 1546272000 FROM tiers WHERE rank = 1;
INSERT INTO tier_benefits (tier_id, title, description, icon, created_at)
SELECT id, '月度分账', '按月生成账单并打款', 'money', 1546272000 FROM tiers WHERE rank = 1;
INSERT INTO tier_benefits (tier_id, title, description, icon, created_at)
SELECT id, '银牌标识', '服务项页面展示银牌服务商标识', 'badge', 1546272000 FROM tiers WHERE rank = 2;
INSERT INTO tier_benefits (tier_id, title, description, icon, created_at)
SELECT id, '优先派单', '同类服务中优先分发服务工单', 'bolt', 1546272000 FROM tiers WHERE rank = 2;
INSERT INTO tier_benefits (tier_id, title, description, icon, created_at)
SELECT id, '首页推荐', '服务项进入云市场首页推荐位', 'star', 1546272000 FROM tiers WHERE rank = 3;
INSERT INTO tier_benefits (tier_id, title, description, icon, created_at)
SELECT id, '专属客户经理', '平台指派客户经理协助拓展业务', 'person', 1546272000 FROM tiers WHERE rank = 3;
INSERT INTO tier_benefits (tier_id, title, description, icon, created_at)
SELECT id, '联合营销', '参与平台联合营销活动与市场基金', 'megaphone', 1546272000 FROM tiers WHERE rank = 4;
INSERT INTO tier_benefits (tier_id, title, description, icon, created_at)
SELECT id, '快速结算', '账单确认后 3 个工作日内打款', 'money', 1546272000 FROM tiers WHERE rank = 4;
