//! Work orders and milestones: their states and the only moves between them (domain.md,
//! "State machines"). Plain Rust, shared by both sides and unit-tested.

use crate::kit::code::Code;
use serde::{Deserialize, Serialize};

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
}

/// Labels: 待付款, 待接单, 实施中, 部分验收, 已完成, 已拒绝.
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
            (from, action) => Err(Forbidden { from, action }),
        }
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
        ];
        for from in W::all() {
            for action in [A::MarkPaid, A::Accept, A::Decline] {
                let expected = allowed
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(from.apply(action).ok(), expected, "{from:?} {action:?}");
            }
        }
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
    fn milestone_moves_are_exactly_those_of_the_state_machine() {
        let allowed = [
            (M::NotStarted, MA::Start, M::InProgress),
            (M::InProgress, MA::Submit, M::AwaitingAcceptance),
            (M::AwaitingAcceptance, MA::CustomerAccept, M::Accepted),
            (M::AwaitingAcceptance, MA::CustomerReject, M::InProgress),
        ];
        let actions = [
            MA::Start,
            MA::Submit,
            MA::CustomerAccept,
            MA::CustomerReject,
        ];
        for from in M::all() {
            for action in actions {
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
                "rejected"
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
