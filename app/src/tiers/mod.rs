//! Tier privileges (§7, 等级权益): the platform's tiers with their benefits, the provider's
//! current tier (lit) and the next (greyed), applications for a higher tier (立即申请) and the
//! platform's decision on them.

pub mod api;
#[cfg(feature = "ssr")]
pub mod http;
pub mod model;
#[cfg(feature = "ssr")]
mod notify;
mod pages;
mod platform_pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use model::{
    icon, may_apply, ApplicationInput, ApplicationStatus, ICONS, MAX_FILES, MAX_FILE_BYTES,
    UPLOAD_LIMIT,
};
pub use pages::TiersPage;
pub use platform_pages::{PlatformTierApplicationPage, PlatformTiersPage};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenefitView {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub icon: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierView {
    pub id: i64,
    pub name: String,
    pub rank: i64,
    pub requirement: String,
    pub benefits: Vec<BenefitView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileView {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationView {
    pub id: i64,
    pub provider: String,
    pub tier: String,
    pub from_tier: String,
    pub reason: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub status: ApplicationStatus,
    pub decision_reason: String,
    pub applicant: String,
    pub created: String,
    pub decided: String,
    pub files: Vec<FileView>,
}

/// The provider's 等级权益 page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TiersData {
    pub tiers: Vec<TierView>,
    pub current_rank: i64,
    pub may_apply: bool,
    pub open_application: bool,
    /// A page of the provider's applications, newest first.
    pub applications: Vec<ApplicationView>,
    pub page: i64,
    pub pages: i64,
    pub per_page: i64,
    pub count: i64,
    /// The applicant's name, phone and email, to prefill the form.
    pub contact: (String, String, String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformTiersData {
    /// A page of the applications under the status asked for.
    pub applications: Vec<ApplicationView>,
    pub page: i64,
    pub pages: i64,
    pub per_page: i64,
    pub count: i64,
    pub tiers: Vec<TierView>,
}
