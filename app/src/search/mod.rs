//! 基础搜索 (§2.5): one box in the top bar that finds the current provider's work orders,
//! orders, service items, bills, members and tickets by number, name or text — or, for an
//! operator, across providers — grouped by kind, each hit a link to its page.
pub mod api;
pub mod model;
mod pages;
mod platform_pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use crate::kit::search::Hit;
pub use api::{platform_search, search};
pub use model::Kind;
pub use pages::SearchPage;
pub use platform_pages::PlatformSearchPage;

use serde::{Deserialize, Serialize};

/// The hits of one kind, newest first; whether more were found than shown, and the list that
/// shows them all, where there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub kind: Kind,
    pub hits: Vec<Hit>,
    pub more: bool,
    pub more_href: Option<String>,
}

/// What a search found: the keyword as searched (blank: nothing was asked) and the kinds with
/// hits, in the order of `Kind::all`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Results {
    pub keyword: String,
    pub groups: Vec<Group>,
}
