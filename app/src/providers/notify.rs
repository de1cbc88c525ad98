//! Who is told what about a provider: its admins and co-admins, when the platform suspends
//! it (with the reason) and when it reinstates it; its admin, when the payout account changes.

use super::model::ProviderMove;
use crate::kit::mail::Letter;

pub fn moved(provider: &str, action: ProviderMove, reason: &str) -> Letter {
    match action {
        ProviderMove::Suspend => Letter::new("mail.provider_suspended.subject")
            .paragraph("mail.provider_suspended.body")
            .quote(reason)
            .paragraph("mail.provider_suspended.kept"),
        ProviderMove::Reinstate => Letter::new("mail.provider_reinstated.subject")
            .paragraph("mail.provider_reinstated.body"),
    }
    .arg("provider", provider)
}

/// To the admin: the account payouts go to changed (by `by`), both numbers masked — a
/// changed payout account is what a takeover would do first.
pub fn payout_account_changed(
    before: &super::company::Company,
    after: &super::company::Company,
    by: &str,
) -> Letter {
    use super::company::masked;
    Letter::new("mail.company.payout_changed.subject")
        .paragraph("mail.company.payout_changed.body")
        .paragraph("mail.company.payout_changed.warning")
        .arg("provider", after.name.as_str())
        .arg("by", by)
        .arg("old_bank", before.bank_name.as_str())
        .arg("old_account", masked(&before.bank_account_no))
        .arg("new_bank", after.bank_name.as_str())
        .arg("new_account", masked(&after.bank_account_no))
        .arg("holder", after.bank_account_name.as_str())
}
