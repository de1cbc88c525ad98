//! What a new operator is told: the link that activates their account.

use crate::kit::mail::Letter;

/// The activation link `url` of a new platform operator.
pub fn activation(url: &str) -> Letter {
    Letter::new("operator.mail.subject")
        .paragraph("operator.mail.body")
        .button("operator.mail.button", url)
        .secret(url)
}
