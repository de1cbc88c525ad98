//! Settlement bills: their states, the only moves between them, the checks of what a move
//! or a generation asks, and the arithmetic every view of a bill shares (domain.md, "Bill"
//! and "Money"). Plain Rust, unit-tested.

use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::money::{Currency, Money, Totals};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// 账单状态, declared in the order of the list's status filter (§6.1.1).
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BillStatus {
    /// 未分账: generated, not yet sent to the provider.
    Unsettled,
    /// 确认中: waiting for the provider's 确认账单 or 驳回.
    Confirming,
    /// 待打款: confirmed, waiting for the platform's payout.
    AwaitingPayout,
    /// 已完成: paid out.
    Completed,
    /// 已驳回: the provider disputes it; the platform revises.
    Disputed,
}

/// Labels: 未分账, 确认中, 待打款, 已完成, 已驳回.
impl Code for BillStatus {
    const LABELS: Option<&'static str> = Some("bill.status");
}

impl BillStatus {
    /// The progress bar of the detail page (§6.1.3).
    pub const PROGRESS: [BillStatus; 4] = [
        BillStatus::Unsettled,
        BillStatus::Confirming,
        BillStatus::AwaitingPayout,
        BillStatus::Completed,
    ];

    /// Where a bill in this state stands on the progress bar; a disputed bill is back at
    /// the provider's confirmation step.
    pub fn progress_step(self) -> usize {
        match self {
            BillStatus::Unsettled => 0,
            BillStatus::Confirming | BillStatus::Disputed => 1,
            BillStatus::AwaitingPayout => 2,
            BillStatus::Completed => 3,
        }
    }

    /// Lines may be regenerated from the work orders until the provider has a say.
    pub fn regenerable(self) -> bool {
        matches!(self, BillStatus::Unsettled | BillStatus::Disputed)
    }

    /// A dispute stays on show until the revised bill is confirmed.
    pub fn shows_dispute(self) -> bool {
        matches!(self, BillStatus::Disputed | BillStatus::Confirming)
    }
}

/// What the platform or the provider asks of a bill; stored in the bill's history.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BillAction {
    /// The platform sends the bill to the provider.
    Send,
    /// 确认账单, by the provider's admin or co-admin.
    Confirm,
    /// 驳回, by the provider's admin or co-admin, with a reason.
    Reject,
    /// The platform sends a revised version back after a 驳回.
    Revise,
    /// The platform records the payout.
    #[strum(serialize = "payout")]
    RecordPayout,
}

/// No labels of its own: the audit log names an action by its `audit.bill_<code>` key.
impl Code for BillAction {
    const LABELS: Option<&'static str> = None;
}

impl BillAction {
    /// What the bill's history records as the move's reason, trimmed: a payout's reference,
    /// else the reason typed with the move.
    pub fn recorded_reason<'a>(self, reason: &'a str, payout_reference: &'a str) -> &'a str {
        match self {
            BillAction::RecordPayout => payout_reference.trim(),
            _ => reason.trim(),
        }
    }

    /// Whether the provider side takes this action (else the platform does).
    pub fn by_provider(self) -> bool {
        matches!(self, BillAction::Confirm | BillAction::Reject)
    }

    /// The state the action leads to: a repeat that finds the bill already there (a double
    /// click) is answered as done, without a second transition.
    pub fn target(self) -> BillStatus {
        match self {
            BillAction::Send | BillAction::Revise => BillStatus::Confirming,
            BillAction::Confirm => BillStatus::AwaitingPayout,
            BillAction::Reject => BillStatus::Disputed,
            BillAction::RecordPayout => BillStatus::Completed,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{action:?} is not allowed in {from:?}")]
pub struct ForbiddenMove {
    pub from: BillStatus,
    pub action: BillAction,
}

impl BillStatus {
    pub fn apply(self, action: BillAction) -> Result<BillStatus, ForbiddenMove> {
        use BillAction as A;
        use BillStatus as S;
        match (self, action) {
            (S::Unsettled, A::Send)
            | (S::Confirming, A::Confirm)
            | (S::Confirming, A::Reject)
            | (S::Disputed, A::Revise)
            | (S::AwaitingPayout, A::RecordPayout) => Ok(action.target()),
            (from, action) => Err(ForbiddenMove { from, action }),
        }
    }
}

/// One line of a bill (账单明细), amounts exact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillLine {
    pub order_no: String,
    pub order_total: Money,
    pub quantity: i64,
    pub paid: Money,
}

/// Everything a bill shows as totals; the list, the detail, the exports and the document
/// all take it from here, so they cannot disagree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillTotals {
    /// 订单总数: lines.
    pub orders: i64,
    /// 产品总数 / 已售服务: units sold.
    pub units: i64,
    /// 订单总金额 / 销售额, per currency.
    pub order_total: Totals,
    /// 实付金额 / 账单金额, per currency.
    pub paid: Totals,
}

impl BillTotals {
    pub fn of<'a>(lines: impl IntoIterator<Item = &'a BillLine>) -> BillTotals {
        let mut totals = BillTotals::default();
        for line in lines {
            totals.add(line);
        }
        totals
    }

    pub fn add(&mut self, line: &BillLine) {
        self.orders += 1;
        self.units += line.quantity;
        self.order_total.add(line.order_total);
        self.paid.add(line.paid);
    }

    /// Sums of several bills (the list's summary cards).
    pub fn merge(&mut self, other: &BillTotals) {
        self.orders += other.orders;
        self.units += other.units;
        for money in other.order_total.iter() {
            self.order_total.add(money);
        }
        for money in other.paid.iter() {
            self.paid.add(money);
        }
    }
}

/// "¥800.00 / $100.00": one amount per currency, never a mix; "—" when there is none.
pub fn format_totals(totals: &Totals) -> String {
    let parts: Vec<String> = totals.iter().map(|m| m.to_string()).collect();
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(" / ")
    }
}

/// How a version's lines differ from the previous version's, by 订单编号.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineChange {
    Added {
        order_no: String,
        paid: Money,
    },
    Removed {
        order_no: String,
        paid: Money,
    },
    Changed {
        order_no: String,
        before: Money,
        after: Money,
    },
}

pub fn diff(before: &[BillLine], after: &[BillLine]) -> Vec<LineChange> {
    let old: BTreeMap<&str, &BillLine> = before.iter().map(|l| (l.order_no.as_str(), l)).collect();
    let new: BTreeMap<&str, &BillLine> = after.iter().map(|l| (l.order_no.as_str(), l)).collect();
    let mut changes = Vec::new();
    for (no, line) in &old {
        match new.get(no) {
            None => changes.push(LineChange::Removed {
                order_no: no.to_string(),
                paid: line.paid,
            }),
            Some(now) if now.paid != line.paid => changes.push(LineChange::Changed {
                order_no: no.to_string(),
                before: line.paid,
                after: now.paid,
            }),
            Some(_) => {}
        }
    }
    for (no, line) in &new {
        if !old.contains_key(no) {
            changes.push(LineChange::Added {
                order_no: no.to_string(),
                paid: line.paid,
            });
        }
    }
    changes
}

/// A settlement period: whole days, both ends inclusive, as ISO dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: String,
    pub end: String,
}

impl Period {
    /// "2019-10" → 2019-10-01 … 2019-10-31.
    pub fn month(value: &str) -> Option<Period> {
        let (year, month) = value.trim().split_once('-')?;
        let year: i32 = year.parse().ok().filter(|y| (2000..=9999).contains(y))?;
        let month: u32 = month.parse().ok().filter(|m| (1..=12).contains(m))?;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let last = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        Some(Period {
            start: format!("{year:04}-{month:02}-01"),
            end: format!("{year:04}-{month:02}-{last:02}"),
        })
    }

    /// The bill date: the day after the period ends, as the manual numbers the October
    /// bill 20191101….
    pub fn bill_date(&self) -> Option<String> {
        let (year, rest) = self.end.split_once('-')?;
        let (month, day) = rest.split_once('-')?;
        let (mut year, mut month, day): (i32, u32, u32) =
            (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
        let last = Period::month(&format!("{year:04}-{month:02}"))?;
        let next_day = if last.end == self.end {
            month += 1;
            if month > 12 {
                month = 1;
                year += 1;
            }
            1
        } else {
            day + 1
        };
        Some(format!("{year:04}{month:02}{next_day:02}"))
    }

    /// "2019/10/1-2019/10/31", as the manual writes a 周期.
    pub fn label(&self) -> String {
        let short = |date: &str| {
            let mut parts = date.split('-');
            let year = parts.next().unwrap_or_default();
            let month = parts.next().unwrap_or_default().trim_start_matches('0');
            let day = parts.next().unwrap_or_default().trim_start_matches('0');
            format!("{year}/{month}/{day}")
        };
        format!("{}-{}", short(&self.start), short(&self.end))
    }
}

/// Whether a bill for `period` may be generated beside the provider's bills whose periods
/// overlap it (`overlapping`, with their states): with none, a new bill (`None`); with the
/// same period alone, a new version of that bill while its state allows it (`Some` of its
/// state); any other overlap is refused.
pub fn check_regeneration(
    period: &Period,
    overlapping: &[(Period, BillStatus)],
) -> Result<Option<BillStatus>, AppError> {
    let Some((existing, status)) = overlapping.first() else {
        return Ok(None);
    };
    if existing != period || overlapping.len() > 1 {
        return Err(AppError::invalid(&[("month", "bill.error.overlap")]));
    }
    if !status.regenerable() {
        return Err(AppError::Conflict("bill.error.state".into()));
    }
    Ok(Some(*status))
}

/// The version after `version`: a regeneration or a revision writes one, keeping the old.
pub fn next_version(version: i64) -> i64 {
    version + 1
}

/// A revision's note as the detail shows it: a regeneration's stored marker is no one's
/// words.
pub fn revision_note(note: String) -> String {
    match note.as_str() {
        "regenerated" => String::new(),
        _ => note,
    }
}

/// 账单号: the bill date and a four-digit sequence of that date, e.g. 201911010001.
pub fn bill_no(bill_date: &str, sequence: i64) -> String {
    format!("{bill_date}{sequence:04}")
}

/// The most 订单编号 one 驳回 may name.
pub const MAX_DISPUTED: usize = 500;

/// The 订单编号 typed into a 驳回 (lines on other pages of a long bill), separated by commas,
/// 、, ， or white space; repeats count once. `None` when they are too many or one is too long.
pub fn typed_order_nos(text: &str) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for no in text
        .split(|c: char| c == ',' || c == '、' || c == '，' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
    {
        if no.chars().count() > 64 {
            return None;
        }
        if !out.iter().any(|seen| seen == no) {
            out.push(no.to_owned());
        }
    }
    (out.len() <= MAX_DISPUTED).then_some(out)
}

/// The most characters a 驳回's reason may have.
pub const MAX_REASON: usize = 2000;

/// A 驳回 as the provider sends it: a reason (required, at most `MAX_REASON` characters) and
/// the disputed lines, ticked on the page on show (`ticked`) or typed by 订单编号 (`typed`).
/// The disputed 订单编号, sorted, each once, at most `MAX_DISPUTED`; or each failing field with
/// its error key.
pub fn check_rejection(
    reason: &str,
    typed: &str,
    ticked: &[String],
) -> Result<Vec<String>, Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    if reason.is_empty() {
        errors.push(("reason", "form.required"));
    } else if reason.chars().count() > MAX_REASON {
        errors.push(("reason", "form.too_long"));
    }
    let typed_list = typed_order_nos(typed);
    if typed_list.is_none() {
        errors.push(("disputed_nos", "bill.error.disputed_nos"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut disputed: Vec<String> = ticked
        .iter()
        .cloned()
        .chain(typed_list.unwrap_or_default())
        .collect();
    disputed.sort();
    disputed.dedup();
    if disputed.len() > MAX_DISPUTED {
        return Err(vec![("disputed_nos", "bill.error.disputed_nos")]);
    }
    Ok(disputed)
}

/// What generating a bill asks for: a provider (its id) and a month ("2019-10"); or each
/// failing field with its error key.
pub fn check_generation(
    provider_id: &str,
    month: &str,
) -> Result<(i64, Period), Vec<(&'static str, &'static str)>> {
    let provider: Option<i64> = provider_id.trim().parse().ok();
    let period = Period::month(month);
    let mut errors = Vec::new();
    if provider.is_none() {
        errors.push(("provider_id", "form.required"));
    }
    if period.is_none() {
        errors.push(("month", "bill.error.month"));
    }
    match (provider, period) {
        (Some(provider), Some(period)) => Ok((provider, period)),
        _ => Err(errors),
    }
}

/// A revision's note (what changed and why): required.
pub fn check_revision_note(note: &str) -> Result<(), Vec<(&'static str, &'static str)>> {
    if note.trim().is_empty() {
        Err(vec![("reason", "bill.error.note")])
    } else {
        Ok(())
    }
}

/// Failing fields named at run time (`amount_<id>`), each with its error key.
pub type FieldErrors = Vec<(String, &'static str)>;

/// The next version's lines from the current ones (`(line id, line)`): the `removed` ids
/// dropped, the paid amounts typed in `amounts` (by line id, in the line's currency) put in.
/// For each kept line, its index in `current` and its paid amount; or each failing field
/// (`amount_<id>`, or the note when no line is left) with its error key.
pub fn revise_lines<'a>(
    current: impl IntoIterator<Item = (i64, &'a BillLine)>,
    amounts: &BTreeMap<i64, String>,
    removed: &[i64],
) -> Result<Vec<(usize, Money)>, FieldErrors> {
    let mut next = Vec::new();
    let mut errors = Vec::new();
    for (index, (id, line)) in current.into_iter().enumerate() {
        if removed.contains(&id) {
            continue;
        }
        let mut paid = line.paid;
        if let Some(typed) = amounts.get(&id) {
            match parse_amount(typed, line.paid.currency) {
                Some(amount) => paid = amount,
                None => errors.push((format!("amount_{id}"), "bill.error.amount")),
            }
        }
        next.push((index, paid));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if next.is_empty() {
        return Err(vec![("reason".into(), "bill.error.no_lines")]);
    }
    Ok(next)
}

/// What a move asked of a bill in `from` comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The bill moves to this state.
    To(BillStatus),
    /// The bill is already where the move leads (a double click): done, nothing changes.
    AlreadyThere,
}

impl BillStatus {
    /// `apply`, with a repeat of a move that already happened answered as done.
    pub fn step(self, action: BillAction) -> Result<Step, ForbiddenMove> {
        match self.apply(action) {
            Ok(to) => Ok(Step::To(to)),
            Err(_) if self == action.target() => Ok(Step::AlreadyThere),
            Err(refused) => Err(refused),
        }
    }
}

/// A payout amount as typed: positive, at most two places.
pub fn parse_amount(text: &str, currency: Currency) -> Option<Money> {
    let amount: rust_decimal::Decimal = text.trim().parse().ok()?;
    let money = Money::new(amount, currency);
    (amount.is_sign_positive() && money.to_minor().is_ok()).then_some(money)
}

/// A payout as the platform types it, checked against the bill: a reference, a valid date
/// (`date_ok`), and for each currency exactly the paid total that is due. The amounts to
/// record, or each failing field with its error key.
pub fn check_payout(
    reference: &str,
    date_ok: bool,
    due: &Totals,
    typed: &BTreeMap<Currency, String>,
) -> Result<Vec<Money>, Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    if reference.trim().is_empty() {
        errors.push(("payout_reference", "bill.error.reference"));
    }
    if !date_ok {
        errors.push(("payout_date", "bill.error.date"));
    }
    let mut amounts = Vec::new();
    for money in due.iter() {
        let text = typed.get(&money.currency).map(String::as_str).unwrap_or("");
        match parse_amount(text, money.currency) {
            Some(paid) if paid.amount == money.amount => amounts.push(paid),
            _ => errors.push((
                match money.currency {
                    Currency::Cny => "payout_cny",
                    Currency::Usd => "payout_usd",
                },
                "bill.error.payout_amount",
            )),
        }
    }
    if errors.is_empty() {
        Ok(amounts)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_order_numbers_are_split_and_bounded() {
        assert_eq!(typed_order_nos(""), Some(vec![]));
        assert_eq!(
            typed_order_nos(
                " 201910160930001000, 201910160930001001\n201910160930001000、A1，B2;C3 "
            ),
            Some(
                ["201910160930001000", "201910160930001001", "A1", "B2", "C3"]
                    .map(String::from)
                    .to_vec()
            )
        );
        assert_eq!(typed_order_nos(&"9".repeat(65)), None);
        let many: Vec<String> = (0..=MAX_DISPUTED).map(|i| i.to_string()).collect();
        assert_eq!(typed_order_nos(&many.join(",")), None);
        assert_eq!(
            typed_order_nos(&many[..MAX_DISPUTED].join(" ")).map(|v| v.len()),
            Some(MAX_DISPUTED)
        );
    }

    #[test]
    fn a_payout_is_exactly_what_is_due_in_each_currency() {
        use rust_decimal::Decimal;
        let due: Totals = [
            Money::new(Decimal::new(60000, 2), Currency::Cny),
            Money::new(Decimal::new(10000, 2), Currency::Usd),
        ]
        .into_iter()
        .collect();
        let typed = |cny: &str, usd: &str| {
            BTreeMap::from([
                (Currency::Cny, cny.to_owned()),
                (Currency::Usd, usd.to_owned()),
            ])
        };
        let paid = check_payout("TX-1", true, &due, &typed("600", "100.00")).unwrap();
        assert_eq!(paid.len(), 2);
        assert_eq!(
            check_payout(" ", false, &due, &typed("599.99", "")).unwrap_err(),
            vec![
                ("payout_reference", "bill.error.reference"),
                ("payout_date", "bill.error.date"),
                ("payout_cny", "bill.error.payout_amount"),
                ("payout_usd", "bill.error.payout_amount"),
            ]
        );
        // Nothing due in a currency: nothing asked for it.
        let cny_only: Totals = [Money::new(Decimal::new(1, 0), Currency::Cny)]
            .into_iter()
            .collect();
        assert!(check_payout("TX-2", true, &cny_only, &typed("1.00", "")).is_ok());
    }

    use proptest::prelude::*;
    use rust_decimal::Decimal;

    #[test]
    fn the_bill_moves_only_along_the_manual_s_path() {
        use BillAction as A;
        use BillStatus as S;
        assert_eq!(S::Unsettled.apply(A::Send), Ok(S::Confirming));
        assert_eq!(S::Confirming.apply(A::Confirm), Ok(S::AwaitingPayout));
        assert_eq!(S::Confirming.apply(A::Reject), Ok(S::Disputed));
        assert_eq!(S::Disputed.apply(A::Revise), Ok(S::Confirming));
        assert_eq!(S::AwaitingPayout.apply(A::RecordPayout), Ok(S::Completed));
        let allowed = [
            (S::Unsettled, A::Send),
            (S::Confirming, A::Confirm),
            (S::Confirming, A::Reject),
            (S::Disputed, A::Revise),
            (S::AwaitingPayout, A::RecordPayout),
        ];
        for from in S::all() {
            for action in [A::Send, A::Confirm, A::Reject, A::Revise, A::RecordPayout] {
                if !allowed.contains(&(from, action)) {
                    assert_eq!(from.apply(action), Err(ForbiddenMove { from, action }));
                }
            }
        }
    }

    #[test]
    fn only_confirm_and_reject_are_the_provider_s() {
        assert!(BillAction::Confirm.by_provider());
        assert!(BillAction::Reject.by_provider());
        assert!(!BillAction::Send.by_provider());
        assert!(!BillAction::Revise.by_provider());
        assert!(!BillAction::RecordPayout.by_provider());
    }

    #[test]
    fn statuses_round_trip_through_the_database_text() {
        for s in BillStatus::all() {
            assert_eq!(BillStatus::from_db(s.as_db()), Some(s));
        }
        assert_eq!(BillStatus::from_db("paid"), None);
    }

    /// The stored codes must never change with a renamed variant; a payout is stored as
    /// "payout", not after its variant.
    #[test]
    fn statuses_and_actions_keep_their_codes_and_labels() {
        use crate::kit::code::{codes, missing_labels};
        assert_eq!(
            codes::<BillStatus>(),
            [
                "unsettled",
                "confirming",
                "awaiting_payout",
                "completed",
                "disputed"
            ]
        );
        assert_eq!(
            codes::<BillAction>(),
            ["send", "confirm", "reject", "revise", "payout"]
        );
        assert_eq!(BillAction::RecordPayout.as_db(), "payout");
        assert_eq!(BillAction::from_db("record_payout"), None);
        assert_eq!(
            BillStatus::AwaitingPayout.label_key(),
            "bill.status.awaiting_payout"
        );
        let missing = missing_labels::<BillStatus>();
        assert!(missing.is_empty(), "{missing:?}");
    }

    fn line(no: &str, total: &str, paid: &str, currency: Currency) -> BillLine {
        BillLine {
            order_no: no.into(),
            order_total: Money::new(total.parse().unwrap(), Currency::Cny),
            quantity: 1,
            paid: Money::new(paid.parse().unwrap(), currency),
        }
    }

    #[test]
    fn the_manual_s_october_bill_adds_up() {
        let lines = [
            line("201910250405571605", "200.00", "100.00", Currency::Usd),
            line("201910241010471585", "200.00", "200.00", Currency::Cny),
            line("201910080551211494", "400.00", "400.00", Currency::Cny),
        ];
        let totals = BillTotals::of(&lines);
        assert_eq!(totals.orders, 3);
        assert_eq!(totals.units, 3);
        assert_eq!(format_totals(&totals.order_total), "¥800.00");
        assert_eq!(format_totals(&totals.paid), "¥600.00 / $100.00");
    }

    #[test]
    fn diff_names_added_removed_and_changed_lines() {
        let before = [
            line("1", "10", "10", Currency::Cny),
            line("2", "20", "20", Currency::Cny),
        ];
        let after = [
            line("2", "20", "15", Currency::Cny),
            line("3", "30", "30", Currency::Cny),
        ];
        let changes = diff(&before, &after);
        assert_eq!(changes.len(), 3);
        assert!(matches!(&changes[0], LineChange::Removed { order_no, .. } if order_no == "1"));
        assert!(
            matches!(&changes[1], LineChange::Changed { order_no, before, after }
            if order_no == "2" && before.amount == Decimal::new(20, 0) && after.amount == Decimal::new(15, 0))
        );
        assert!(matches!(&changes[2], LineChange::Added { order_no, .. } if order_no == "3"));
        assert!(diff(&after, &after).is_empty());
    }

    #[test]
    fn periods_are_calendar_months_and_bills_are_numbered_from_the_next_day() {
        let october = Period::month("2019-10").unwrap();
        assert_eq!(
            (october.start.as_str(), october.end.as_str()),
            ("2019-10-01", "2019-10-31")
        );
        assert_eq!(october.label(), "2019/10/1-2019/10/31");
        assert_eq!(october.bill_date().as_deref(), Some("20191101"));
        assert_eq!(bill_no("20191101", 1), "201911010001");
        assert_eq!(Period::month("2020-02").unwrap().end, "2020-02-29");
        assert_eq!(Period::month("1900-02"), None);
        assert_eq!(Period::month("2019-13"), None);
        assert_eq!(Period::month("october"), None);
        let december = Period::month("2019-12").unwrap();
        assert_eq!(december.bill_date().as_deref(), Some("20200101"));
    }

    #[test]
    fn a_rejection_needs_a_reason_and_names_known_looking_lines() {
        let ticked = vec!["B2".to_owned(), "A1".to_owned()];
        assert_eq!(
            check_rejection("wrong amount", "A1, C3", &ticked),
            Ok(vec!["A1".to_owned(), "B2".to_owned(), "C3".to_owned()])
        );
        assert_eq!(check_rejection("why", "", &[]), Ok(vec![]));
        assert_eq!(
            check_rejection("", &"9".repeat(65), &[]),
            Err(vec![
                ("reason", "form.required"),
                ("disputed_nos", "bill.error.disputed_nos")
            ])
        );
        assert_eq!(
            check_rejection(&"长".repeat(MAX_REASON + 1), "", &[]),
            Err(vec![("reason", "form.too_long")])
        );
        assert!(check_rejection(&"长".repeat(MAX_REASON), "", &[]).is_ok());
        // Ticked and typed together past the bound.
        let typed: Vec<String> = (0..MAX_DISPUTED).map(|i| format!("t{i}")).collect();
        assert_eq!(
            check_rejection("why", &typed.join(","), &["x".to_owned()]),
            Err(vec![("disputed_nos", "bill.error.disputed_nos")])
        );
        assert!(check_rejection("why", &typed.join(","), &["t0".to_owned()]).is_ok());
    }

    #[test]
    fn generating_needs_a_provider_and_a_month() {
        assert_eq!(
            check_generation(" 7 ", "2019-10"),
            Ok((7, Period::month("2019-10").unwrap()))
        );
        assert_eq!(
            check_generation("", "2019-13"),
            Err(vec![
                ("provider_id", "form.required"),
                ("month", "bill.error.month")
            ])
        );
        assert_eq!(
            check_generation("x", "2019-10"),
            Err(vec![("provider_id", "form.required")])
        );
    }

    #[test]
    fn a_revision_keeps_lines_not_removed_with_their_typed_amounts() {
        assert_eq!(
            check_revision_note("  "),
            Err(vec![("reason", "bill.error.note")])
        );
        assert!(check_revision_note("fixed").is_ok());
        let lines = [
            line("1", "10", "10", Currency::Cny),
            line("2", "20", "20", Currency::Usd),
            line("3", "30", "30", Currency::Cny),
        ];
        let current = || [(11, &lines[0]), (12, &lines[1]), (13, &lines[2])];
        let amounts = BTreeMap::from([(12, "15.5".to_owned())]);
        assert_eq!(
            revise_lines(current(), &amounts, &[13]),
            Ok(vec![
                (0, lines[0].paid),
                (1, Money::new(Decimal::new(155, 1), Currency::Usd))
            ])
        );
        let bad = BTreeMap::from([(11, "-1".to_owned()), (13, "1.005".to_owned())]);
        assert_eq!(
            revise_lines(current(), &bad, &[]),
            Err(vec![
                ("amount_11".to_owned(), "bill.error.amount"),
                ("amount_13".to_owned(), "bill.error.amount")
            ])
        );
        assert_eq!(
            revise_lines(current(), &BTreeMap::new(), &[11, 12, 13]),
            Err(vec![("reason".to_owned(), "bill.error.no_lines")])
        );
    }

    #[test]
    fn a_repeated_move_is_done_and_a_wrong_one_refused() {
        use BillAction as A;
        use BillStatus as S;
        assert_eq!(S::Unsettled.step(A::Send), Ok(Step::To(S::Confirming)));
        assert_eq!(S::AwaitingPayout.step(A::Confirm), Ok(Step::AlreadyThere));
        assert_eq!(S::Confirming.step(A::Send), Ok(Step::AlreadyThere));
        assert_eq!(
            S::Completed.step(A::Reject),
            Err(ForbiddenMove {
                from: S::Completed,
                action: A::Reject
            })
        );
    }

    #[test]
    fn payout_amounts_are_positive_with_two_places_at_most() {
        assert!(parse_amount("600.00", Currency::Cny).is_some());
        assert!(parse_amount("-1", Currency::Cny).is_none());
        assert!(parse_amount("1.005", Currency::Cny).is_none());
        assert!(parse_amount("abc", Currency::Cny).is_none());
    }

    fn arb_line() -> impl Strategy<Value = (i64, i64, i64, bool)> {
        // Minor units up to 10^15 (the manual's 4888888888888889.00 is 4.9·10^17 fen, so
        // larger than any sum here would still be exact in i128).
        (
            0..1_000_000_000_000_000i64,
            0..1_000_000_000_000_000i64,
            1..1000i64,
            any::<bool>(),
        )
    }

    proptest! {
        #[test]
        fn totals_are_exact_per_currency_and_independent_of_order(
            raw in proptest::collection::vec(arb_line(), 0..60)
        ) {
            let lines: Vec<BillLine> = raw.iter().enumerate().map(|(i, (total, paid, qty, usd))| BillLine {
                order_no: i.to_string(),
                order_total: Money::from_minor(*total, Currency::Cny),
                quantity: *qty,
                paid: Money::from_minor(*paid, if *usd { Currency::Usd } else { Currency::Cny }),
            }).collect();
            let totals = BillTotals::of(&lines);
            // Reference sums in integer minor units.
            let mut cny: i128 = 0;
            let mut usd: i128 = 0;
            for (_, paid, _, is_usd) in &raw {
                if *is_usd { usd += *paid as i128 } else { cny += *paid as i128 }
            }
            let minor = |d: Decimal| (d * Decimal::new(100, 0)).normalize().to_string().parse::<i128>().unwrap();
            prop_assert_eq!(minor(totals.paid.get(Currency::Cny)), cny);
            prop_assert_eq!(minor(totals.paid.get(Currency::Usd)), usd);
            prop_assert_eq!(totals.orders, lines.len() as i64);
            let mut reversed = lines.clone();
            reversed.reverse();
            prop_assert_eq!(&BillTotals::of(&reversed), &totals);
            // Summing bills of split lines gives the bill of all lines (list = detail).
            let (a, b) = lines.split_at(lines.len() / 2);
            let mut merged = BillTotals::of(a);
            merged.merge(&BillTotals::of(b));
            prop_assert_eq!(format_totals(&merged.paid), format_totals(&totals.paid));
            prop_assert_eq!(merged, totals);
        }
    }

    #[test]
    fn a_period_is_generated_once_and_again_only_while_it_may_change() {
        use BillStatus as S;
        let october = Period::month("2019-10").unwrap();
        assert_eq!(check_regeneration(&october, &[]), Ok(None));
        assert_eq!(
            check_regeneration(&october, &[(october.clone(), S::Disputed)]),
            Ok(Some(S::Disputed))
        );
        assert_eq!(
            check_regeneration(&october, &[(october.clone(), S::Confirming)]),
            Err(AppError::Conflict("bill.error.state".into()))
        );
        let overlap = Err(AppError::invalid(&[("month", "bill.error.overlap")]));
        let other = Period {
            start: "2019-10-15".into(),
            end: "2019-11-14".into(),
        };
        assert_eq!(
            check_regeneration(&october, &[(other.clone(), S::Unsettled)]),
            overlap
        );
        assert_eq!(
            check_regeneration(
                &october,
                &[(october.clone(), S::Unsettled), (other, S::Unsettled)]
            ),
            overlap
        );
        assert_eq!(next_version(1), 2);
    }

    #[test]
    fn the_history_and_the_detail_show_what_the_people_wrote() {
        assert_eq!(
            BillAction::RecordPayout.recorded_reason("ignored", " TX-9 "),
            "TX-9"
        );
        assert_eq!(
            BillAction::Reject.recorded_reason(" 金额不符 ", "x"),
            "金额不符"
        );
        assert_eq!(revision_note("regenerated".into()), "");
        assert_eq!(revision_note("fixed 2 lines".into()), "fixed 2 lines");
        let shown: Vec<BillStatus> = BillStatus::all().filter(|s| s.shows_dispute()).collect();
        assert_eq!(shown, [BillStatus::Confirming, BillStatus::Disputed]);
        use crate::kit::pager::page_count;
        assert_eq!(page_count(0, 100), 1);
        assert_eq!(page_count(101, 100), 2);
    }
}
