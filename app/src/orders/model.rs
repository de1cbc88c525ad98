//! Work orders and milestones: their states and the only moves between them (domain.md,
//! "State machines"). Plain Rust, shared by both sides and unit-tested.

use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::money::{tax_inclusive, Currency, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// 订单状态 of a work order.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WorkOrderStatus {
    AwaitingPayment,
    AwaitingAcceptance,
    InProgress,
    PartiallyAccepted,
    Completed,
    Rejected,
    /// 已取消: the platform called the work order off (with a reason); nothing moves it again.
    Cancelled,
}

/// Labels: 待付款, 待接单, 实施中, 部分验收, 已完成, 已拒绝, 已取消.
impl Code for WorkOrderStatus {
    const LABELS: Option<&'static str> = Some("wo.status");
}

impl WorkOrderStatus {
    /// Milestones are planned and delivered while the work is under way.
    pub fn milestones_editable(self) -> bool {
        matches!(
            self,
            WorkOrderStatus::InProgress | WorkOrderStatus::PartiallyAccepted
        )
    }

    /// A settlement bill counts the work orders the provider took on: under way or done. Not
    /// one unpaid, waiting for its provider, declined, or cancelled (nor any stage of one).
    pub fn billable(self) -> bool {
        matches!(
            self,
            WorkOrderStatus::InProgress
                | WorkOrderStatus::PartiallyAccepted
                | WorkOrderStatus::Completed
        )
    }

    /// 后台首页's sales count a work order once it is paid, unless declined or cancelled (the
    /// figures' triggers, migrations 0016 and 0025, keep exactly these).
    pub fn sold(self) -> bool {
        !matches!(
            self,
            WorkOrderStatus::AwaitingPayment
                | WorkOrderStatus::Rejected
                | WorkOrderStatus::Cancelled
        )
    }

    /// The statuses for which `keep` holds, as SQL: `'in_progress', 'completed'`.
    pub fn sql_list(keep: fn(WorkOrderStatus) -> bool) -> String {
        WorkOrderStatus::all()
            .filter(|s| keep(*s))
            .map(|s| format!("'{}'", s.as_db()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What the provider or the platform asks of a work order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkOrderAction {
    /// The platform records the buyer's payment.
    MarkPaid,
    /// 接单.
    Accept,
    /// The provider declines, with a reason.
    Decline,
    /// The platform hands a declined work order to another provider (重新派单): it waits for
    /// that one's 接单 again. See `check_redispatch` for whom it may go to.
    Redispatch,
    /// The platform cancels the work order, with a reason (取消工单): before it is done, and
    /// once. A cancelled work order never reaches a bill.
    Cancel,
}

impl WorkOrderAction {
    pub const ALL: [WorkOrderAction; 5] = [
        WorkOrderAction::MarkPaid,
        WorkOrderAction::Accept,
        WorkOrderAction::Decline,
        WorkOrderAction::Redispatch,
        WorkOrderAction::Cancel,
    ];

    /// The name of the move in the history and the audit log (`wo.event.<name>`).
    pub fn event(self) -> &'static str {
        match self {
            WorkOrderAction::MarkPaid => "mark_paid",
            WorkOrderAction::Accept => "accept",
            WorkOrderAction::Decline => "decline",
            WorkOrderAction::Redispatch => "redispatch",
            WorkOrderAction::Cancel => "cancel",
        }
    }

    /// Where the move leaves a work order: a move asked again once there is a double click.
    pub fn target(self) -> WorkOrderStatus {
        match self {
            WorkOrderAction::MarkPaid | WorkOrderAction::Redispatch => {
                WorkOrderStatus::AwaitingAcceptance
            }
            WorkOrderAction::Accept => WorkOrderStatus::InProgress,
            WorkOrderAction::Decline => WorkOrderStatus::Rejected,
            WorkOrderAction::Cancel => WorkOrderStatus::Cancelled,
        }
    }

    /// Whether the move takes a reason (the provider's decline, the platform's cancel).
    pub fn needs_reason(self) -> bool {
        matches!(self, WorkOrderAction::Decline | WorkOrderAction::Cancel)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{action:?} is not allowed in {from:?}")]
pub struct Forbidden<S: std::fmt::Debug, A: std::fmt::Debug> {
    pub from: S,
    pub action: A,
}

impl WorkOrderStatus {
    pub fn apply(
        self,
        action: WorkOrderAction,
    ) -> Result<WorkOrderStatus, Forbidden<WorkOrderStatus, WorkOrderAction>> {
        use WorkOrderAction as A;
        use WorkOrderStatus as S;
        match (self, action) {
            (S::AwaitingPayment, A::MarkPaid) => Ok(S::AwaitingAcceptance),
            (S::AwaitingAcceptance, A::Accept) => Ok(S::InProgress),
            (S::AwaitingAcceptance, A::Decline) => Ok(S::Rejected),
            (S::Rejected, A::Redispatch) => Ok(S::AwaitingAcceptance),
            (
                S::AwaitingPayment
                | S::AwaitingAcceptance
                | S::Rejected
                | S::InProgress
                | S::PartiallyAccepted,
                A::Cancel,
            ) => Ok(S::Cancelled),
            (from, action) => Err(Forbidden { from, action }),
        }
    }

    /// Whether the platform may still cancel it: anything not done or cancelled already.
    pub fn cancellable(self) -> bool {
        self.apply(WorkOrderAction::Cancel).is_ok()
    }

    /// The status that customer acceptance of milestones implies ("客户验收通过订单状态即变为
    /// 已完成"): none accepted keeps the work in progress, some make it partially accepted,
    /// all of them complete it. Only a work order under way is affected.
    pub fn after_acceptance(self, accepted: usize, total: usize) -> WorkOrderStatus {
        if !self.milestones_editable() {
            return self;
        }
        match accepted {
            0 => WorkOrderStatus::InProgress,
            n if n == total => WorkOrderStatus::Completed,
            _ => WorkOrderStatus::PartiallyAccepted,
        }
    }
}

/// 交付状态 of a milestone.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MilestoneStatus {
    NotStarted,
    InProgress,
    AwaitingAcceptance,
    Accepted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneAction {
    /// The provider starts the stage.
    Start,
    /// The provider submits it for the customer's acceptance.
    Submit,
    /// The customer accepts it.
    CustomerAccept,
    /// The customer rejects it (验收驳回, with a reason): back to work.
    CustomerReject,
    /// The provider sends it for acceptance again (重新发送验收): a new link and deadline,
    /// the stage still awaiting the customer — also once overdue.
    Resend,
    /// The platform cancelled the work order: a stage waiting for the customer stops waiting
    /// (its link closes), back where it was before it was submitted.
    Withdraw,
    /// The platform records the customer's acceptance on their behalf (代客户验收), with a
    /// reason and evidence (their mail, a signed paper): as if they had accepted.
    AcceptOnBehalf,
    /// The customer stayed silent for the platform's auto-acceptance period (平台设置): the
    /// stage is accepted by the system, as if they had accepted.
    AutoAccept,
}

impl MilestoneAction {
    pub const ALL: [MilestoneAction; 8] = [
        MilestoneAction::Start,
        MilestoneAction::Submit,
        MilestoneAction::CustomerAccept,
        MilestoneAction::CustomerReject,
        MilestoneAction::Resend,
        MilestoneAction::Withdraw,
        MilestoneAction::AcceptOnBehalf,
        MilestoneAction::AutoAccept,
    ];

    /// Whether the move accepts the stage the way the customer's acceptance does (the same
    /// store path: links closed, work order recomputed, both sides told).
    pub fn accepts(self) -> bool {
        matches!(
            self,
            MilestoneAction::CustomerAccept
                | MilestoneAction::AcceptOnBehalf
                | MilestoneAction::AutoAccept
        )
    }

    /// The name of an acceptance answer in the history, the audit log and on the closed
    /// links (`decision`); `None` for the provider's and the platform's other moves.
    pub fn answer_event(self) -> Option<&'static str> {
        match self {
            MilestoneAction::CustomerAccept => Some("customer_accept"),
            MilestoneAction::CustomerReject => Some("customer_reject"),
            MilestoneAction::AcceptOnBehalf => Some("accept_on_behalf"),
            MilestoneAction::AutoAccept => Some("auto_accept"),
            _ => None,
        }
    }
}

/// Labels: 未开始, 进行中, 待验收, 已验收.
impl Code for MilestoneStatus {
    const LABELS: Option<&'static str> = Some("ms.status");
}

impl MilestoneStatus {
    /// A stage can be edited, moved or deleted until the customer has it: not while it
    /// awaits their answer, and never once accepted.
    pub fn editable(self) -> bool {
        matches!(
            self,
            MilestoneStatus::NotStarted | MilestoneStatus::InProgress
        )
    }

    /// The provider's next step for this stage, if it has one.
    pub fn provider_next(self) -> Option<MilestoneAction> {
        match self {
            MilestoneStatus::NotStarted => Some(MilestoneAction::Start),
            MilestoneStatus::InProgress => Some(MilestoneAction::Submit),
            _ => None,
        }
    }

    pub fn apply(
        self,
        action: MilestoneAction,
    ) -> Result<MilestoneStatus, Forbidden<MilestoneStatus, MilestoneAction>> {
        use MilestoneAction as A;
        use MilestoneStatus as S;
        match (self, action) {
            (S::NotStarted, A::Start) => Ok(S::InProgress),
            (S::InProgress, A::Submit) => Ok(S::AwaitingAcceptance),
            (S::AwaitingAcceptance, A::CustomerAccept) => Ok(S::Accepted),
            (S::AwaitingAcceptance, A::CustomerReject) => Ok(S::InProgress),
            (S::AwaitingAcceptance, A::Resend) => Ok(S::AwaitingAcceptance),
            (S::AwaitingAcceptance, A::Withdraw) => Ok(S::InProgress),
            (S::AwaitingAcceptance, A::AcceptOnBehalf | A::AutoAccept) => Ok(S::Accepted),
            (from, action) => Err(Forbidden { from, action }),
        }
    }
}

/// The list's keyword as it is searched: trimmed, without control characters (the index
/// keeps one field a line, so a line break could match across two), A–Z lower-cased; `None`
/// when nothing is left. Matching is substring search over the work-order number, order
/// number, service item, 实施内容 and buyer company, blind to the case of A–Z only: other
/// letters match as typed, the same on both databases whatever their locale.
pub fn search_keyword(typed: &str) -> Option<String> {
    let kept: String = typed.chars().filter(|c| !c.is_control()).collect();
    let kept = kept.trim();
    (!kept.is_empty()).then(|| kept.to_ascii_lowercase())
}

/// A calendar date as the forms send it (YYYY-MM-DD); ordering as text is date order.
pub fn parse_date(value: &str) -> Option<String> {
    let value = value.trim();
    let mut parts = value.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if y.to_string().len() != 4 || !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (d <= days).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// A milestone as submitted by the editor's form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneInput {
    pub period_start: String,
    pub period_end: String,
    pub standard: String,
    pub remarks: String,
}

/// The validated milestone fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneFields {
    pub period_start: String,
    pub period_end: Option<String>,
    pub standard: String,
    pub remarks: String,
}

pub const TEXT_LIMIT: usize = 2000;

impl MilestoneInput {
    /// Checks every field; returns each failing field with the translation key of its message.
    pub fn validate(&self) -> Result<MilestoneFields, Vec<(&'static str, &'static str)>> {
        let mut errors = Vec::new();
        let start = parse_date(&self.period_start);
        if self.period_start.trim().is_empty() {
            errors.push(("period_start", "form.required"));
        } else if start.is_none() {
            errors.push(("period_start", "form.date_invalid"));
        }
        let end = if self.period_end.trim().is_empty() {
            None
        } else {
            match parse_date(&self.period_end) {
                Some(end) => {
                    if start.as_ref().is_some_and(|s| end < *s) {
                        errors.push(("period_end", "ms.error.end_before_start"));
                    }
                    Some(end)
                }
                None => {
                    errors.push(("period_end", "form.date_invalid"));
                    None
                }
            }
        };
        let standard = self.standard.trim();
        if standard.is_empty() {
            errors.push(("standard", "form.required"));
        } else if standard.chars().count() > TEXT_LIMIT {
            errors.push(("standard", "form.too_long"));
        }
        if self.remarks.trim().chars().count() > TEXT_LIMIT {
            errors.push(("remarks", "form.too_long"));
        }
        match (start, errors.is_empty()) {
            (Some(period_start), true) => Ok(MilestoneFields {
                period_start,
                period_end: end,
                standard: standard.to_owned(),
                remarks: self.remarks.trim().to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

/// Who answers a work order's acceptance links (验收联系人): the order's contact unless the
/// provider has named another, while a stage is still to be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptanceContact {
    pub name: String,
    pub email: String,
}

impl AcceptanceContact {
    /// Trims and checks both fields; each failing field with its message key.
    pub fn parse(
        name: &str,
        email_typed: &str,
    ) -> Result<AcceptanceContact, Vec<(&'static str, &'static str)>> {
        let mut errors = Vec::new();
        let (name, address) = (name.trim(), email_typed.trim());
        if name.chars().count() > 100 {
            errors.push(("name", "form.too_long"));
        }
        if address.is_empty() {
            errors.push(("email", "form.required"));
        } else if !email(address) {
            errors.push(("email", "form.email_invalid"));
        }
        if errors.is_empty() {
            Ok(AcceptanceContact {
                name: name.to_owned(),
                email: address.to_owned(),
            })
        } else {
            Err(errors)
        }
    }

    /// As the history and the audit log show it: `name <email>`, or the email alone.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            self.email.clone()
        } else {
            format!("{} <{}>", self.name, self.email)
        }
    }
}

/// The acceptance contact can change while the work order's stages are under way (before
/// a stage is submitted or while one awaits its answer), never once it is closed.
pub fn contact_changeable(status: WorkOrderStatus) -> bool {
    status.milestones_editable()
}

/// The customer's answer to a stage from the acceptance link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcceptanceAnswer {
    Accept,
    /// 驳回, with the reason the provider is shown (trimmed).
    Reject(String),
}

impl AcceptanceAnswer {
    /// `decision` is `accept` or `reject`; a rejection needs a reason of at most `TEXT_LIMIT`
    /// characters. `None` for a decision no form sends; otherwise the reason's error key.
    pub fn parse(decision: &str, reason: &str) -> Option<Result<AcceptanceAnswer, &'static str>> {
        let reason = reason.trim();
        match decision {
            "accept" => Some(Ok(AcceptanceAnswer::Accept)),
            "reject" if reason.is_empty() => Some(Err("form.required")),
            "reject" if reason.chars().count() > TEXT_LIMIT => Some(Err("form.too_long")),
            "reject" => Some(Ok(AcceptanceAnswer::Reject(reason.to_owned()))),
            _ => None,
        }
    }
}
/// Why the platform may not re-dispatch a work order to a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedispatchRefusal {
    /// Only a declined work order is re-dispatched (the others: 分发 or nothing).
    NotDeclined,
    /// The provider declined this work order already (now or before): another one takes it.
    DeclinedBy,
    /// Sold from another provider's catalogue item: only that provider delivers it.
    SoldByAnother,
}

impl RedispatchRefusal {
    /// The message's translation key.
    pub fn key(self) -> &'static str {
        match self {
            RedispatchRefusal::NotDeclined => "wo.error.state",
            RedispatchRefusal::DeclinedBy => "wo.error.redispatch_same",
            RedispatchRefusal::SoldByAnother => "wo.error.sold_by_another",
        }
    }
}

/// 重新派单 of a work order in `from` to provider `to`, given every provider that declined
/// it so far (the current one included): declined, and to a provider that has not declined
/// it. Returns the status it moves to.
pub fn check_redispatch(
    from: WorkOrderStatus,
    declined_by: &[i64],
    to: i64,
) -> Result<WorkOrderStatus, RedispatchRefusal> {
    let next = from
        .apply(WorkOrderAction::Redispatch)
        .map_err(|_| RedispatchRefusal::NotDeclined)?;
    may_receive(declined_by, to)?;
    Ok(next)
}

/// Whether a work order may go to provider `to` (dispatch or 重新派单): not to one that
/// declined it.
pub fn may_receive(declined_by: &[i64], to: i64) -> Result<(), RedispatchRefusal> {
    if declined_by.contains(&to) {
        Err(RedispatchRefusal::DeclinedBy)
    } else {
        Ok(())
    }
}

/// Whether a work order sold from provider `sold_by`'s catalogue item (none: free text) may
/// go to provider `to` (dispatch or 重新派单): only to that provider.
pub fn may_deliver_sold(sold_by: Option<i64>, to: i64) -> Result<(), RedispatchRefusal> {
    match sold_by {
        Some(seller) if seller != to => Err(RedispatchRefusal::SoldByAnother),
        _ => Ok(()),
    }
}

/// The reason a decline or a cancel carries: required, at most `TEXT_LIMIT` characters,
/// trimmed; otherwise the error's translation key.
pub fn move_reason(reason: &str) -> Result<String, &'static str> {
    let reason = reason.trim();
    if reason.is_empty() {
        Err("form.required")
    } else if reason.chars().count() > TEXT_LIMIT {
        Err("form.too_long")
    } else {
        Ok(reason.to_owned())
    }
}

/// The longest reason of a 代客户验收.
pub const ON_BEHALF_REASON_LIMIT: usize = 500;

/// The reason the platform gives for accepting on the customer's behalf: required, at
/// most `ON_BEHALF_REASON_LIMIT` characters, trimmed; otherwise the error's key.
pub fn on_behalf_reason(reason: &str) -> Result<String, &'static str> {
    let reason = reason.trim();
    if reason.is_empty() {
        Err("form.required")
    } else if reason.chars().count() > ON_BEHALF_REASON_LIMIT {
        Err("form.too_long")
    } else {
        Ok(reason.to_owned())
    }
}

/// When a stage first sent for acceptance at `sent_at` is accepted automatically, with the
/// auto-acceptance period `days` (on).
pub fn auto_accept_at(sent_at: i64, days: i64) -> i64 {
    sent_at + days * 86_400
}

/// The list's sort orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    CreatedDesc,
    CreatedAsc,
    TotalDesc,
    TotalAsc,
}

impl Sort {
    pub fn parse(value: &str) -> Option<Sort> {
        match value {
            "" | "created_desc" => Some(Sort::CreatedDesc),
            "created_asc" => Some(Sort::CreatedAsc),
            "total_desc" => Some(Sort::TotalDesc),
            "total_asc" => Some(Sort::TotalAsc),
            _ => None,
        }
    }

    pub fn descending(self) -> bool {
        matches!(self, Sort::CreatedDesc | Sort::TotalDesc)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFilter {
    pub status: Option<WorkOrderStatus>,
    /// Creation time range, Unix seconds, end exclusive.
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub keyword: Option<String>,
    /// 购买公司: only work orders bought by this company (its name as the order gave it).
    pub buyer: Option<String>,
    /// Only work orders with a stage waiting for the customer's acceptance (后台首页's link).
    pub awaiting_stage: bool,
    pub sort: Sort,
    /// Keyset cursor: the sort value and id of the last row shown.
    pub after: Option<(i64, i64)>,
}

#[cfg(feature = "ssr")]
impl ListFilter {
    /// Reads the list's query; anything malformed is the client's mistake.
    pub fn parse(
        status: &str,
        from: &str,
        to: &str,
        q: &str,
        sort: &str,
        after: &str,
        zone: &crate::kit::time::Zone,
    ) -> Result<ListFilter, AppError> {
        let bad = |field: &str| AppError::invalid(&[(field, "form.invalid_value")]);
        let status = match status {
            "" => None,
            s => Some(WorkOrderStatus::from_db(s).ok_or_else(|| bad("status"))?),
        };
        // Days are the viewer's: a day's work orders are those they see dated that day.
        let day =
            |value: &str, field: &str, edge: fn(&crate::kit::time::Zone, &str) -> Option<i64>| {
                match value.trim() {
                    "" => Ok(None),
                    v => parse_date(v)
                        .and_then(|v| edge(zone, &v))
                        .map(Some)
                        .ok_or_else(|| bad(field)),
                }
            };
        let from = day(from, "from", crate::kit::time::Zone::day_start)?;
        let to = day(to, "to", crate::kit::time::Zone::day_end)?;
        let keyword = q.trim();
        if keyword.chars().count() > 100 {
            return Err(bad("q"));
        }
        let sort = Sort::parse(sort).ok_or_else(|| bad("sort"))?;
        let after = match after {
            "" => None,
            cursor => {
                let (value, id) = cursor.split_once('_').ok_or_else(|| bad("after"))?;
                Some((
                    value.parse().map_err(|_| bad("after"))?,
                    id.parse().map_err(|_| bad("after"))?,
                ))
            }
        };
        Ok(ListFilter {
            status,
            from,
            to,
            keyword: search_keyword(keyword),
            buyer: None,
            awaiting_stage: false,
            sort,
            after,
        })
    }
}

impl ListFilter {
    /// Adds the 购买公司 filter from the list's query (blank: any buyer).
    pub fn with_buyer(mut self, buyer: &str) -> Result<ListFilter, AppError> {
        let buyer = buyer.trim();
        if buyer.chars().count() > 200 {
            return Err(AppError::invalid(&[("buyer", "form.invalid_value")]));
        }
        self.buyer = (!buyer.is_empty()).then(|| buyer.to_owned());
        Ok(self)
    }
}

/// Whose work orders a list reads: a provider's own (the provider's list, or the platform's
/// filtered by provider), those not dispatched yet, or every one (the platform's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Realm {
    Provider(i64),
    Undispatched,
    All,
}

impl Realm {
    /// The platform list's provider filter: blank for all, `none` for not dispatched yet.
    pub fn parse_platform(value: &str) -> Result<Realm, AppError> {
        match value.trim() {
            "" => Ok(Realm::All),
            "none" => Ok(Realm::Undispatched),
            // Providers' ids are positive; 0 would read as 未分发 in the counters.
            id => id
                .parse()
                .ok()
                .filter(|id: &i64| *id > 0)
                .map(Realm::Provider)
                .ok_or_else(|| AppError::invalid(&[("provider", "form.invalid_value")])),
        }
    }
}

/// "2024-01-01 ~ 2024-02-01", or open-ended "2024-01-01 ~".
pub fn period(start: &str, end: Option<&str>) -> String {
    match end {
        Some(end) => format!("{start} ~ {end}"),
        None => format!("{start} ~"),
    }
}

/// A tax rate as a percentage ("0.06" → "6%"); text that is no number is shown as is.
pub fn percent(rate: &str) -> String {
    Decimal::from_str(rate)
        .map(|r| format!("{}%", (r * Decimal::ONE_HUNDRED).normalize()))
        .unwrap_or_else(|_| rate.to_owned())
}

/// A file size as people read it: "12.3 KB".
pub fn human_size(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

/// An order as the marketplace sends it (or the platform's form types it): intake takes
/// one work order per service item, and an order number once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderIn {
    pub order_no: String,
    pub buyer_company: String,
    #[serde(default)]
    pub contact_name: String,
    pub contact_email: String,
    pub solution_name: String,
    pub solution_quantity: i64,
    #[serde(default)]
    pub picture_url: String,
    /// Paid already at the marketplace: the work orders wait for a provider, not for payment.
    #[serde(default)]
    pub paid: bool,
    pub work_orders: Vec<WorkOrderIn>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrderIn {
    pub work_order_no: String,
    /// Free text; may be left out when the work order names a catalogue item.
    #[serde(default)]
    pub service_item_name: String,
    /// What it was sold as from the published catalogue (`GET /api/v1/catalogue`): all three
    /// or none. Old orders and the platform's typed orders name none.
    #[serde(default)]
    pub service_item_id: Option<i64>,
    #[serde(default)]
    pub sku_id: Option<i64>,
    #[serde(default)]
    pub plan_id: Option<i64>,
    #[serde(default)]
    pub implementation: String,
    /// Unit price before tax, exact decimal text ("110.00").
    pub price: String,
    /// "0.06" for 6 %.
    pub tax_rate: String,
    pub quantity: i64,
    pub currency: String,
}

/// The catalogue entry a work order names: the item, one of its SKUs, one of its plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogueRef {
    pub item_id: i64,
    pub sku_id: i64,
    pub plan_id: i64,
}

/// What the catalogue says of a referenced plan, as the store found it in the item's approved
/// version: the intake's price is checked against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoldPlan {
    pub item_name: String,
    /// The approved version the work order is sold from.
    pub version: i64,
    /// Before tax, in the plan's currency.
    pub price: Money,
    pub tax_rate: Decimal,
}

/// A work order ready to store: amounts in minor units, computed exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidWorkOrder {
    pub work_order_no: String,
    pub service_item_name: String,
    pub sold_from: Option<CatalogueRef>,
    /// The approved version of `sold_from`'s item, once checked (`sold_as`).
    pub sold_version: Option<i64>,
    pub implementation: String,
    pub currency: Currency,
    pub unit_price_minor: i64,
    pub tax_rate: String,
    pub unit_price_incl_minor: i64,
    pub quantity: i64,
    pub total_incl_minor: i64,
}

fn number(value: &str) -> bool {
    !value.is_empty() && value.len() <= 32 && value.bytes().all(|b| b.is_ascii_digit())
}

fn email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
        && value.len() <= 254
}

/// Checks an order; errors name the field (`work_orders[1].price`) and a translation key.
pub fn validate_order(order: &OrderIn) -> Result<Vec<ValidWorkOrder>, Vec<(String, &'static str)>> {
    let mut errors: Vec<(String, &'static str)> = Vec::new();
    let mut text = |field: &str, value: &str, required: bool| {
        if required && value.trim().is_empty() {
            errors.push((field.to_owned(), "form.required"));
        } else if value.chars().count() > 200 {
            errors.push((field.to_owned(), "form.too_long"));
        }
    };
    text("buyer_company", &order.buyer_company, true);
    text("contact_name", &order.contact_name, false);
    text("solution_name", &order.solution_name, true);
    text("picture_url", &order.picture_url, false);
    if !number(&order.order_no) {
        errors.push(("order_no".into(), "intake.error.number"));
    }
    if !email(order.contact_email.trim()) {
        errors.push(("contact_email".into(), "intake.error.email"));
    }
    if !order.picture_url.is_empty() && !order.picture_url.starts_with("https://") {
        errors.push(("picture_url".into(), "intake.error.url"));
    }
    if !(1..=1_000_000).contains(&order.solution_quantity) {
        errors.push(("solution_quantity".into(), "intake.error.quantity"));
    }
    if order.work_orders.is_empty() || order.work_orders.len() > 100 {
        errors.push(("work_orders".into(), "intake.error.work_orders"));
    }
    let mut valid = Vec::new();
    for (i, wo) in order.work_orders.iter().enumerate() {
        let field = |name: &str| format!("work_orders[{i}].{name}");
        let before = errors.len();
        if !number(&wo.work_order_no) {
            errors.push((field("work_order_no"), "intake.error.number"));
        } else if order.work_orders[..i]
            .iter()
            .any(|o| o.work_order_no == wo.work_order_no)
        {
            errors.push((field("work_order_no"), "intake.error.duplicate"));
        }
        let sold_from = match (wo.service_item_id, wo.sku_id, wo.plan_id) {
            (Some(item_id), Some(sku_id), Some(plan_id)) => Some(CatalogueRef {
                item_id,
                sku_id,
                plan_id,
            }),
            (None, None, None) => None,
            (item, sku, plan) => {
                for (name, id) in [
                    ("service_item_id", item),
                    ("sku_id", sku),
                    ("plan_id", plan),
                ] {
                    if id.is_none() {
                        errors.push((field(name), "intake.error.catalogue_ref"));
                    }
                }
                None
            }
        };
        let named = !wo.service_item_name.trim().is_empty();
        if wo.service_item_name.chars().count() > 200 {
            errors.push((field("service_item_name"), "form.too_long"));
        } else if !named && wo.service_item_id.is_none() {
            errors.push((field("service_item_name"), "form.required"));
        }
        if wo.implementation.chars().count() > 2000 {
            errors.push((field("implementation"), "form.too_long"));
        }
        let currency = Currency::from_code(&wo.currency);
        if currency.is_none() {
            errors.push((field("currency"), "intake.error.currency"));
        }
        let price = Decimal::from_str(wo.price.trim())
            .ok()
            .filter(|p| !p.is_sign_negative());
        if price.is_none() || price.is_some_and(|p| p.scale() > 2) {
            errors.push((field("price"), "intake.error.amount"));
        }
        let rate = Decimal::from_str(wo.tax_rate.trim())
            .ok()
            .filter(|r| !r.is_sign_negative() && *r < Decimal::ONE && r.scale() <= 4);
        if rate.is_none() {
            errors.push((field("tax_rate"), "intake.error.tax_rate"));
        }
        if !(1..=1_000_000).contains(&wo.quantity) {
            errors.push((field("quantity"), "intake.error.quantity"));
        }
        if errors.len() > before {
            continue;
        }
        let (Some(currency), Some(price), Some(rate)) = (currency, price, rate) else {
            continue;
        };
        let incl = tax_inclusive(price, rate);
        let minor = |amount: Decimal| Money::new(amount, currency).to_minor().ok();
        match (
            minor(price),
            incl.and_then(minor),
            incl.and_then(|i| i.checked_mul(Decimal::from(wo.quantity)))
                .and_then(minor),
        ) {
            (Some(unit_price_minor), Some(unit_price_incl_minor), Some(total_incl_minor)) => valid
                .push(ValidWorkOrder {
                    work_order_no: wo.work_order_no.clone(),
                    service_item_name: wo.service_item_name.trim().to_owned(),
                    sold_from,
                    sold_version: None,
                    implementation: wo.implementation.trim().to_owned(),
                    currency,
                    unit_price_minor,
                    tax_rate: rate.normalize().to_string(),
                    unit_price_incl_minor,
                    quantity: wo.quantity,
                    total_incl_minor,
                }),
            _ => errors.push((field("price"), "intake.error.amount")),
        }
    }
    if errors.is_empty() {
        Ok(valid)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn keywords_are_trimmed_folded_and_kept_to_one_line() {
        assert_eq!(
            super::search_keyword("  Bench Item 42 "),
            Some("bench item 42".into())
        );
        assert_eq!(super::search_keyword("部署\n迁移"), Some("部署迁移".into()));
        assert_eq!(super::search_keyword("ÉCOLE Ä"), Some("École Ä".into()));
        assert_eq!(super::search_keyword(" \t\r\n"), None);
        assert_eq!(super::search_keyword(""), None);
    }

    #[test]
    fn a_rejection_needs_a_reason_and_an_acceptance_none() {
        use AcceptanceAnswer::*;
        assert_eq!(AcceptanceAnswer::parse("accept", ""), Some(Ok(Accept)));
        assert_eq!(
            AcceptanceAnswer::parse("reject", "  缺少上线报告 "),
            Some(Ok(Reject("缺少上线报告".into())))
        );
        assert_eq!(
            AcceptanceAnswer::parse("reject", "  "),
            Some(Err("form.required"))
        );
        let long = "驳".repeat(TEXT_LIMIT + 1);
        assert_eq!(
            AcceptanceAnswer::parse("reject", &long),
            Some(Err("form.too_long"))
        );
        assert_eq!(AcceptanceAnswer::parse("maybe", "x"), None);
    }

    use super::*;
    use MilestoneAction as MA;
    use MilestoneStatus as M;
    use WorkOrderAction as A;
    use WorkOrderStatus as W;

    #[test]
    fn work_order_moves_are_exactly_those_of_the_state_machine() {
        let allowed = [
            (W::AwaitingPayment, A::MarkPaid, W::AwaitingAcceptance),
            (W::AwaitingAcceptance, A::Accept, W::InProgress),
            (W::AwaitingAcceptance, A::Decline, W::Rejected),
            (W::Rejected, A::Redispatch, W::AwaitingAcceptance),
            (W::AwaitingPayment, A::Cancel, W::Cancelled),
            (W::AwaitingAcceptance, A::Cancel, W::Cancelled),
            (W::Rejected, A::Cancel, W::Cancelled),
            (W::InProgress, A::Cancel, W::Cancelled),
            (W::PartiallyAccepted, A::Cancel, W::Cancelled),
        ];
        for from in W::all() {
            for action in A::ALL {
                let expected = allowed
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(from.apply(action).ok(), expected, "{from:?} {action:?}");
                if let Some(to) = expected {
                    assert_eq!(action.target(), to, "{action:?}");
                }
            }
            assert_eq!(
                from.cancellable(),
                !matches!(from, W::Completed | W::Cancelled),
                "{from:?}"
            );
        }
        // 已取消 is the end: no move leaves it, and none of customer acceptance either.
        assert!(A::ALL.iter().all(|a| W::Cancelled.apply(*a).is_err()));
        assert_eq!(W::Cancelled.after_acceptance(1, 1), W::Cancelled);
        assert!(!W::Cancelled.milestones_editable());
    }

    #[test]
    fn a_declined_work_order_goes_only_to_a_provider_that_has_not_declined_it() {
        use RedispatchRefusal::*;
        // Provider 1 declined: provider 2 may take it, provider 1 not again.
        assert_eq!(
            check_redispatch(W::Rejected, &[1], 2),
            Ok(W::AwaitingAcceptance)
        );
        assert_eq!(check_redispatch(W::Rejected, &[1], 1), Err(DeclinedBy));
        // Declined by 1, then by 2 after a re-dispatch: neither gets it back.
        assert_eq!(check_redispatch(W::Rejected, &[1, 2], 1), Err(DeclinedBy));
        assert_eq!(check_redispatch(W::Rejected, &[1, 2], 2), Err(DeclinedBy));
        assert_eq!(
            check_redispatch(W::Rejected, &[1, 2], 3),
            Ok(W::AwaitingAcceptance)
        );
        // Only a declined work order is re-dispatched.
        for from in W::all().filter(|s| *s != W::Rejected) {
            assert_eq!(check_redispatch(from, &[], 2), Err(NotDeclined), "{from:?}");
        }
        assert_eq!(DeclinedBy.key(), "wo.error.redispatch_same");
        // 分发 of a work order waiting for its provider follows the same rule.
        assert_eq!(may_receive(&[1], 1), Err(DeclinedBy));
        assert_eq!(may_receive(&[1], 2), Ok(()));
        assert_eq!(may_receive(&[], 1), Ok(()));
        assert_eq!(may_deliver_sold(Some(1), 2), Err(SoldByAnother));
        assert_eq!(may_deliver_sold(Some(1), 1), Ok(()));
        assert_eq!(may_deliver_sold(None, 2), Ok(()));
    }

    #[test]
    fn a_decline_or_cancel_needs_a_reason() {
        assert_eq!(move_reason("  买家撤单 "), Ok("买家撤单".into()));
        assert_eq!(move_reason(" \t\n"), Err("form.required"));
        assert_eq!(move_reason(""), Err("form.required"));
        assert_eq!(
            move_reason(&"取".repeat(TEXT_LIMIT + 1)),
            Err("form.too_long")
        );
        assert_eq!(
            move_reason(&"取".repeat(TEXT_LIMIT))
                .unwrap()
                .chars()
                .count(),
            TEXT_LIMIT
        );
        let reasoned: Vec<A> = A::ALL.into_iter().filter(|a| a.needs_reason()).collect();
        assert_eq!(reasoned, [A::Decline, A::Cancel]);
        let events: Vec<&str> = A::ALL.iter().map(|a| a.event()).collect();
        assert_eq!(
            events,
            ["mark_paid", "accept", "decline", "redispatch", "cancel"]
        );
    }

    #[test]
    fn bills_and_sales_count_only_work_taken_on() {
        let billable: Vec<W> = W::all().filter(|s| s.billable()).collect();
        assert_eq!(
            billable,
            [W::InProgress, W::PartiallyAccepted, W::Completed]
        );
        assert!(!W::Cancelled.billable() && !W::Cancelled.sold());
        let unsold: Vec<W> = W::all().filter(|s| !s.sold()).collect();
        assert_eq!(unsold, [W::AwaitingPayment, W::Rejected, W::Cancelled]);
        assert_eq!(
            W::sql_list(W::billable),
            "'in_progress', 'partially_accepted', 'completed'"
        );
    }

    #[test]
    fn acceptance_of_milestones_drives_the_work_order() {
        assert_eq!(W::InProgress.after_acceptance(0, 2), W::InProgress);
        assert_eq!(W::InProgress.after_acceptance(1, 2), W::PartiallyAccepted);
        assert_eq!(W::PartiallyAccepted.after_acceptance(2, 2), W::Completed);
        // A rejection can take a partially accepted order back to in progress only if
        // nothing stays accepted.
        assert_eq!(W::PartiallyAccepted.after_acceptance(0, 2), W::InProgress);
        // Orders not under way are never touched.
        assert_eq!(
            W::AwaitingAcceptance.after_acceptance(1, 1),
            W::AwaitingAcceptance
        );
        assert_eq!(W::Completed.after_acceptance(1, 2), W::Completed);
    }

    #[test]
    fn an_acceptance_contact_needs_a_valid_email() {
        let ok = AcceptanceContact::parse(" 王芳 ", " wang@example.com ").unwrap();
        assert_eq!(ok.name, "王芳");
        assert_eq!(ok.email, "wang@example.com");
        assert_eq!(ok.label(), "王芳 <wang@example.com>");
        let bare = AcceptanceContact::parse("", "li@example.com").unwrap();
        assert_eq!(bare.label(), "li@example.com");
        assert_eq!(
            AcceptanceContact::parse("x", " "),
            Err(vec![("email", "form.required")])
        );
        assert_eq!(
            AcceptanceContact::parse(&"名".repeat(101), "not-an-address"),
            Err(vec![
                ("name", "form.too_long"),
                ("email", "form.email_invalid")
            ])
        );
        for status in W::all() {
            assert_eq!(contact_changeable(status), status.milestones_editable());
        }
    }

    #[test]
    fn milestone_moves_are_exactly_those_of_the_state_machine() {
        let allowed = [
            (M::NotStarted, MA::Start, M::InProgress),
            (M::InProgress, MA::Submit, M::AwaitingAcceptance),
            (M::AwaitingAcceptance, MA::CustomerAccept, M::Accepted),
            (M::AwaitingAcceptance, MA::CustomerReject, M::InProgress),
            (M::AwaitingAcceptance, MA::Resend, M::AwaitingAcceptance),
            (M::AwaitingAcceptance, MA::Withdraw, M::InProgress),
            (M::AwaitingAcceptance, MA::AcceptOnBehalf, M::Accepted),
            (M::AwaitingAcceptance, MA::AutoAccept, M::Accepted),
        ];
        for from in M::all() {
            for action in MA::ALL {
                let expected = allowed
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(from.apply(action).ok(), expected, "{from:?} {action:?}");
            }
            assert_eq!(
                from.editable(),
                matches!(from, M::NotStarted | M::InProgress)
            );
        }
        assert_eq!(M::Accepted.provider_next(), None);
        assert_eq!(M::AwaitingAcceptance.provider_next(), None);
        // Every way to 已验收 is an acceptance, and only those.
        for action in MA::ALL {
            assert_eq!(
                action.accepts(),
                M::AwaitingAcceptance.apply(action) == Ok(M::Accepted),
                "{action:?}"
            );
            assert_eq!(
                action.answer_event().is_some(),
                action.accepts() || action == MA::CustomerReject
            );
        }
    }

    #[test]
    fn an_acceptance_on_behalf_needs_a_short_reason() {
        assert_eq!(on_behalf_reason("  "), Err("form.required"));
        assert_eq!(
            on_behalf_reason(" 客户邮件确认 "),
            Ok("客户邮件确认".into())
        );
        let long = "验".repeat(ON_BEHALF_REASON_LIMIT + 1);
        assert_eq!(on_behalf_reason(&long), Err("form.too_long"));
        let longest = "验".repeat(ON_BEHALF_REASON_LIMIT);
        assert!(on_behalf_reason(&longest).is_ok());
    }

    #[test]
    fn auto_acceptance_falls_due_days_after_the_link_was_sent() {
        assert_eq!(auto_accept_at(1_000, 2), 1_000 + 2 * 86_400);
    }

    #[test]
    fn statuses_round_trip_through_storage() {
        for s in W::all() {
            assert_eq!(W::from_db(s.as_db()), Some(s));
        }
        for s in M::all() {
            assert_eq!(M::from_db(s.as_db()), Some(s));
        }
        assert_eq!(W::from_db("paid"), None);
    }

    /// The stored codes must never change with a renamed variant.
    #[test]
    fn statuses_keep_their_codes_and_labels() {
        use crate::kit::code::{codes, missing_labels};
        assert_eq!(
            codes::<W>(),
            [
                "awaiting_payment",
                "awaiting_acceptance",
                "in_progress",
                "partially_accepted",
                "completed",
                "rejected",
                "cancelled"
            ]
        );
        assert_eq!(
            codes::<M>(),
            [
                "not_started",
                "in_progress",
                "awaiting_acceptance",
                "accepted"
            ]
        );
        assert_eq!(W::AwaitingPayment.label_key(), "wo.status.awaiting_payment");
        assert_eq!(W::Cancelled.label_key(), "wo.status.cancelled");
        assert_eq!(W::from_db("cancelled"), Some(W::Cancelled));
        assert_eq!(M::NotStarted.label_key(), "ms.status.not_started");
        let mut missing = missing_labels::<W>();
        missing.extend(missing_labels::<M>());
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn dates_are_checked_for_real() {
        assert_eq!(parse_date("2019-09-01").as_deref(), Some("2019-09-01"));
        assert_eq!(parse_date("2020-02-29").as_deref(), Some("2020-02-29"));
        assert_eq!(parse_date("2019-02-29"), None);
        assert_eq!(parse_date("2019-13-01"), None);
        assert_eq!(parse_date("19-09-01"), None);
        assert_eq!(parse_date("2019/09/01"), None);
    }

    #[test]
    fn milestone_input_reports_every_bad_field() {
        let good = MilestoneInput {
            period_start: "2019-09-01".into(),
            period_end: "2019-09-20".into(),
            standard: " 交付分期1 ".into(),
            remarks: String::new(),
        };
        let fields = good.validate().unwrap();
        assert_eq!(fields.period_end.as_deref(), Some("2019-09-20"));
        assert_eq!(fields.standard, "交付分期1");

        let open_ended = MilestoneInput {
            period_end: String::new(),
            ..good.clone()
        };
        assert_eq!(open_ended.validate().unwrap().period_end, None);

        let backwards = MilestoneInput {
            period_end: "2019-08-31".into(),
            ..good.clone()
        };
        assert_eq!(
            backwards.validate().unwrap_err(),
            vec![("period_end", "ms.error.end_before_start")]
        );

        let empty = MilestoneInput::default();
        assert_eq!(
            empty.validate().unwrap_err(),
            vec![
                ("period_start", "form.required"),
                ("standard", "form.required")
            ]
        );
        let bad_date = MilestoneInput {
            period_start: "2019-02-30".into(),
            ..good
        };
        assert_eq!(
            bad_date.validate().unwrap_err(),
            vec![("period_start", "form.date_invalid")]
        );
    }
}

/// Checks work orders that name catalogue entries against what the catalogue says (`plans`,
/// one per work order: `None` where it names none, `Some(None)` where the entry is not
/// listed): the currency, the price before tax and the tax rate must be the plan's. A checked
/// work order takes the item's name and version. Errors as `validate_order`'s.
pub fn sold_as(
    work_orders: &mut [ValidWorkOrder],
    plans: &[Option<Option<SoldPlan>>],
) -> Result<(), Vec<(String, &'static str)>> {
    let mut errors = Vec::new();
    for (i, (wo, plan)) in work_orders.iter_mut().zip(plans).enumerate() {
        let field = |name: &str| format!("work_orders[{i}].{name}");
        let Some(plan) = plan else { continue };
        let Some(plan) = plan else {
            errors.push((field("plan_id"), "intake.error.not_listed"));
            continue;
        };
        let before = errors.len();
        if wo.currency != plan.price.currency {
            errors.push((field("currency"), "intake.error.plan_currency"));
        }
        if plan.price.to_minor().ok() != Some(wo.unit_price_minor) {
            errors.push((field("price"), "intake.error.plan_price"));
        }
        if Decimal::from_str(&wo.tax_rate).ok() != Some(plan.tax_rate) {
            errors.push((field("tax_rate"), "intake.error.plan_tax_rate"));
        }
        if errors.len() == before {
            wo.service_item_name = plan.item_name.clone();
            wo.sold_version = Some(plan.version);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod intake_tests {
    use super::*;

    fn order() -> OrderIn {
        OrderIn {
            order_no: "201912050713251962".into(),
            buyer_company: "TestCompany-A".into(),
            contact_name: String::new(),
            contact_email: "buyer@example.com".into(),
            solution_name: "Product_X".into(),
            solution_quantity: 1,
            picture_url: String::new(),
            paid: false,
            work_orders: vec![WorkOrderIn {
                work_order_no: "20191205071325781".into(),
                service_item_name: "部署服务".into(),
                service_item_id: None,
                sku_id: None,
                plan_id: None,
                implementation: String::new(),
                price: "100.00".into(),
                tax_rate: "0.06".into(),
                quantity: 3,
                currency: "CNY".into(),
            }],
        }
    }

    fn referenced() -> OrderIn {
        let mut order = order();
        let wo = &mut order.work_orders[0];
        wo.service_item_name = String::new();
        (wo.service_item_id, wo.sku_id, wo.plan_id) = (Some(7), Some(8), Some(9));
        order
    }

    fn plan(price: &str, tax: &str, currency: Currency) -> SoldPlan {
        SoldPlan {
            item_name: "部署服务（目录）".into(),
            version: 4,
            price: Money::new(Decimal::from_str(price).unwrap(), currency),
            tax_rate: Decimal::from_str(tax).unwrap(),
        }
    }

    #[test]
    fn a_catalogue_reference_is_all_three_ids_or_none() {
        let mut valid = validate_order(&referenced()).unwrap();
        assert_eq!(
            valid[0].sold_from,
            Some(CatalogueRef {
                item_id: 7,
                sku_id: 8,
                plan_id: 9
            })
        );
        // Named by reference, the item's name comes from the catalogue.
        sold_as(
            &mut valid,
            &[Some(Some(plan("100", "0.060", Currency::Cny)))],
        )
        .unwrap();
        assert_eq!(valid[0].service_item_name, "部署服务（目录）");
        assert_eq!(valid[0].sold_version, Some(4));

        let mut half = referenced();
        half.work_orders[0].plan_id = None;
        half.work_orders[0].sku_id = None;
        let errors = validate_order(&half).unwrap_err();
        assert!(errors.contains(&(
            "work_orders[0].plan_id".into(),
            "intake.error.catalogue_ref"
        )));
        assert!(errors.contains(&("work_orders[0].sku_id".into(), "intake.error.catalogue_ref")));
        // Without a reference, a name is needed.
        let mut nameless = order();
        nameless.work_orders[0].service_item_name = " ".into();
        let errors = validate_order(&nameless).unwrap_err();
        assert_eq!(
            errors,
            [("work_orders[0].service_item_name".into(), "form.required")]
        );
        // A free-text order is not checked against anything.
        let mut free = validate_order(&order()).unwrap();
        sold_as(&mut free, &[None]).unwrap();
        assert_eq!(free[0].sold_from, None);
        assert_eq!(free[0].sold_version, None);
    }

    #[test]
    fn a_referenced_work_order_is_sold_at_its_plan_s_price() {
        let check = |plan: Option<SoldPlan>| {
            let mut valid = validate_order(&referenced()).unwrap();
            sold_as(&mut valid, &[Some(plan)]).map(|()| valid)
        };
        assert!(check(Some(plan("100.00", "0.06", Currency::Cny))).is_ok());
        assert_eq!(
            check(Some(plan("100.01", "0.06", Currency::Cny))).unwrap_err(),
            [("work_orders[0].price".into(), "intake.error.plan_price")]
        );
        assert_eq!(
            check(Some(plan("100.00", "0.13", Currency::Cny))).unwrap_err(),
            [(
                "work_orders[0].tax_rate".into(),
                "intake.error.plan_tax_rate"
            )]
        );
        assert_eq!(
            check(Some(plan("100.00", "0.06", Currency::Usd))).unwrap_err(),
            [(
                "work_orders[0].currency".into(),
                "intake.error.plan_currency"
            )]
        );
        assert_eq!(
            check(None).unwrap_err(),
            [("work_orders[0].plan_id".into(), "intake.error.not_listed")]
        );
    }

    #[test]
    fn amounts_are_computed_exactly() {
        let valid = validate_order(&order()).unwrap();
        assert_eq!(valid[0].unit_price_minor, 10_000);
        assert_eq!(valid[0].unit_price_incl_minor, 10_600);
        assert_eq!(valid[0].total_incl_minor, 31_800);
        assert_eq!(valid[0].tax_rate, "0.06");

        let mut huge = order();
        huge.work_orders[0].price = "4888888888888889.00".into();
        huge.work_orders[0].tax_rate = "0".into();
        huge.work_orders[0].quantity = 1;
        assert_eq!(
            validate_order(&huge).unwrap()[0].total_incl_minor,
            488_888_888_888_888_900
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut bad = order();
        bad.order_no = "12ab".into();
        bad.contact_email = "not an email".into();
        bad.work_orders[0].price = "1.005".into();
        bad.work_orders[0].tax_rate = "1.5".into();
        bad.work_orders[0].currency = "EUR".into();
        bad.work_orders.push(bad.work_orders[0].clone());
        let errors = validate_order(&bad).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        for expected in [
            "order_no",
            "contact_email",
            "work_orders[0].currency",
            "work_orders[0].price",
            "work_orders[0].tax_rate",
            "work_orders[1].work_order_no",
        ] {
            assert!(
                fields.contains(&expected),
                "{expected} missing from {fields:?}"
            );
        }
        let mut overflow = order();
        overflow.work_orders[0].price = "79228162514264337593543950335".into();
        assert!(validate_order(&overflow).is_err());
    }
}

#[cfg(test)]
mod list_tests {
    use super::Realm;

    #[test]
    fn the_platform_filter_reads_all_undispatched_or_a_provider_id() {
        assert_eq!(Realm::parse_platform("").unwrap(), Realm::All);
        assert_eq!(
            Realm::parse_platform(" none ").unwrap(),
            Realm::Undispatched
        );
        assert_eq!(Realm::parse_platform("7").unwrap(), Realm::Provider(7));
        for bad in ["0", "-3", "x", "1.5", "99999999999999999999"] {
            assert!(Realm::parse_platform(bad).is_err(), "{bad}");
        }
    }
}
