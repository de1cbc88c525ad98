//! Tier privileges (§7, 等级权益): the platform's tiers with their benefits, the provider's
//! current tier (lit) and the next (greyed), applications for a higher tier (立即申请) and the
//! platform's decision on them.

mod pages;
mod platform;
#[cfg(feature = "ssr")]
pub mod queries;

pub use pages::TiersPage;
pub use platform::{PlatformTierApplicationPage, PlatformTiersPage};

use crate::kit::code::Code;
use crate::kit::error::AppError;
use serde::{Deserialize, Serialize};

pub const MAX_FILES: usize = 5;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
pub const UPLOAD_LIMIT: usize = MAX_FILES * MAX_FILE_BYTES + 64 * 1024;

/// The icons a benefit may show (the platform picks one).
pub const ICONS: &[(&str, &str)] = &[
    ("star", "★"),
    ("store", "▦"),
    ("money", "¥"),
    ("badge", "◆"),
    ("bolt", "⚡"),
    ("person", "☺"),
    ("megaphone", "✉"),
];

pub fn icon(name: &str) -> &'static str {
    ICONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, glyph)| *glyph)
        .unwrap_or("★")
}

/// 待审核, 已通过, 已拒绝.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplicationStatus {
    Pending,
    Approved,
    Rejected,
}

impl Code for ApplicationStatus {
    const LABELS: Option<&'static str> = Some("tier.app");
}

/// Whether a provider at rank `current` may apply for the tier at rank `target`: only
/// upwards, and only with no application open.
pub fn may_apply(current: i64, target: i64, open: bool) -> Result<(), &'static str> {
    if open {
        Err("tier.error.open")
    } else if target <= current {
        Err("tier.error.not_higher")
    } else {
        Ok(())
    }
}

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
    pub applications: Vec<ApplicationView>,
    /// The applicant's name, phone and email, to prefill the form.
    pub contact: (String, String, String),
}

#[leptos::server(endpoint = "tiers")]
pub async fn get_tiers() -> Result<TiersData, AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (auth, scope) = provider_scope()?;
        queries::provider_page(&db()?, &scope, &auth).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_higher_tiers_and_one_open_application() {
        assert_eq!(may_apply(1, 2, false), Ok(()));
        assert_eq!(may_apply(1, 4, false), Ok(()));
        assert_eq!(may_apply(2, 2, false), Err("tier.error.not_higher"));
        assert_eq!(may_apply(3, 1, false), Err("tier.error.not_higher"));
        assert_eq!(may_apply(1, 2, true), Err("tier.error.open"));
        for s in ApplicationStatus::all() {
            assert_eq!(ApplicationStatus::from_db(s.as_db()), Some(s));
        }
    }

    /// The stored codes must never change with a renamed variant.
    #[test]
    fn application_statuses_keep_their_codes_and_labels() {
        use crate::kit::code::{codes, missing_labels};
        assert_eq!(
            codes::<ApplicationStatus>(),
            ["pending", "approved", "rejected"]
        );
        assert_eq!(ApplicationStatus::Pending.label_key(), "tier.app.pending");
        let missing = missing_labels::<ApplicationStatus>();
        assert!(missing.is_empty(), "{missing:?}");
    }
}
