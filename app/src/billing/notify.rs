//! Who is told what about a bill's moves: the provider's admins of a platform move, the
//! platform's operators of a provider's answer (the store picks the recipients by
//! `BillAction::by_provider` and enqueues these mails in the move's transaction).

use super::model::{BillAction, Period};
use crate::kit::mail::{render, Mail};
use crate::kit::request::Settings;

/// The mails telling `recipients` that `action` was taken on bill `no` of `provider`, with
/// `reason` (the 驳回's reason, the revision's note or the payout's reference), each with a
/// link to the bill on the recipients' side.
pub fn bill_moved(
    settings: &Settings,
    recipients: &[String],
    provider: &str,
    no: &str,
    period: &Period,
    action: BillAction,
    reason: &str,
) -> Vec<Mail> {
    let period = period.label();
    let (subject, zh, en) = match action {
        BillAction::Send => (
            format!("请确认账单 {no} · Please confirm bill {no}"),
            format!("{provider} 的账单 {no}（周期 {period}）已生成，请核对后确认账单或驳回。"),
            format!("Bill {no} of {provider} for {period} is ready. Please confirm it or reject it with a reason."),
        ),
        BillAction::Revise => (
            format!("账单 {no} 已修订 · Bill {no} revised"),
            format!("平台已根据您的驳回修订账单 {no}（周期 {period}）：{reason}。请再次核对。"),
            format!("The platform revised bill {no} ({period}) after your rejection: {reason}. Please review it again."),
        ),
        BillAction::RecordPayout => (
            format!("账单 {no} 已打款 · Bill {no} paid out"),
            format!("账单 {no}（周期 {period}）已打款，打款凭证：{reason}。"),
            format!("Bill {no} ({period}) has been paid out, reference {reason}."),
        ),
        BillAction::Confirm => (
            format!("{provider} 已确认账单 {no} · Bill {no} confirmed"),
            format!("{provider} 已确认账单 {no}（周期 {period}），请安排打款。"),
            format!("{provider} confirmed bill {no} ({period}); it awaits payout."),
        ),
        BillAction::Reject => (
            format!("{provider} 驳回了账单 {no} · Bill {no} rejected"),
            format!("{provider} 驳回了账单 {no}（周期 {period}），原因：{reason}。请修订后重新发送。"),
            format!("{provider} rejected bill {no} ({period}): {reason}. Please revise and send it back."),
        ),
    };
    let path = if action.by_provider() {
        format!("{}/platform/bills/{no}", settings.public_url)
    } else {
        format!("{}/bills/{no}", settings.public_url)
    };
    recipients
        .iter()
        .map(|to| {
            render(
                to,
                &subject,
                &[zh.clone(), en.clone()],
                Some(("查看账单 / View bill", &path)),
            )
        })
        .collect()
}
