//! Who is told what about tickets: the contact learns of the platform's answer to a
//! built-in ticket.

use crate::kit::mail::{both, paragraphs, render, Mail};

/// The mail to the ticket's contact `to` when the platform answered ticket `no` ("subject")
/// with `body`; its link opens the ticket under `public_url`.
pub fn answered(public_url: &str, to: &str, no: &str, subject: &str, body: &str) -> Mail {
    let link = format!("{public_url}/tickets/{no}");
    let args = [("no", no), ("subject", subject)];
    let mut paragraphs = paragraphs(&["mail.ticket.answered.body"], &args);
    // The answer itself, as the platform wrote it, after the Chinese lead.
    paragraphs.insert(1, body.to_owned());
    render(
        to,
        &both("mail.ticket.answered.subject", &args, " · "),
        &paragraphs,
        Some((&both("mail.ticket.button", &[], " / "), &link)),
    )
}
