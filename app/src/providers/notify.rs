//! Who is told what about a provider's standing: its admins and co-admins, when the platform
//! suspends it (with the reason) and when it reinstates it.

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
