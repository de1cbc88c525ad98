//! Settlement (§6, 分账管理): monthly bills built from the provider's paid work orders, the
//! provider's 确认账单 / 驳回, the platform's generation, revision and payout, and the bill's
//! exports and printable document.

pub mod api;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod http;
pub mod model;
#[cfg(feature = "ssr")]
mod notify;
mod pages;
pub mod platform_pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use pages::{BillDetailPage, BillListPage as BillListRoute};
#[cfg(feature = "ssr")]
pub use store::search_hits;

use crate::orders::model::WorkOrderStatus;
use model::BillStatus;
use serde::{Deserialize, Serialize};

/// A bill's lines per page of its detail (a month's bill can have a hundred thousand).
pub const LINES_PER_PAGE: i64 = 100;

/// A row of the bill list (§6.1.1); amounts formatted on the server, one per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillRow {
    pub bill_no: String,
    pub provider: String,
    pub period: String,
    pub orders: i64,
    pub order_total: String,
    pub paid: String,
    pub status: BillStatus,
}

/// Counts and per-currency amounts of one bill or of all bills under a filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotalsView {
    pub orders: i64,
    pub units: i64,
    pub order_total: Vec<String>,
    pub paid: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillListPage {
    pub rows: Vec<BillRow>,
    /// The summary cards: every bill under the filters, not just this page.
    pub summary: TotalsView,
    pub page: i64,
    pub pages: i64,
    pub per_page: i64,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillLineView {
    pub id: i64,
    pub order_no: String,
    pub order_status: Option<WorkOrderStatus>,
    pub order_total: String,
    pub product: String,
    pub quantity: i64,
    pub traded_at: String,
    pub paid: String,
    /// The paid amount as the revision form takes it back: plain decimal, no symbol or grouping.
    pub paid_amount: String,
    /// Named by the provider's 驳回.
    pub disputed: bool,
}

/// A step of the progress bar and who took it when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    pub status: BillStatus,
    pub at: String,
    pub actor: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillEventView {
    pub at: String,
    pub actor: String,
    /// Translation key `bill.action.<action>`.
    pub action: String,
    pub version: i64,
    pub reason: String,
    pub disputed_lines: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeView {
    /// Translation key: added, removed or changed.
    pub kind: String,
    pub order_no: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionView {
    pub version: i64,
    pub note: String,
    pub at: String,
    pub actor: String,
    /// The first changes (up to a hundred) and how many there are in all.
    pub changes: Vec<ChangeView>,
    pub changes_total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeView {
    pub reason: String,
    pub lines: Vec<String>,
    pub at: String,
    pub actor: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutView {
    pub reference: String,
    pub date: String,
    pub amounts: Vec<String>,
}

/// The payee as the bill prints it: the provider's 企业信息 when the bill was generated, the
/// account number masked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receiver {
    pub name: String,
    pub address: String,
    /// 业务负责人.
    pub responsible: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub bank_name: String,
    pub account_name: String,
    pub account_masked: String,
    pub invoice_title: String,
    pub tax_number: String,
}

impl Receiver {
    /// The contact on one line: name · phone · address, the blank ones left out.
    pub fn contact_line(&self) -> String {
        [&self.contact_name, &self.contact_phone, &self.contact_email]
            .into_iter()
            .filter(|part| !part.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// Everything the detail page shows (§6.1.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillDetail {
    pub bill_no: String,
    pub status: BillStatus,
    pub version: i64,
    pub printed_at: String,
    /// The zone the bill's times are shown in (the viewer's): its IANA name, and the locale
    /// key of its places, which the page names.
    pub time_zone: String,
    pub time_zone_key: String,
    pub provider: String,
    pub provider_address: String,
    pub admin_name: String,
    pub business_owner: String,
    /// The payee's details as the bill was generated with them.
    pub receiver: Receiver,
    /// 付款方 and its contact.
    pub payer_name: String,
    pub payer_contact: String,
    /// The provider's tier (等级).
    pub tier: String,
    pub period: String,
    /// The page of lines on show (`LINES_PER_PAGE`), or the lines of the 订单编号 searched.
    pub lines: Vec<BillLineView>,
    pub line_page: i64,
    pub line_pages: i64,
    /// Lines under the search (every line without one).
    pub lines_found: i64,
    /// The 订单编号 searched, or empty.
    pub line_filter: String,
    pub totals: TotalsView,
    /// (currency code, amount) the payout must match.
    pub payout_due: Vec<(String, String)>,
    pub steps: Vec<StepView>,
    pub history: Vec<BillEventView>,
    pub revisions: Vec<RevisionView>,
    pub dispute: Option<DisputeView>,
    pub payout: Option<PayoutView>,
    /// The caller may 确认账单 or 驳回 now.
    pub can_answer: bool,
}

/// The platform's bill list: a page of bills and the providers to filter and generate by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformBillList {
    pub page: BillListPage,
    pub providers: Vec<(i64, String)>,
}
