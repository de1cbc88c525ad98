//! Services (§4, 服务管理 › 服务项): the provider's service items with their rich-text
//! description, attachments, SKUs and plans; every saved change is a version; 提交审核 sends
//! one version to the platform, which approves or refuses it, and decides delisting (下架).

pub mod api;
mod editor;
#[cfg(feature = "ssr")]
pub mod http;
pub mod model;
#[cfg(feature = "ssr")]
mod notify;
mod pages;
mod platform_pages;
#[cfg(feature = "ssr")]
pub mod sanitize;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;
pub use pages::{ServiceItemPage, ServiceListPage, ServiceNewPage};
pub use platform_pages::{PlatformServiceQueuePage, PlatformServiceReviewPage};
#[cfg(feature = "ssr")]
pub use store::published::listed_version;
#[cfg(feature = "ssr")]
pub use store::search_hits;

use model::{BillingMode, ServiceStatus};
use serde::{Deserialize, Serialize};

/// Attachments per item, and the largest one.
pub const MAX_FILES: i64 = 10;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
pub const UPLOAD_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;

/// A row of 服务项 (§4.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRow {
    pub id: i64,
    pub name: String,
    pub product: String,
    pub creator: String,
    pub created: String,
    pub status: ServiceStatus,
    /// The platform's queue shows whose item it is and since when it waits.
    pub provider: String,
    pub submitted: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceListPage {
    pub rows: Vec<ServiceRow>,
    pub page: i64,
    pub pages: i64,
    pub per_page: i64,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanView {
    pub id: i64,
    pub name: String,
    pub mode: BillingMode,
    /// As typed back into the edit form: 100.00, CNY, 6.
    pub price_input: String,
    pub currency: String,
    pub tax_percent: String,
    /// Formatted: ¥100.00, ¥106.00.
    pub price: String,
    pub price_with_tax: String,
    pub installments: i64,
    pub interval_months: i64,
    /// The payments of a 分期 plan, formatted; one entry otherwise.
    pub schedule: Vec<String>,
}

impl PlanView {
    /// The plan as it was typed (price before tax, currency, tax percent), read back for its
    /// arithmetic: what the catalogue API shows and what the intake checks a sale against.
    pub fn plan(&self) -> Option<model::Plan> {
        use crate::kit::money::{Currency, Money};
        use rust_decimal::Decimal;
        use std::str::FromStr;
        let currency = Currency::from_code(&self.currency)?;
        let price = Decimal::from_str(&self.price_input).ok()?;
        let percent = Decimal::from_str(&self.tax_percent).ok()?;
        Some(model::Plan {
            name: self.name.clone(),
            mode: self.mode,
            price: Money::new(price, currency),
            tax_rate: (percent / Decimal::from(100)).normalize(),
            installments: self.installments,
            interval_months: self.interval_months,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuView {
    pub id: i64,
    pub name: String,
    pub specification: String,
    pub region: String,
    pub plans: Vec<PlanView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileView {
    pub id: i64,
    pub name: String,
    pub size: String,
}

/// What one version of an item says, as buyers will see it; stored with each version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub name: String,
    pub product: String,
    pub owner_name: String,
    pub owner_contact: String,
    pub description_html: String,
    pub skus: Vec<SkuView>,
    pub files: Vec<FileView>,
}

/// One item of the published catalogue (`GET /api/v1/catalogue`), as its approved version
/// says. Amounts are exact decimal text in the plan's currency, never numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueItem {
    pub id: i64,
    pub provider_id: i64,
    pub provider_name: String,
    /// The approved version this entry shows.
    pub version: i64,
    /// When the platform approved it (RFC 3339, UTC).
    pub approved_at: Option<String>,
    pub name: String,
    pub product: String,
    pub owner_name: String,
    pub owner_contact: String,
    /// Sanitized when it was saved.
    pub description_html: String,
    pub skus: Vec<CatalogueSku>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueSku {
    pub id: i64,
    pub name: String,
    pub specification: String,
    pub region: String,
    pub plans: Vec<CataloguePlan>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CataloguePlan {
    pub id: i64,
    pub name: String,
    /// `one_time`, `monthly` or `installments`.
    pub billing_mode: String,
    /// Before tax: `100.00`.
    pub price: String,
    /// `CNY` or `USD`.
    pub currency: String,
    /// A fraction: `0.06` for 6 %.
    pub tax_rate: String,
    /// Half-up to the cent.
    pub price_with_tax: String,
    pub installments: i64,
    pub interval_months: i64,
    /// What the buyer pays when: one amount, or each installment; they add up to
    /// `price_with_tax` exactly.
    pub schedule: Vec<String>,
}

/// One change of a version: a translation key (`svc.change.<key>`) and what it touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeView {
    pub key: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionView {
    pub version: i64,
    pub at: String,
    pub actor: String,
    pub changes: Vec<ChangeView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    pub at: String,
    pub actor: String,
    /// Translation key `svc.action.<action>`.
    pub action: String,
    pub to: Option<ServiceStatus>,
    pub version: i64,
    pub reason: String,
}

/// Everything the item's page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDetail {
    pub id: i64,
    pub provider: String,
    pub status: ServiceStatus,
    pub version: i64,
    /// The version submitted for review, or last decided.
    pub review_version: Option<i64>,
    /// The platform's last refusal (rejection or refused delisting).
    pub decision_reason: String,
    pub creator: String,
    pub created: String,
    /// The working copy (provider) or the version under review (platform).
    pub content: Snapshot,
    pub versions: Vec<VersionView>,
    pub events: Vec<EventView>,
    /// 服务对象 suggestions: the products of the provider's work orders.
    pub products: Vec<String>,
}
