//! Who is told what about tickets: the contact learns of the platform's answer to a
//! built-in ticket.

use crate::kit::mail::Letter;

/// The mail to the ticket's contact when the platform answered ticket `no` ("subject") with
/// `body`; its link opens the ticket under `public_url`.
pub fn answered(public_url: &str, no: &str, subject: &str, body: &str) -> Letter {
    Letter::new("mail.ticket.answered.subject")
        .paragraph("mail.ticket.answered.body")
        // The answer itself, as the platform wrote it.
        .quote(body)
        .arg("no", no)
        .arg("subject", subject)
        .button("mail.ticket.button", format!("{public_url}/tickets/{no}"))
}
