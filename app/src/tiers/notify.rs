//! Who is told what about tier applications: the applicant's contact hears the platform's
//! decision.

use crate::kit::mail::{both, paragraphs, render, Mail};
use crate::kit::request::Settings;

/// The decision on an application for `tier`, to the application's contact email `to`.
pub fn decided(settings: &Settings, to: &str, tier: &str, approve: bool, reason: &str) -> Mail {
    let args = [("tier", tier), ("reason", reason)];
    let (subject, body) = if approve {
        ("mail.tier.approved.subject", "mail.tier.approved.body")
    } else {
        ("mail.tier.rejected.subject", "mail.tier.rejected.body")
    };
    let link = format!("{}/tiers", settings.public_url);
    render(
        to,
        &both(subject, &args, " · "),
        &paragraphs(&[body], &args),
        Some((&both("mail.tier.button", &[], " / "), &link)),
    )
}
