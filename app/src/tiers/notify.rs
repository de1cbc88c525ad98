//! Who is told what about tier applications: the applicant's contact hears the platform's
//! decision.

use crate::kit::mail::Letter;
use crate::kit::request::Settings;

/// The decision on an application for `tier`, to the application's contact.
pub fn decided(settings: &Settings, tier: &str, approve: bool, reason: &str) -> Letter {
    let (subject, body) = if approve {
        ("mail.tier.approved.subject", "mail.tier.approved.body")
    } else {
        ("mail.tier.rejected.subject", "mail.tier.rejected.body")
    };
    Letter::new(subject)
        .paragraph(body)
        .arg("tier", tier)
        .arg("reason", reason)
        .button("mail.tier.button", format!("{}/tiers", settings.public_url))
}
