//! Who is told what about tickets: the contact learns of the platform's answer to a
//! built-in ticket.

use crate::kit::mail::{render, Mail};

/// The mail to the ticket's contact `to` when the platform answered ticket `no` ("subject")
/// with `body`; its link opens the ticket under `public_url`.
pub fn answered(public_url: &str, to: &str, no: &str, subject: &str, body: &str) -> Mail {
    let link = format!("{public_url}/tickets/{no}");
    render(
        to,
        &format!("工单 {no} 有新回复 · New reply to ticket {no}"),
        &[
            format!("平台已回复您的工单「{subject}」：\n{body}"),
            format!("The platform replied to your ticket \"{subject}\"."),
        ],
        Some(("查看工单 / View ticket", &link)),
    )
}
