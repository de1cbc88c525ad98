//! What an account's owner is told about its security, whichever way it changed: a new
//! password, a linked identity provider, wrong second-factor codes.

use crate::kit::mail::Letter;

/// An identity provider's account was linked: it now signs in without the password.
pub fn oidc_linked() -> Letter {
    Letter::new("mail.oidc_linked.subject")
        .paragraph("mail.oidc_linked.body")
        .paragraph("mail.oidc_linked.warning")
}

/// Wrong second-factor codes started to wait: someone who knows the password may be
/// guessing the code.
pub fn second_factor_alert() -> Letter {
    Letter::new("mail.second_factor.subject")
        .paragraph("mail.second_factor.body")
        .paragraph("mail.second_factor.warning")
}

pub fn password_changed() -> Letter {
    Letter::new("mail.password_changed.subject")
        .paragraph("mail.password_changed.body")
        .paragraph("mail.password_changed.warning")
}
