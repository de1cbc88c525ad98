//! Orders (§3): the provider's service work orders — list, detail, 接单 or decline, and the
//! delivery milestones (交付里程碑) — with the history of every change; the customer's
//! acceptance (验收) of a delivered stage through a mailed link (or, without the customer's
//! answer, the platform's 代客户验收 and 平台设置's 自动验收); and the platform's side:
//! every work order, payment, dispatch (后台分发服务单), 重新派单 of a declined work order to
//! another provider, 取消工单, and intake from the marketplace.

mod acceptance_pages;
pub mod api;
mod behalf_pages;
#[cfg(feature = "ssr")]
pub mod http;
pub mod model;
#[cfg(feature = "ssr")]
pub mod notify;
mod pages;
mod platform_pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use acceptance_pages::AcceptancePage;
pub use behalf_pages::OnBehalfPage;
pub use pages::{WorkOrderDetailPage, WorkOrderListPage};
pub use platform_pages::{PlatformOrdersPage, PlatformWorkOrderPage};
#[cfg(feature = "ssr")]
pub use store::acceptance::deadlines;
#[cfg(feature = "ssr")]
pub use store::listing::search_hits;

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
    /// The rows under every filter, the status's included: the pager's total.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
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
    /// Done by a member of another provider (a decline before a 重新派单): not named here.
    pub other_provider: bool,
    /// 代客户验收: the evidence the platform recorded it with.
    pub file: Option<FileView>,
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
    /// 验收联系人, as the change form starts from.
    pub contact_name: String,
    pub contact_email: String,
    pub buyer_company: String,
    /// The provider it is dispatched to (blank before 派单).
    pub provider: String,
    pub service_item_name: String,
    /// The catalogue's approved version it was sold as (`服务项 #id 第 n 版`), if it names one.
    pub sold_from: Option<(i64, i64)>,
    pub implementer: String,
    pub unit_price: String,
    pub tax_rate: String,
    pub unit_price_incl: String,
    pub quantity: i64,
    pub total_incl: String,
    pub status: WorkOrderStatus,
    pub decline_reason: String,
    /// 已取消: why, and when (blank otherwise).
    pub cancel_reason: String,
    pub cancelled: String,
    pub milestones: Vec<MilestoneView>,
    pub history: Vec<EventView>,
}

/// The page size of 基础搜索's work orders.
pub const PAGE_SIZE: i64 = 15;

/// What the provider does to a stage from the milestone table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MilestoneCommand {
    /// 未开始 → 进行中, or 进行中 → 待验收.
    Advance,
    /// 待验收: a new link and deadline to the customer, the old link dead.
    Resend,
    Up,
    Down,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformRow {
    pub work_order_no: String,
    pub order_no: String,
    pub buyer_company: String,
    pub service_item_name: String,
    pub total_incl: String,
    pub status: WorkOrderStatus,
    pub provider: Option<String>,
    pub created: String,
    /// 已拒绝: the provider's reason; 已取消: the platform's.
    pub decline_reason: String,
    pub cancel_reason: String,
    /// Every provider that declined it so far: 重新派单 offers the others.
    pub declined_by: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformPage {
    pub rows: Vec<PlatformRow>,
    /// Cursor of the next page, if there is one.
    pub next: Option<String>,
    /// Work orders per status under the filters (the status aside).
    pub counts: Vec<(WorkOrderStatus, i64)>,
    /// The rows under every filter, the status's included: the pager's total.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Every provider, for the filter.
    pub providers: Vec<(i64, String)>,
    /// The providers a work order may be dispatched to: the suspended ones left out.
    pub dispatchable: Vec<(i64, String)>,
}

/// A link's state, as the customer's page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    Open,
    Accepted,
    Rejected,
    Expired,
    /// The provider has sent a newer link; this one answers nothing.
    Replaced,
    /// The platform recorded the acceptance on the customer's behalf (代客户验收).
    AcceptedOnBehalf,
    /// Accepted automatically after the customer's silence (自动验收).
    AutoAccepted,
}

/// What the customer sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptanceView {
    pub provider_name: String,
    pub work_order_no: String,
    pub order_no: String,
    pub solution_name: String,
    pub buyer_company: String,
    pub service_item_name: String,
    pub position: i64,
    pub period: String,
    pub standard: String,
    pub remarks: String,
    pub due: String,
    pub seconds_left: i64,
    pub state: LinkState,
    pub files: Vec<FileView>,
    /// While open, with 自动验收 on: when the stage is accepted without an answer.
    pub auto_accept: Option<String>,
}

/// A stage as the platform's 代客户验收 page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnBehalfStage {
    pub milestone_id: i64,
    pub work_order_no: String,
    pub provider_name: String,
    pub buyer_company: String,
    pub service_item_name: String,
    pub position: i64,
    pub period: String,
    pub standard: String,
    /// 验收联系人's email.
    pub contact: String,
    pub status: MilestoneStatus,
    /// The answer deadline (blank when none), and whether it has passed.
    pub due: String,
    pub overdue: bool,
    /// 待验收: the platform may accept it on the customer's behalf.
    pub awaiting: bool,
}
