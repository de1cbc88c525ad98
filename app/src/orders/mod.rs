//! Orders (§3): the provider's service work orders — list, detail, 接单 or decline, and the
//! delivery milestones (交付里程碑) — with the history of every change.

pub mod acceptance;
pub mod dispatch;
#[cfg(feature = "ssr")]
pub mod evidence;
#[cfg(feature = "ssr")]
pub mod http;
pub mod intake;
pub mod model;
#[cfg(feature = "ssr")]
pub mod notify;
mod pages;
#[cfg(feature = "ssr")]
pub mod queries;

pub use pages::{WorkOrderDetailPage, WorkOrderListPage};

use crate::kit::error::AppError;
use model::{MilestoneStatus, WorkOrderStatus};
use serde::{Deserialize, Serialize};

/// A row of the 服务工单 list; amounts are formatted on the server, exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrderRow {
    pub work_order_no: String,
    pub service_item_name: String,
    pub implementation: String,
    pub unit_price_incl: String,
    pub quantity: i64,
    pub total_incl: String,
    pub created: String,
    pub status: WorkOrderStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrderPage {
    pub rows: Vec<WorkOrderRow>,
    /// Cursor of the next page, if there is one.
    pub next: Option<String>,
    /// Work orders per status under the current date and keyword filters.
    pub counts: Vec<(WorkOrderStatus, i64)>,
}

/// An evidence file of a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileView {
    pub id: i64,
    pub name: String,
    /// "12.3 KB", formatted on the server.
    pub size: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneView {
    pub id: i64,
    pub position: i64,
    pub period: String,
    pub period_start: String,
    pub period_end: String,
    pub standard: String,
    pub remarks: String,
    pub status: MilestoneStatus,
    pub reject_reason: String,
    /// While awaiting acceptance: the answer deadline and the seconds left to it.
    pub due: String,
    pub seconds_left: Option<i64>,
    pub files: Vec<FileView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub milestone_no: Option<i64>,
    pub from_status: String,
    pub to_status: String,
    pub reason: String,
}

/// Everything the detail page shows (§3.1.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrderDetail {
    pub work_order_no: String,
    pub order_no: String,
    pub created: String,
    pub picture_url: String,
    pub solution_name: String,
    pub solution_quantity: i64,
    pub contact: String,
    pub buyer_company: String,
    pub service_item_name: String,
    pub implementer: String,
    pub unit_price: String,
    pub tax_rate: String,
    pub unit_price_incl: String,
    pub quantity: i64,
    pub total_incl: String,
    pub status: WorkOrderStatus,
    pub decline_reason: String,
    pub milestones: Vec<MilestoneView>,
    pub history: Vec<EventView>,
}

pub const PAGE_SIZE: i64 = 15;

pub use list::*;

// One parameter per filter of the list's GET form (the no-JavaScript page posts them as is),
// more than clippy's limit; the module carries the allowance for both halves of the macro.
#[allow(clippy::too_many_arguments)]
mod list {
    use super::*;

    /// The provider's work orders, filtered (status, creation date range, keyword), sorted and
    /// paged by keyset so that a page costs the same at the millionth row as at the first.
    #[leptos::server(endpoint = "work_orders")]
    pub async fn list_work_orders(
        status: String,
        from: String,
        to: String,
        q: String,
        sort: String,
        after: String,
        stage: Option<String>,
        buyer: Option<String>,
    ) -> Result<WorkOrderPage, AppError> {
        use crate::kit::request::{db, provider_scope};
        let result = async {
            let (_, scope) = provider_scope()?;
            let mut filter = queries::ListFilter::parse(&status, &from, &to, &q, &sort, &after)?
                .with_buyer(buyer.as_deref().unwrap_or_default())?;
            filter.awaiting_stage = stage.as_deref() == Some("awaiting_acceptance");
            Ok(queries::list(&db()?, &scope, &filter).await?)
        }
        .await;
        crate::kit::forms::finish("", result)
    }
}

#[leptos::server(endpoint = "work_order")]
pub async fn get_work_order(no: String) -> Result<WorkOrderDetail, AppError> {
    use crate::kit::request::{db, provider_scope};
    let result = async {
        let (_, scope) = provider_scope()?;
        queries::detail(&db()?, &scope, &no).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// 接单: takes on a dispatched work order (待接单 → 实施中). Clicked twice, it accepts once.
#[leptos::server(endpoint = "accept_work_order")]
pub async fn accept_work_order(no: String) -> Result<(), AppError> {
    use crate::kit::request::{db, provider_scope};
    let result = async {
        let (_, scope) = provider_scope()?;
        let owner = crate::kit::db::Owner::Provider(scope.provider_id);
        queries::transition(
            &db()?,
            owner,
            scope.user_id,
            &no,
            model::WorkOrderAction::Accept,
            "",
        )
        .await
    }
    .await;
    crate::kit::forms::finish("accept", result)
}

/// Declines a dispatched work order with a reason (待接单 → 已拒绝).
#[leptos::server(endpoint = "decline_work_order")]
pub async fn decline_work_order(no: String, reason: String) -> Result<(), AppError> {
    use crate::kit::request::{db, provider_scope};
    let result = async {
        let (_, scope) = provider_scope()?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > model::TEXT_LIMIT {
            let code = if reason.is_empty() {
                "form.required"
            } else {
                "form.too_long"
            };
            return Err(crate::kit::forms::invalid(
                "decline",
                &[("reason", code)],
                &[("reason", reason)],
            ));
        }
        let owner = crate::kit::db::Owner::Provider(scope.provider_id);
        let action = model::WorkOrderAction::Decline;
        queries::transition(&db()?, owner, scope.user_id, &no, action, reason).await
    }
    .await;
    crate::kit::forms::finish("decline", result)
}

/// Adds a stage at the end of the plan, or saves an existing one (`id` > 0).
#[leptos::server(endpoint = "save_milestone")]
pub async fn save_milestone(
    no: String,
    id: i64,
    period_start: String,
    period_end: String,
    standard: String,
    remarks: String,
) -> Result<(), AppError> {
    use crate::kit::request::{db, provider_scope};
    let form = if id > 0 {
        format!("milestone-{id}")
    } else {
        "milestone-new".to_owned()
    };
    let result = async {
        let (_, scope) = provider_scope()?;
        let input = model::MilestoneInput {
            period_start,
            period_end,
            standard,
            remarks,
        };
        let fields = input.validate().map_err(|errors| {
            crate::kit::forms::invalid(
                &form,
                &errors,
                &[
                    ("period_start", &input.period_start),
                    ("period_end", &input.period_end),
                    ("standard", &input.standard),
                    ("remarks", &input.remarks),
                ],
            )
        })?;
        queries::save_milestone(&db()?, &scope, &no, id, &fields).await
    }
    .await;
    crate::kit::forms::finish(&form, result)
}

/// What the provider does to a stage from the milestone table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MilestoneCommand {
    /// 未开始 → 进行中, or 进行中 → 待验收.
    Advance,
    Up,
    Down,
    Delete,
}

#[leptos::server(endpoint = "milestone_command")]
pub async fn run_milestone_command(
    no: String,
    id: i64,
    command: MilestoneCommand,
) -> Result<(), AppError> {
    use crate::kit::request::{db, provider_scope, settings};
    let result = async {
        let (_, scope) = provider_scope()?;
        queries::milestone_command(&db()?, &settings()?, &scope, &no, id, command).await
    }
    .await;
    crate::kit::forms::finish("milestones", result)
}
