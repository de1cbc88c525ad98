//! 用户管理 (§5): the provider's team. List and search, invitations (§5.1.3), 禁用/启用,
//! editing, 转移管理员 (§5.1.4); and the audit log (操作日志) and session pages beside it.
//! Every action checks the caller's role on the server (domain.md's roles table).

pub mod api;
#[cfg(feature = "ssr")]
pub mod http;
pub mod model;
#[cfg(feature = "ssr")]
pub mod notify;
pub mod pages;
mod platform_pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use model::{action_label, MemberState};
pub use pages::{AuditLogPage, SessionsPage};
pub use platform_pages::PlatformAuditLogPage;
#[cfg(feature = "ssr")]
pub use store::search_hits;

use crate::kit::request::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub phone: String,
    /// 负责人: who invited them (the manual shows the admin's address).
    pub inviter: String,
    pub state: MemberState,
    /// 激活 ✔/✘: the account has a password (activated at least once).
    pub activated: bool,
    /// An invitation whose links have all expired.
    pub invitation_expired: bool,
    pub created: String,
    pub last_login: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberPage {
    pub rows: Vec<MemberRow>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// The caller's role and id, so that the page offers only what the server allows.
    pub my_role: Role,
    pub me: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: String,
    pub provider: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// Cursors (`kit::paging::Cursor`) of the pages around this one: entries newer than its
    /// first row, older than its last; `None` where there are none.
    pub newer: Option<String>,
    pub older: Option<String>,
    /// Who and what can be filtered by: (user id, label) and the actions on record.
    pub people: Vec<(i64, String)>,
    pub actions: Vec<String>,
    pub providers: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id_prefix: String,
    pub device: String,
    pub ip: String,
    pub started: String,
    pub last_seen: String,
    pub current: bool,
}
