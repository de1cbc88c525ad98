//! Service items: the review states, the only moves between them (domain.md, "Service
//! item"), and the price arithmetic of plans. Plain Rust, unit-tested.

use crate::kit::code::Code;
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
}
