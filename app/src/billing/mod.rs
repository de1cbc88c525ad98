//! Settlement (§6, 分账管理): monthly bills built from the provider's paid work orders, the
//! provider's 确认账单 / 驳回, the platform's generation, revision and payout, and the bill's
//! exports and printable document.

#[cfg(feature = "ssr")]
pub mod export;
pub mod model;
mod pages;
pub mod platform;
#[cfg(feature = "ssr")]
pub mod queries;

pub use pages::{BillDetailPage, BillListPage as BillListRoute};

/// The platform realm's bill pages.
pub mod platform_pages {
    pub use super::pages::{PlatformBillDetailPage, PlatformBillListPage};
}

use crate::kit::error::AppError;
use crate::orders::model::WorkOrderStatus;
use model::BillStatus;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub const PAGE_SIZE: i64 = 15;
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

/// Everything the detail page shows (§6.1.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillDetail {
    pub bill_no: String,
    pub status: BillStatus,
    pub version: i64,
    pub printed_at: String,
    pub provider: String,
    pub provider_address: String,
    pub admin_name: String,
    pub business_owner: String,
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

/// The provider's bills (§6.1.1).
#[leptos::server(endpoint = "bills")]
pub async fn list_bills(
    status: String,
    from: String,
    to: String,
    page: String,
) -> Result<BillListPage, AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        let filter = queries::ListFilter::parse(&status, &from, &to, &page)?;
        queries::list(
            &db()?,
            crate::kit::db::Owner::Provider(scope.provider_id),
            &filter,
        )
        .await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// The bill with a page of its lines (`page`), or the lines of one 订单编号 (`line`).
#[leptos::server(endpoint = "bill")]
pub async fn get_bill(no: String, page: String, line: String) -> Result<BillDetail, AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        queries::detail(
            &db()?,
            crate::kit::db::Owner::Provider(scope.provider_id),
            &no,
            &queries::LineQuery::parse(&page, &line)?,
            scope.role.may_settle(),
        )
        .await
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[cfg(feature = "ssr")]
async fn provider_move(
    no: &str,
    action: model::BillAction,
    input: queries::MoveInput,
) -> Result<(), AppError> {
    use crate::kit::request::{client_ip, db, provider_scope, settings};
    let (_, scope) = provider_scope()?;
    if !scope.role.may_settle() {
        return Err(AppError::Forbidden);
    }
    queries::apply(
        &db()?,
        &settings()?,
        queries::Actor {
            owner: crate::kit::db::Owner::Provider(scope.provider_id),
            user_id: scope.user_id,
            ip: &client_ip(),
        },
        no,
        action,
        &input,
    )
    .await
}

/// 确认账单 (§6.1.3): 确认中 → 待打款. Clicked twice, it confirms once.
#[leptos::server(endpoint = "confirm_bill")]
pub async fn confirm_bill(no: String) -> Result<(), AppError> {
    let result = provider_move(
        &no,
        model::BillAction::Confirm,
        queries::MoveInput::default(),
    )
    .await;
    crate::kit::forms::finish("confirm-bill", result)
}

/// 驳回 with a reason, optionally naming the disputed lines: ticked on the page on show
/// (`disputed`), or typed by 订单编号 (`disputed_nos`, for lines on other pages).
#[leptos::server(endpoint = "reject_bill")]
pub async fn reject_bill(
    no: String,
    reason: String,
    disputed: Option<HashMap<String, String>>,
    disputed_nos: Option<String>,
) -> Result<(), AppError> {
    let result = async {
        let reason = reason.trim().to_owned();
        let typed_nos = disputed_nos.unwrap_or_default();
        // Keys are `o<订单编号>`: a bare number would read as a list index.
        let ticked: Vec<String> = disputed
            .unwrap_or_default()
            .into_keys()
            .map(|k| k.trim_start_matches('o').to_owned())
            .collect();
        // The ticked lines go back with the typed text, so a refused form keeps them.
        let ticked_list = ticked.join(",");
        let typed = [
            ("reason", reason.as_str()),
            ("disputed_nos", typed_nos.as_str()),
            ("disputed", ticked_list.as_str()),
        ];
        let mut errors = Vec::new();
        if reason.is_empty() {
            errors.push(("reason", "form.required"));
        } else if reason.chars().count() > 2000 {
            errors.push(("reason", "form.too_long"));
        }
        let typed_list = model::typed_order_nos(&typed_nos);
        if typed_list.is_none() {
            errors.push(("disputed_nos", "bill.error.disputed_nos"));
        }
        if !errors.is_empty() {
            return Err(crate::kit::forms::invalid("reject-bill", &errors, &typed));
        }
        let mut disputed: Vec<String> = ticked
            .into_iter()
            .chain(typed_list.unwrap_or_default())
            .collect();
        disputed.sort();
        disputed.dedup();
        if disputed.len() > model::MAX_DISPUTED {
            return Err(crate::kit::forms::invalid(
                "reject-bill",
                &[("disputed_nos", "bill.error.disputed_nos")],
                &typed,
            ));
        }
        let moved = provider_move(
            &no,
            model::BillAction::Reject,
            queries::MoveInput {
                reason: reason.clone(),
                disputed,
                ..Default::default()
            },
        )
        .await;
        crate::kit::forms::keep_typed("reject-bill", &typed, moved)
    }
    .await;
    crate::kit::forms::finish("reject-bill", result)
}
