//! The platform realm (/platform): the marketplace operator's side. Its home lists the
//! providers and the stages overdue for acceptance; 平台设置 holds the platform's own
//! settings (自动验收); the review queues arrive with the modules that feed them.

pub mod api;
pub mod model;
mod platform_pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use platform_pages::{MailLogPage, PlatformHomePage, PlatformSettingsPage};
/// The auto-acceptance period of 平台设置, for the orders area's deadline watch and mails.
#[cfg(feature = "ssr")]
pub use store::auto_accept_days;
/// The providers by name, for other areas' pickers (dispatch, bill generation, the audit log).
#[cfg(feature = "ssr")]
pub use store::{dispatch_choices, provider_choices};

use serde::{Deserialize, Serialize};

/// A stage whose customer did not answer in time (flagged by the deadline watch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueStage {
    pub provider_name: String,
    pub work_order_no: String,
    /// The stage, for 代客户验收.
    pub milestone_id: i64,
    pub position: i64,
    pub due: String,
    pub contact: String,
}

/// A page of the overdue stages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverduePage {
    pub rows: Vec<OverdueStage>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// One mail of the outbox, as the mail log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailRow {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub created: String,
    pub sent: Option<String>,
    /// Given up: refused for good by the SMTP server.
    pub failed: Option<String>,
    pub attempts: i64,
    pub last_error: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailPage {
    pub rows: Vec<MailRow>,
    pub next: Option<i64>,
    /// No SMTP: mails stay here whole, links included (development).
    pub development: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderRow {
    pub id: i64,
    pub name: String,
    pub active_members: i64,
    pub created: String,
}

/// 平台设置: the platform's own settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformSettings {
    /// 自动验收: days of customer silence after which a stage is accepted (`None`: off).
    pub auto_accept_days: Option<i64>,
    /// 付款方: who pays providers, as bills name it, and its contact (empty until set).
    pub payer_name: String,
    pub payer_contact: String,
}
