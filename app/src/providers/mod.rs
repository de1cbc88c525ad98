//! 企业信息 (a provider's own company details) and 平台 › 服务提供商: every provider with search and paging, one provider's page (profile,
//! members, tier, bills, work orders), and 暂停 / 恢复. A suspended provider's members reach
//! none of its data and are told so at sign-in; nothing of it is deleted.

pub mod api;
pub mod company;
pub mod model;
#[cfg(feature = "ssr")]
pub mod notify;
mod pages;
mod platform_pages;
#[cfg(feature = "ssr")]
pub mod store;

use crate::kit::request::Role;
use model::ProviderState;
use serde::{Deserialize, Serialize};

pub use pages::CompanyPage;
pub use platform_pages::{PlatformProviderPage, PlatformProvidersPage};

/// One row of 服务提供商.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderRow {
    pub id: i64,
    pub name: String,
    pub responsible_person: String,
    /// 合作伙伴等级, empty before the platform gives one.
    pub tier: String,
    pub active_members: i64,
    pub state: ProviderState,
    /// 入驻日期, in the viewer's zone.
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderList {
    pub rows: Vec<ProviderRow>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Name changes waiting for the platform, oldest first.
    pub renames: Vec<RenameView>,
}

/// A member as the platform sees them on a provider's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderMember {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The label key of the membership's state (在用, 待激活, 已停用).
    pub state_key: String,
    pub last_login: String,
}

/// One of the provider's latest bills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderBill {
    pub no: String,
    pub period: String,
    pub status_key: String,
}

/// One provider, as 服务提供商 › 详情 shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderDetail {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub responsible_person: String,
    pub tier: String,
    pub state: ProviderState,
    /// When and why it was suspended; empty while it runs.
    pub suspended: String,
    pub suspension_reason: String,
    pub created: String,
    /// 企业信息, the account number masked.
    pub company: company::Company,
    pub members: Vec<ProviderMember>,
    /// Its work orders per status (label key, count), read from the kept counters.
    pub work_orders: Vec<(String, i64)>,
    pub bills: Vec<ProviderBill>,
    /// Its latest name change, waiting or decided.
    pub rename: Option<RenameView>,
}

/// 企业信息 as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyView {
    /// The account number masked.
    pub company: company::Company,
    /// The reader may change it (admin, co-admin).
    pub editable: bool,
    /// The latest name change asked for, waiting or decided.
    pub rename: Option<RenameView>,
}

/// A change of the company's name as the admin asked for it and the platform decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenameView {
    pub id: i64,
    pub provider_id: i64,
    pub old_name: String,
    pub new_name: String,
    pub status: company::RenameStatus,
    /// When it was asked for, and by whom (address).
    pub requested: String,
    pub requested_by: String,
    /// When it was decided, in the viewer's zone; empty while it waits.
    pub decided: String,
    /// Why it was rejected (or the approval's note).
    pub reason: String,
}
