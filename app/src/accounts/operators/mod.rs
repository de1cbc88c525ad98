//! The platform's operators: 平台 › 运营人员 lists them, invites one by address (a one-time
//! activation link, mailed), disables and reinstates them; the platform always keeps one
//! active operator. `server operator add <email>` on the command line is how a real
//! installation (no `--demo`) gets its first.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod notify;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use model::OperatorState;
use serde::{Deserialize, Serialize};

pub use pages::PlatformOperatorsPage;
#[cfg(feature = "ssr")]
pub use store::{add, OperatorAdded, OperatorRefused};

/// One row of 运营人员, its times in the viewer's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorView {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub state: OperatorState,
    /// 最近登录, empty before the first sign-in.
    pub last_login: String,
    /// The viewer themselves, who is never offered 停用 (another operator does that).
    pub is_self: bool,
}

/// A page of 运营人员 and where it sits in the whole list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorList {
    pub rows: Vec<OperatorView>,
    /// How many operators match, on every page.
    pub count: i64,
    pub page: i64,
    pub pages: i64,
    pub per_page: i64,
}
