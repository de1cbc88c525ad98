//! Who is told what about a provider: its admins and co-admins, when the platform suspends
//! it (with the reason) and when it reinstates it; its admin, when the payout account changes;
//! the operators, when a name change waits, and the admins when it is decided.

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

/// To the operators: provider `old` asks to be called `new`; the button opens its page.
pub fn rename_requested(public_url: &str, old: &str, new: &str, provider_id: i64) -> Letter {
    Letter::new("mail.company.rename_requested.subject")
        .paragraph("mail.company.rename_requested.body")
        .arg("old", old)
        .arg("new", new)
        .button(
            "mail.company.rename_requested.button",
            format!("{public_url}/platform/providers/{provider_id}"),
        )
}

/// To the provider's admins: the platform approved or rejected (for `reason`) the change
/// from `old` to `new`.
pub fn rename_decided(
    old: &str,
    new: &str,
    decision: super::company::RenameDecision,
    reason: &str,
) -> Letter {
    match decision {
        super::company::RenameDecision::Approve => {
            Letter::new("mail.company.renamed.subject").paragraph("mail.company.renamed.body")
        }
        super::company::RenameDecision::Reject => {
            Letter::new("mail.company.rename_rejected.subject")
                .paragraph("mail.company.rename_rejected.body")
                .quote(reason)
        }
    }
    .arg("old", old)
    .arg("new", new)
}
