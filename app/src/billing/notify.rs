//! Who is told what about a bill's moves: the provider's admins of a platform move, the
//! platform's operators of a provider's answer (the store picks the recipients by
//! `BillAction::by_provider` and enqueues these mails in the move's transaction).

use super::model::{BillAction, Period};
use crate::kit::mail::Letter;
use crate::kit::request::Settings;

/// The letter telling that `action` was taken on bill `no` of `provider`, with `reason` (the
/// 驳回's reason, the revision's note or the payout's reference), with a link to the bill on
/// the recipients' side.
pub fn bill_moved(
    settings: &Settings,
    provider: &str,
    no: &str,
    period: &Period,
    action: BillAction,
    reason: &str,
) -> Letter {
    let (subject, body) = match action {
        BillAction::Send => ("mail.bill.send.subject", "mail.bill.send.body"),
        BillAction::Revise => ("mail.bill.revise.subject", "mail.bill.revise.body"),
        BillAction::RecordPayout => ("mail.bill.paid.subject", "mail.bill.paid.body"),
        BillAction::Confirm => ("mail.bill.confirm.subject", "mail.bill.confirm.body"),
        BillAction::Reject => ("mail.bill.reject.subject", "mail.bill.reject.body"),
    };
    let path = if action.by_provider() {
        format!("{}/platform/bills/{no}", settings.public_url)
    } else {
        format!("{}/bills/{no}", settings.public_url)
    };
    Letter::new(subject)
        .paragraph(body)
        .arg("no", no)
        .arg("provider", provider)
        .arg("period", period.label())
        .arg("reason", reason)
        .button("mail.bill.button", path)
}
