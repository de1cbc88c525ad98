//! 后台首页: what needs the provider's attention now, each a link to the list it counts, the
//! month's headline figures with the six months before as a small chart, and recent activity.
pub mod api;
pub mod model;
mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::get_home;
pub use pages::HomePage;

use crate::kit::audit::ActivityView;
use serde::{Deserialize, Serialize};

/// One thing waiting for the provider: a translation key, how many, and the filtered list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attention {
    pub key: String,
    pub count: i64,
    pub href: String,
}

/// A month of sales: work orders sold (paid, not declined) and their amounts per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthFigures {
    /// 2019-12
    pub month: String,
    pub orders: i64,
    pub sales: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeData {
    pub user_name: String,
    pub provider_name: String,
    pub role_key: String,
    pub active_members: i64,
    pub attention: Vec<Attention>,
    /// The chosen month (the current one unless asked) and the five before it, oldest first.
    pub months: Vec<MonthFigures>,
    pub activity: Vec<ActivityView>,
}
