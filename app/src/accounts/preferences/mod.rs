//! 偏好设置: the signed-in user's own settings; today the time zone they read times in.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

pub use api::SetTimeZone;
pub use pages::PreferencesPage;

/// What the page shows: the chosen zone, its clock now, and the zones to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    pub time_zone: String,
    /// Now, in the chosen zone, the zone named.
    pub now: String,
    pub zones: Vec<ZoneChoice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneChoice {
    /// The IANA name, the value stored.
    pub name: String,
    /// The locale key of its places.
    pub label_key: String,
    /// Its offset from UTC now (`UTC+08:00`).
    pub offset: String,
}
