//! Service items: the review states, the only moves between them (domain.md, "Service
//! item"), what a move does to the item's versions, the checks of typed fields and
//! attachments, the history's change lines, and the price arithmetic of plans. Plain Rust,
//! unit-tested.

use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::money::{tax_inclusive, Currency, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// 审核状态.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceStatus {
    /// 待提交: never submitted.
    Draft,
    /// 待审核: submitted; the platform reviews the submitted version.
    PendingReview,
    /// 通过: listed on the marketplace.
    Approved,
    /// 已拒绝: refused with a reason; editable and resubmittable.
    Rejected,
    /// 下架申请: the provider asked to take it off the marketplace.
    DelistRequested,
    /// 已下架: off the marketplace; editable and resubmittable.
    Delisted,
}

/// Labels: 待提交, 待审核, 通过, 已拒绝, 下架申请, 已下架.
impl Code for ServiceStatus {
    const LABELS: Option<&'static str> = Some("svc.status");
}

impl ServiceStatus {
    /// Whether 保存 (and SKU, plan and attachment changes) is allowed, or why not: an
    /// approved item only after delisting (§4.1.3); one under review not at all, so the
    /// platform decides on exactly the version it was sent.
    pub fn edit_refusal(self) -> Option<&'static str> {
        match self {
            ServiceStatus::Draft | ServiceStatus::Rejected | ServiceStatus::Delisted => None,
            ServiceStatus::Approved => Some("svc.error.approved_locked"),
            ServiceStatus::PendingReview | ServiceStatus::DelistRequested => {
                Some("svc.error.under_review")
            }
        }
    }

    pub fn editable(self) -> bool {
        self.edit_refusal().is_none()
    }

    /// On the marketplace: approved, and still while its delisting is asked. The catalogue
    /// API lists these, as their approved version says.
    pub const LISTED: [ServiceStatus; 2] =
        [ServiceStatus::Approved, ServiceStatus::DelistRequested];

    /// Waiting for the platform: the review queue shows these.
    pub fn awaits_platform(self) -> bool {
        matches!(
            self,
            ServiceStatus::PendingReview | ServiceStatus::DelistRequested
        )
    }
}

/// A move of the review workflow and who may make it; stored in the review history.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewAction {
    /// 提交审核 (provider).
    Submit,
    /// 通过 (platform).
    Approve,
    /// 驳回 with a reason (platform).
    Reject,
    /// 下架 (provider, on a listed item).
    RequestDelisting,
    /// The platform takes the item off the marketplace.
    ApproveDelisting,
    /// The platform keeps it listed, with a reason.
    RefuseDelisting,
}

/// No labels of its own: the audit log names a move by its `audit.svc_<code>` key.
impl Code for ReviewAction {
    const LABELS: Option<&'static str> = None;
}

impl ReviewAction {
    pub fn by_platform(self) -> bool {
        matches!(
            self,
            ReviewAction::Approve
                | ReviewAction::Reject
                | ReviewAction::ApproveDelisting
                | ReviewAction::RefuseDelisting
        )
    }

    /// Refusals carry a reason the provider reads on the item.
    pub fn needs_reason(self) -> bool {
        matches!(self, ReviewAction::Reject | ReviewAction::RefuseDelisting)
    }

    /// The state this move leads to from `from`, or None where the move is not allowed.
    pub fn next(self, from: ServiceStatus) -> Option<ServiceStatus> {
        use ServiceStatus as S;
        match (self, from) {
            (ReviewAction::Submit, S::Draft | S::Rejected | S::Delisted) => Some(S::PendingReview),
            (ReviewAction::Approve, S::PendingReview) => Some(S::Approved),
            (ReviewAction::Reject, S::PendingReview) => Some(S::Rejected),
            (ReviewAction::RequestDelisting, S::Approved) => Some(S::DelistRequested),
            (ReviewAction::ApproveDelisting, S::DelistRequested) => Some(S::Delisted),
            (ReviewAction::RefuseDelisting, S::DelistRequested) => Some(S::Approved),
            _ => None,
        }
    }
}

/// An item's review state as the store reads it under its lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewState {
    pub status: ServiceStatus,
    /// The working copy's version.
    pub version: i64,
    /// The version submitted for review, or last decided.
    pub review_version: Option<i64>,
}

/// What a review move writes on the item and in its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewOutcome {
    pub to: ServiceStatus,
    pub review_version: Option<i64>,
    /// The refusal's reason the provider reads; empty unless refused.
    pub decision_reason: String,
    /// Whether the move starts a wait for the platform (`submitted_at` set to now).
    pub submitted: bool,
    /// The version the history names: the one reviewed, else the working copy.
    pub event_version: i64,
}

impl ReviewAction {
    /// Whether this side may make the move with this reason, before anything is read: a
    /// provider's move by the platform (or the reverse) is forbidden, a refusal needs a reason.
    pub fn permit(self, by_platform: bool, reason: &str) -> Result<(), AppError> {
        if self.by_platform() != by_platform {
            return Err(AppError::Forbidden);
        }
        if self.needs_reason() && reason.trim().is_empty() {
            return Err(AppError::invalid(&[("reason", "form.required")]));
        }
        Ok(())
    }

    /// What the move does to an item in `item`'s state. The platform names the version it
    /// decides on (`reviewed_version`): if the item moved on meanwhile, the decision is
    /// refused rather than applied to something unseen. 提交审核 sends the working copy.
    pub fn outcome(
        self,
        item: ReviewState,
        reviewed_version: Option<i64>,
        reason: &str,
    ) -> Result<ReviewOutcome, AppError> {
        let to = self
            .next(item.status)
            .ok_or_else(|| AppError::Conflict("svc.error.state".into()))?;
        if let Some(seen) = reviewed_version {
            if item.review_version != Some(seen) {
                return Err(AppError::Conflict("svc.error.version_moved".into()));
            }
        }
        let (review_version, decision_reason, submitted) = match self {
            ReviewAction::Submit => (Some(item.version), String::new(), true),
            ReviewAction::RequestDelisting => (item.review_version, String::new(), true),
            ReviewAction::Reject | ReviewAction::RefuseDelisting => {
                (item.review_version, reason.trim().to_owned(), false)
            }
            ReviewAction::Approve | ReviewAction::ApproveDelisting => {
                (item.review_version, String::new(), false)
            }
        };
        Ok(ReviewOutcome {
            to,
            review_version,
            decision_reason,
            submitted,
            event_version: review_version.unwrap_or(item.version),
        })
    }
}

/// 提交审核 needs a description (`description_blank` says there is none) and at least one
/// SKU, none of them without a plan (`bare_skus`).
pub fn check_complete(description_blank: bool, skus: i64, bare_skus: i64) -> Result<(), AppError> {
    if description_blank {
        return Err(AppError::Conflict("svc.error.no_description".into()));
    }
    if skus == 0 || bare_skus > 0 {
        return Err(AppError::Conflict("svc.error.no_plan".into()));
    }
    Ok(())
}

/// The version after `version`: every saved change is one.
pub fn next_version(version: i64) -> i64 {
    version + 1
}

/// The longest description kept, in bytes of sanitized HTML.
pub const MAX_DESCRIPTION_BYTES: usize = 100_000;

/// 基本信息 as saved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BasicInput {
    pub name: String,
    pub product: String,
    pub owner_name: String,
    pub owner_contact: String,
    /// Already sanitized.
    pub description_html: String,
}

fn required(
    errors: &mut Vec<(&'static str, &'static str)>,
    field: &'static str,
    value: &str,
    max: usize,
) {
    if value.is_empty() {
        errors.push((field, "form.required"));
    } else if value.chars().count() > max {
        errors.push((field, "form.too_long_short"));
    }
}

impl BasicInput {
    pub fn check(&self) -> Vec<(&'static str, &'static str)> {
        let mut errors = Vec::new();
        required(&mut errors, "name", &self.name, 100);
        required(&mut errors, "product", &self.product, 100);
        required(&mut errors, "owner_name", &self.owner_name, 50);
        required(&mut errors, "owner_contact", &self.owner_contact, 100);
        if self.description_html.len() > MAX_DESCRIPTION_BYTES {
            errors.push(("description", "svc.error.description_long"));
        }
        errors
    }

    /// What 保存 changes from `before`, named for the version's history: each field's
    /// `old → new`, the description only as changed. Empty: nothing to save.
    pub fn changes_from(&self, before: &BasicInput) -> Vec<(&'static str, String)> {
        let mut changes = Vec::new();
        for (key, old, new) in [
            ("name", &before.name, &self.name),
            ("product", &before.product, &self.product),
            ("owner_name", &before.owner_name, &self.owner_name),
            ("owner_contact", &before.owner_contact, &self.owner_contact),
        ] {
            if old != new {
                changes.push((key, format!("{old} → {new}")));
            }
        }
        if before.description_html != self.description_html {
            changes.push(("description", String::new()));
        }
        changes
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkuInput {
    pub name: String,
    pub specification: String,
    pub region: String,
}

impl SkuInput {
    pub fn check(&self) -> Vec<(&'static str, &'static str)> {
        let mut errors = Vec::new();
        required(&mut errors, "name", &self.name, 100);
        if self.specification.chars().count() > 500 {
            errors.push(("specification", "form.too_long_short"));
        }
        if self.region.chars().count() > 100 {
            errors.push(("region", "form.too_long_short"));
        }
        errors
    }
}

/// A version's changes as stored: one `key<TAB>detail` line each, the detail without control
/// characters (a tab or newline would break the format) and cut to 200 characters.
pub fn change_lines(changes: &[(&str, String)]) -> String {
    changes
        .iter()
        .map(|(key, detail)| {
            let detail: String = detail
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect();
            format!("{key}\t{detail}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The stored changes read back, as (key, detail).
pub fn read_change_lines(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(|line| {
            let (key, detail) = line.split_once('\t').unwrap_or((line, ""));
            (key.to_owned(), detail.to_owned())
        })
        .collect()
}

/// An attachment's size as the page shows it: whole KB rounded up, MB with one decimal.
pub fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// An attachment of `len` bytes, before its content is judged: not empty, at most
/// `max_bytes`.
pub fn check_upload_size(len: usize, max_bytes: usize) -> Result<(), AppError> {
    if len == 0 {
        return Err(AppError::invalid(&[("file", "form.required")]));
    }
    if len > max_bytes {
        return Err(AppError::invalid(&[("file", "ev.error.size")]));
    }
    Ok(())
}

/// Room for one more attachment beside `count`, at most `max_files` per item.
pub fn check_file_room(count: i64, max_files: i64) -> Result<(), AppError> {
    if count >= max_files {
        return Err(AppError::invalid(&[("file", "svc.error.too_many_files")]));
    }
    Ok(())
}

/// How a plan is paid.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BillingMode {
    /// 一次性.
    OneTime,
    /// 按月: the price is per month.
    Monthly,
    /// 分期: the price is paid in equal installments.
    Installments,
}

impl Code for BillingMode {
    const LABELS: Option<&'static str> = Some("svc.mode");
}

pub const MAX_INSTALLMENTS: i64 = 60;
pub const MAX_INTERVAL_MONTHS: i64 = 12;

/// A plan as typed, before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanForm {
    pub name: String,
    pub billing_mode: String,
    pub price: String,
    pub currency: String,
    /// Percent, as people write tax rates: 6 or 6.5.
    pub tax_percent: String,
    pub installments: String,
    pub interval_months: String,
}

/// A checked plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub name: String,
    pub mode: BillingMode,
    pub price: Money,
    /// A fraction: 0.06 for 6 %.
    pub tax_rate: Decimal,
    pub installments: i64,
    pub interval_months: i64,
}

/// A decimal as typed: digits with an optional point, no sign, exponent or grouping.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let text = text.trim();
    let plain = !text.is_empty()
        && text.chars().all(|c| c.is_ascii_digit() || c == '.')
        && text.matches('.').count() <= 1
        && !text.starts_with('.')
        && !text.ends_with('.');
    if plain {
        Decimal::from_str(text).ok()
    } else {
        None
    }
}

/// Percent (6.5) to fraction (0.065), refusing more than two decimals of a percent and
/// anything over 100 %.
pub fn parse_tax_percent(text: &str) -> Result<Decimal, &'static str> {
    let percent = parse_decimal(text).ok_or("svc.error.tax")?;
    if percent.normalize().scale() > 2 || percent > Decimal::from(100) {
        return Err("svc.error.tax");
    }
    Ok((percent / Decimal::from(100)).normalize())
}

impl PlanForm {
    /// Checks every field; the errors are (field, translation key) pairs.
    pub fn check(&self) -> Result<Plan, Vec<(&'static str, &'static str)>> {
        let mut errors = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.push(("name", "form.required"));
        } else if name.chars().count() > 100 {
            errors.push(("name", "form.too_long_short"));
        }
        let mode = BillingMode::from_db(&self.billing_mode);
        if mode.is_none() {
            errors.push(("billing_mode", "form.required"));
        }
        let currency = Currency::from_code(&self.currency);
        if currency.is_none() {
            errors.push(("currency", "form.required"));
        }
        let price = match parse_decimal(&self.price) {
            None => {
                errors.push(("price", "svc.error.price"));
                None
            }
            Some(amount) => {
                let money = Money::new(amount, currency.unwrap_or(Currency::Cny));
                match money.to_minor() {
                    Ok(minor) if minor <= 1_000_000_000_000 => Some(money),
                    _ => {
                        errors.push(("price", "svc.error.price"));
                        None
                    }
                }
            }
        };
        let tax_rate = match parse_tax_percent(&self.tax_percent) {
            Ok(rate) => Some(rate),
            Err(code) => {
                errors.push(("tax_percent", code));
                None
            }
        };
        let (mut installments, mut interval_months) = (1, 1);
        if mode == Some(BillingMode::Installments) {
            match self.installments.trim().parse::<i64>() {
                Ok(n) if (2..=MAX_INSTALLMENTS).contains(&n) => installments = n,
                _ => errors.push(("installments", "svc.error.installments")),
            }
            match self.interval_months.trim().parse::<i64>() {
                Ok(n) if (1..=MAX_INTERVAL_MONTHS).contains(&n) => interval_months = n,
                _ => errors.push(("interval_months", "svc.error.interval")),
            }
        }
        match (mode, price, tax_rate) {
            (Some(mode), Some(price), Some(tax_rate)) if errors.is_empty() => Ok(Plan {
                name: name.to_owned(),
                mode,
                price,
                tax_rate,
                installments,
                interval_months,
            }),
            _ => Err(errors),
        }
    }
}

impl Plan {
    /// The price with tax, half-up to the cent (domain.md, "Money").
    pub fn price_with_tax(&self) -> Money {
        let amount = tax_inclusive(self.price.amount, self.tax_rate).unwrap_or(self.price.amount);
        Money::new(amount, self.price.currency)
    }

    /// What the buyer pays when: one payment, or the installments (分期).
    pub fn schedule(&self) -> Vec<Money> {
        let total = self.price_with_tax();
        installment_schedule(total.amount, self.installments)
            .into_iter()
            .map(|a| Money::new(a, total.currency))
            .collect()
    }
}

/// Splits `total` into `n` payments to the cent that add up to it exactly: equal payments,
/// the first carrying the leftover cents.
pub fn installment_schedule(total: Decimal, n: i64) -> Vec<Decimal> {
    let n = n.max(1);
    let cents = (total * Decimal::from(100)).trunc();
    let each = (cents / Decimal::from(n)).trunc();
    let first = cents - each * Decimal::from(n - 1);
    let mut payments = vec![first / Decimal::from(100)];
    payments.extend((1..n).map(|_| each / Decimal::from(100)));
    payments
        .into_iter()
        .map(|mut p| {
            p.rescale(2);
            p
        })
        .collect()
}

/// Tax rate shown as people write it: 0.06 → "6".
pub fn percent_text(rate: Decimal) -> String {
    (rate * Decimal::from(100)).normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::code::{codes, missing_labels};
    use ServiceStatus as S;

    /// The stored codes must never change with a renamed variant.
    #[test]
    fn statuses_actions_and_modes_keep_their_codes_and_labels() {
        assert_eq!(
            codes::<ServiceStatus>(),
            [
                "draft",
                "pending_review",
                "approved",
                "rejected",
                "delist_requested",
                "delisted"
            ]
        );
        assert_eq!(
            codes::<ReviewAction>(),
            [
                "submit",
                "approve",
                "reject",
                "request_delisting",
                "approve_delisting",
                "refuse_delisting"
            ]
        );
        assert_eq!(
            codes::<BillingMode>(),
            ["one_time", "monthly", "installments"]
        );
        assert_eq!(S::from_db("pending"), None);
        assert_eq!(BillingMode::from_db("onetime"), None);
        assert_eq!(
            S::DelistRequested.label_key(),
            "svc.status.delist_requested"
        );
        assert_eq!(BillingMode::OneTime.label_key(), "svc.mode.one_time");
        let mut missing = missing_labels::<ServiceStatus>();
        missing.extend(missing_labels::<BillingMode>());
        assert!(missing.is_empty(), "{missing:?}");
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn the_review_workflow_allows_only_its_moves() {
        use ReviewAction as A;
        let all_actions = [
            A::Submit,
            A::Approve,
            A::Reject,
            A::RequestDelisting,
            A::ApproveDelisting,
            A::RefuseDelisting,
        ];
        let allowed: Vec<(A, S, S)> = all_actions
            .iter()
            .flat_map(|a| S::all().map(move |s| (*a, s)))
            .filter_map(|(a, s)| a.next(s).map(|n| (a, s, n)))
            .collect();
        assert_eq!(
            allowed,
            vec![
                (A::Submit, S::Draft, S::PendingReview),
                (A::Submit, S::Rejected, S::PendingReview),
                (A::Submit, S::Delisted, S::PendingReview),
                (A::Approve, S::PendingReview, S::Approved),
                (A::Reject, S::PendingReview, S::Rejected),
                (A::RequestDelisting, S::Approved, S::DelistRequested),
                (A::ApproveDelisting, S::DelistRequested, S::Delisted),
                (A::RefuseDelisting, S::DelistRequested, S::Approved),
            ]
        );
        assert!(A::Reject.needs_reason() && A::RefuseDelisting.needs_reason());
        assert!(!A::Submit.by_platform() && !A::RequestDelisting.by_platform());
        assert!(A::Approve.by_platform() && A::ApproveDelisting.by_platform());
    }

    #[test]
    fn only_items_off_the_marketplace_and_out_of_review_are_editable() {
        let editable: Vec<S> = S::all().filter(|s| s.editable()).collect();
        assert_eq!(editable, [S::Draft, S::Rejected, S::Delisted]);
        // The manual's rule for a listed item (§4.1.3).
        assert_eq!(
            S::Approved.edit_refusal(),
            Some("svc.error.approved_locked")
        );
        for s in S::all() {
            assert_eq!(S::from_db(s.as_db()), Some(s));
        }
    }

    fn form(price: &str, tax: &str) -> PlanForm {
        PlanForm {
            name: "标准计划".into(),
            billing_mode: "one_time".into(),
            price: price.into(),
            currency: "CNY".into(),
            tax_percent: tax.into(),
            installments: String::new(),
            interval_months: String::new(),
        }
    }

    #[test]
    fn tax_inclusive_prices_are_exact() {
        let plan = form("100.00", "6").check().unwrap();
        assert_eq!(plan.tax_rate, d("0.06"));
        assert_eq!(plan.price_with_tax().to_string(), "¥106.00");
        // 0.25 × 1.065 = 0.26625 → 0.27, half-up.
        let plan = form("0.25", "6.5").check().unwrap();
        assert_eq!(plan.price_with_tax().amount, d("0.27"));
        // 33.33 × 1.13 = 37.6629 → 37.66; a float would print 37.662899999….
        let plan = form("33.33", "13").check().unwrap();
        assert_eq!(plan.price_with_tax().amount, d("37.66"));
        assert_eq!(percent_text(plan.tax_rate), "13");
        assert_eq!(
            form("10", "0").check().unwrap().price_with_tax().amount,
            d("10")
        );
    }

    #[test]
    fn bad_prices_and_rates_are_refused_per_field() {
        for bad in ["", "-1", "1e3", "1,000", "abc", "1.005", ".5", "1."] {
            let errors = form(bad, "6").check().unwrap_err();
            assert_eq!(errors, vec![("price", "svc.error.price")], "{bad:?}");
        }
        for bad in ["", "101", "6.125", "-6", "six"] {
            let errors = form("1", bad).check().unwrap_err();
            assert_eq!(errors, vec![("tax_percent", "svc.error.tax")], "{bad:?}");
        }
        let mut installments = form("100", "6");
        installments.billing_mode = "installments".into();
        installments.installments = "1".into();
        installments.interval_months = "13".into();
        assert_eq!(
            installments.check().unwrap_err(),
            vec![
                ("installments", "svc.error.installments"),
                ("interval_months", "svc.error.interval")
            ]
        );
    }

    #[test]
    fn installments_add_up_to_the_cent() {
        assert_eq!(
            installment_schedule(d("100.00"), 3),
            vec![d("33.34"), d("33.33"), d("33.33")]
        );
        assert_eq!(
            installment_schedule(d("0.05"), 12).iter().sum::<Decimal>(),
            d("0.05")
        );
        let mut plan = form("999.99", "6");
        plan.billing_mode = "installments".into();
        plan.installments = "12".into();
        plan.interval_months = "1".into();
        let plan = plan.check().unwrap();
        let schedule = plan.schedule();
        assert_eq!(schedule.len(), 12);
        let sum: Decimal = schedule.iter().map(|m| m.amount).sum();
        assert_eq!(sum, plan.price_with_tax().amount);
        assert_eq!(plan.price_with_tax().amount, d("1059.99"));
    }

    fn state(status: S, version: i64, review_version: Option<i64>) -> ReviewState {
        ReviewState {
            status,
            version,
            review_version,
        }
    }

    #[test]
    fn each_side_makes_only_its_own_moves_and_refusals_carry_a_reason() {
        use ReviewAction as A;
        assert_eq!(A::Submit.permit(false, ""), Ok(()));
        assert_eq!(A::Submit.permit(true, ""), Err(AppError::Forbidden));
        assert_eq!(A::Approve.permit(false, ""), Err(AppError::Forbidden));
        assert_eq!(
            A::Reject.permit(true, "  "),
            Err(AppError::invalid(&[("reason", "form.required")]))
        );
        assert_eq!(A::RefuseDelisting.permit(true, "still sold"), Ok(()));
    }

    #[test]
    fn a_review_move_names_the_version_it_sends_or_decides() {
        use ReviewAction as A;
        // 提交审核 sends the working copy and starts the wait.
        let sent = A::Submit
            .outcome(state(S::Rejected, 7, Some(4)), None, "")
            .unwrap();
        assert_eq!(
            sent,
            ReviewOutcome {
                to: S::PendingReview,
                review_version: Some(7),
                decision_reason: String::new(),
                submitted: true,
                event_version: 7,
            }
        );
        // A refusal keeps the reviewed version and the trimmed reason.
        let refused = A::Reject
            .outcome(state(S::PendingReview, 8, Some(7)), Some(7), " 价格不明 ")
            .unwrap();
        assert_eq!(refused.review_version, Some(7));
        assert_eq!(refused.decision_reason, "价格不明");
        assert!(!refused.submitted);
        assert_eq!(refused.event_version, 7);
        // Never reviewed: the history names the working copy.
        let delisting = A::RequestDelisting
            .outcome(state(S::Approved, 3, None), None, "")
            .unwrap();
        assert_eq!((delisting.submitted, delisting.event_version), (true, 3));
        // The item moved on since the platform looked, or the move is not allowed.
        assert_eq!(
            A::Approve.outcome(state(S::PendingReview, 9, Some(9)), Some(8), ""),
            Err(AppError::Conflict("svc.error.version_moved".into()))
        );
        assert_eq!(
            A::Approve.outcome(state(S::Draft, 1, None), Some(1), ""),
            Err(AppError::Conflict("svc.error.state".into()))
        );
    }

    #[test]
    fn only_a_described_item_whose_skus_all_have_plans_is_submitted() {
        assert_eq!(check_complete(false, 2, 0), Ok(()));
        assert_eq!(
            check_complete(true, 2, 0),
            Err(AppError::Conflict("svc.error.no_description".into()))
        );
        let no_plan = Err(AppError::Conflict("svc.error.no_plan".into()));
        assert_eq!(check_complete(false, 0, 0), no_plan);
        assert_eq!(check_complete(false, 2, 1), no_plan);
        assert_eq!(next_version(4), 5);
    }

    fn basic() -> BasicInput {
        BasicInput {
            name: "云主机运维".into(),
            product: "ECS".into(),
            owner_name: "王工".into(),
            owner_contact: "wang@example.com".into(),
            description_html: "<p>x</p>".into(),
        }
    }

    #[test]
    fn basic_fields_and_skus_are_checked_per_field() {
        assert!(basic().check().is_empty());
        let mut bad = basic();
        bad.name = String::new();
        bad.owner_name = "长".repeat(51);
        bad.description_html = "x".repeat(MAX_DESCRIPTION_BYTES + 1);
        assert_eq!(
            bad.check(),
            vec![
                ("name", "form.required"),
                ("owner_name", "form.too_long_short"),
                ("description", "svc.error.description_long")
            ]
        );
        let sku = SkuInput {
            name: "标准版".into(),
            specification: "s".repeat(501),
            region: "r".repeat(101),
        };
        assert_eq!(
            sku.check(),
            vec![
                ("specification", "form.too_long_short"),
                ("region", "form.too_long_short")
            ]
        );
    }

    #[test]
    fn saving_names_what_changed_and_nothing_when_nothing_did() {
        assert!(basic().changes_from(&basic()).is_empty());
        let mut changed = basic();
        changed.product = "RDS".into();
        changed.description_html = "<p>y</p>".into();
        assert_eq!(
            changed.changes_from(&basic()),
            vec![
                ("product", "ECS → RDS".to_owned()),
                ("description", String::new())
            ]
        );
    }

    #[test]
    fn change_lines_read_back_as_written_without_control_characters() {
        let text = change_lines(&[
            ("name", "a\tb\nc".to_owned()),
            ("description", String::new()),
            ("file_added", "长".repeat(250)),
        ]);
        let read = read_change_lines(&text);
        assert_eq!(read.len(), 3);
        assert_eq!(read[0], ("name".to_owned(), "abc".to_owned()));
        assert_eq!(read[1], ("description".to_owned(), String::new()));
        assert_eq!(read[2].1.chars().count(), 200);
        assert_eq!(
            read_change_lines("created"),
            vec![("created".into(), String::new())]
        );
    }

    #[test]
    fn attachments_are_bounded_in_size_and_number() {
        assert_eq!(size_text(1), "1 KB");
        assert_eq!(size_text(1024), "1 KB");
        assert_eq!(size_text(1025), "2 KB");
        assert_eq!(size_text(1536 * 1024), "1.5 MB");
        assert_eq!(
            check_upload_size(0, 10),
            Err(AppError::invalid(&[("file", "form.required")]))
        );
        assert_eq!(
            check_upload_size(11, 10),
            Err(AppError::invalid(&[("file", "ev.error.size")]))
        );
        assert_eq!(check_upload_size(10, 10), Ok(()));
        assert_eq!(check_file_room(9, 10), Ok(()));
        assert_eq!(
            check_file_room(10, 10),
            Err(AppError::invalid(&[("file", "svc.error.too_many_files")]))
        );
    }

    #[test]
    fn pages_are_at_least_one() {
        use crate::kit::pager::page_count;
        assert_eq!(page_count(0, 15), 1);
        assert_eq!(page_count(15, 15), 1);
        assert_eq!(page_count(16, 15), 2);
    }
}
